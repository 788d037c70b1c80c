//===- QuantizeFuzzer.cpp - libFuzzer target: quantize small models -------===//
//
// Any bytes as MLIR text of a float model: when it parses, verifies and
// stays small (a statically shaped entry argument of at most 4,096
// elements, no tensor over 65,536 elements), compress-pipeline quantizes it
// on four deterministic calibration samples (int8 with round-to-nearest, or
// a 4x plan with GPTQ when the input's size is odd), the reference
// evaluator runs the result, and it is exported as QDQ ONNX and to TOSA.
// Every stage must diagnose what it rejects, never crash.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/Passes.h"
#include "compress/Evaluator/Evaluator.h"
#include "compress/Export/OnnxExport.h"
#include "compress/InitAll.h"
#include "compress/Pipelines/Pipelines.h"
#include "compress/Support/Npy.h"
#include "compress/Support/ParserGuard.h"
#include "compress/Support/Samples.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace mlir;

/// False if any value or attribute of `module` is a tensor of more than
/// `maxElements` elements (or not statically shaped), so that each input
/// runs in milliseconds.
static bool isSmall(ModuleOp module, int64_t maxElements) {
  auto small = [&](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return !shaped ||
           (shaped.hasStaticShape() && shaped.getNumElements() <= maxElements);
  };
  WalkResult result = module.walk([&](Operation *op) {
    for (Type type : op->getResultTypes())
      if (!small(type))
        return WalkResult::interrupt();
    for (NamedAttribute attr : op->getAttrs())
      if (auto typed = dyn_cast<TypedAttr>(attr.getValue()))
        if (!small(typed.getType()))
          return WalkResult::interrupt();
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (!small(arg.getType()))
            return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// Four samples for `argument`, values in [-2, 2) from a fixed generator.
static compress::Tensor calibrationFor(const compress::TensorSpec &argument) {
  compress::Shape shape{4};
  llvm::ArrayRef<int64_t> sample(argument.second);
  if (!sample.empty() && sample.front() == 1)
    sample = sample.drop_front();
  shape.append(sample.begin(), sample.end());
  compress::Tensor data(compress::DType::F32, shape);
  uint32_t state = 12345;
  for (float &value : data.f32()) {
    state = state * 1664525u + 1013904223u;
    value = float(state >> 8) / float(1 << 24) * 4.0f - 2.0f;
  }
  return data;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry;
    compress::registerAllDialects(*r);
    return r;
  }();
  static std::string calibrationPath = [] {
    llvm::SmallString<128> path;
    (void)llvm::sys::fs::createTemporaryFile("quantize-fuzzer", "npy", path);
    return std::string(path);
  }();
  // MLIR's lexer needs a NUL-terminated buffer, as the tools give it.
  std::string source(reinterpret_cast<const char *>(data), size);
  if (compress::findParserHazard(source))
    return 0;
  MLIRContext context(*registry);
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  if (!module || !isSmall(*module, 65536))
    return 0;
  llvm::Expected<func::FuncOp> entry = compress::findEntryFunction(*module, "");
  if (!entry) {
    llvm::consumeError(entry.takeError());
    return 0;
  }
  llvm::SmallVector<compress::TensorSpec> args, results;
  if (llvm::Error err = compress::getSignature(*entry, args, results)) {
    llvm::consumeError(std::move(err));
    return 0;
  }
  if (args.size() != 1 || args[0].first != compress::DType::F32 ||
      compress::numElements(args[0].second) > 4096)
    return 0;
  compress::Tensor calibration = calibrationFor(args[0]);
  if (llvm::Error err = compress::writeNpy(calibrationPath, calibration)) {
    llvm::consumeError(std::move(err));
    return 0;
  }

  compress::CompressPipelineOptions options;
  options.calibration = calibrationPath;
  if (size % 2) {
    options.compressionRatio = 4.0;
    options.sensitivitySamples = 2;
    options.gptqSamples = 4;
  }
  PassManager pm(&context);
  compress::buildCompressPipeline(pm, options);
  if (failed(pm.run(*module)))
    return 0;

  // The quantized program runs in the reference evaluator on a sample...
  entry = compress::findEntryFunction(*module, "");
  if (!entry) {
    llvm::consumeError(entry.takeError());
    return 0;
  }
  FailureOr<compress::Program> program = compress::Program::compile(*entry);
  if (succeeded(program)) {
    llvm::Expected<compress::Tensor> input =
        compress::sampleFor(calibration, 0, args[0], "calibration");
    if (input) {
      auto outputs = program->run({*input});
      if (!outputs)
        llvm::consumeError(outputs.takeError());
    } else {
      llvm::consumeError(input.takeError());
    }
  }
  // ...exports as QDQ ONNX...
  llvm::Expected<std::string> onnx = compress::exportQdqOnnx(*entry);
  if (!onnx)
    llvm::consumeError(onnx.takeError());
  // ...and to TOSA.
  PassManager exportPm(&context);
  exportPm.addNestedPass<func::FuncOp>(compress::createConvertQIntToTosaPass());
  (void)exportPm.run(*module);
  return 0;
}
