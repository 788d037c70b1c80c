//===- compress-embed.cpp - compress used as a library --------------------===//
//
// What a compiler that embeds compress does: register the dialects, read a
// float TOSA model (or import an ONNX one), run the compression pipeline
// built from its options struct, JIT-compile the result and run it.
//
//   compress-embed MODEL.tosa.mlir|MODEL.onnx CALIB.npy TEST_X.npy TEST_Y.npy
//                  [PIPELINE-OPTIONS]
//
// prints the compressed model's top-1 accuracy on the test samples.
//
//===----------------------------------------------------------------------===//

#include "compress/Import/OnnxImporter.h"
#include "compress/InitAll.h"
#include "compress/Pipelines/Pipelines.h"
#include "compress/Runtime/ModelRunner.h"
#include "compress/Support/Npy.h"
#include "compress/Support/Samples.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace compress;

static int fail(const llvm::Twine &message) {
  llvm::errs() << "compress-embed: error: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 5)
    return fail("usage: compress-embed MODEL CALIB.npy TEST_X.npy TEST_Y.npy "
                "[PIPELINE-OPTIONS]");
  std::string modelPath = argv[1];

  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);

  // The float model: TOSA text, or ONNX through the importer.
  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (llvm::StringRef(modelPath).ends_with(".onnx")) {
    auto bytes = llvm::MemoryBuffer::getFile(modelPath);
    if (!bytes)
      return fail(modelPath + ": cannot read");
    auto imported = importOnnxModel((*bytes)->getBuffer(), context);
    if (!imported)
      return fail(llvm::toString(imported.takeError()));
    module = std::move(*imported);
  } else {
    module = mlir::parseSourceFile<mlir::ModuleOp>(modelPath, &context);
    if (!module)
      return fail(modelPath + ": does not parse");
  }

  // The pipeline, from the same options compress-opt's
  // --compress-pipeline takes.
  std::string optionString = std::string("calibration=") + argv[2] +
                             (argc > 5 ? " " : "") + (argc > 5 ? argv[5] : "");
  auto options = CompressPipelineOptions::createFromString(optionString);
  if (!options)
    return fail("bad pipeline options: " + optionString);
  mlir::PassManager pm(&context);
  buildCompressPipeline(pm, *options);
  if (mlir::failed(pm.run(*module)))
    return fail("the compression pipeline failed");

  // JIT-compile the integer program and run it on every test sample.
  auto runner = createJitRunner(*module, "main");
  if (!runner)
    return fail(llvm::toString(runner.takeError()));
  auto x = readNpy(argv[3]);
  auto y = readNpy(argv[4]);
  if (!x)
    return fail(llvm::toString(x.takeError()));
  if (!y)
    return fail(llvm::toString(y.takeError()));
  int64_t samples = x->shape().front(), correct = 0;
  for (int64_t i = 0; i < samples; ++i) {
    auto sample = sampleFor(*x, i, (*runner)->argumentTypes().front(), "input");
    if (!sample)
      return fail(llvm::toString(sample.takeError()));
    auto outputs = (*runner)->run({*sample});
    if (!outputs)
      return fail(llvm::toString(outputs.takeError()));
    correct += argmax(outputs->front()) == y->ints()[i];
  }
  llvm::outs() << "samples: " << samples << "\n"
               << "top1: " << llvm::format("%.4f", double(correct) / samples)
               << "\n";
  return 0;
}
