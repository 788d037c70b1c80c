//===- JitRunner.cpp - Run a model JIT-compiled through LLVM --------------===//
//
// Lowers a copy of the module with compress-lower-to-llvm, compiles it with
// mlir::ExecutionEngine and calls the entry function through its packed
// interface. Each memref argument is passed as its expanded descriptor
// (allocated and aligned pointer, offset, sizes, strides); results come
// back as a struct of descriptors, all of whose fields are 8 bytes, so any
// rank is handled by one generic path without emitting C interfaces.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/QIntToX86/QIntToX86.h"
#include "compress/Pipelines/Pipelines.h"
#include "compress/Runtime/ModelRunner.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace compress;

#ifndef COMPRESS_MLIR_LIB_DIR
#define COMPRESS_MLIR_LIB_DIR "/usr/lib/llvm-22/lib"
#endif

namespace {

/// Bytes of one element as the compiled code stores it.
size_t storageBytes(DType type) {
  switch (type) {
  case DType::F32: return 4;
  case DType::F64: return 8;
  case DType::I1:
  case DType::I8:
  case DType::U8: return 1;
  case DType::I16: return 2;
  case DType::I32: return 4;
  case DType::I48:
  case DType::I64: return 8;
  }
  return 8;
}

/// Packs a tensor into the native element layout of its dtype.
std::vector<uint8_t> toNative(const Tensor &t) {
  size_t bytes = storageBytes(t.dtype());
  std::vector<uint8_t> buffer(t.size() * bytes);
  if (t.dtype() == DType::F32) {
    std::memcpy(buffer.data(), t.f32().data(), buffer.size());
  } else if (t.dtype() == DType::F64) {
    std::memcpy(buffer.data(), t.f64().data(), buffer.size());
  } else {
    for (int64_t i = 0; i < t.size(); ++i) {
      int64_t v = t.ints()[i];
      std::memcpy(buffer.data() + i * bytes, &v, bytes); // little endian
    }
  }
  return buffer;
}

/// Reads element `i` of a native buffer of `type` into tensor slot `j`.
void fromNative(const uint8_t *base, int64_t i, Tensor &t, int64_t j) {
  size_t bytes = storageBytes(t.dtype());
  const uint8_t *p = base + i * bytes;
  switch (t.dtype()) {
  case DType::F32: std::memcpy(&t.f32()[j], p, 4); return;
  case DType::F64: std::memcpy(&t.f64()[j], p, 8); return;
  default: {
    int64_t v = 0;
    std::memcpy(&v, p, bytes);
    t.ints()[j] = wrapInt(v, t.dtype());
    return;
  }
  }
}

class JitRunner : public ModelRunner {
public:
  JitRunner(std::unique_ptr<ExecutionEngine> engine, void (*entry)(void **),
            SmallVector<TensorSpec> args, SmallVector<TensorSpec> results)
      : engine(std::move(engine)), entry(entry) {
    argTypes = std::move(args);
    resTypes = std::move(results);
  }

  llvm::Expected<SmallVector<Tensor>> run(ArrayRef<Tensor> inputs) override;

private:
  std::unique_ptr<ExecutionEngine> engine;
  /// The entry's packed interface, looked up once: a lookup by name costs
  /// about a microsecond, as much as a small model's convolution.
  void (*entry)(void **);
};

llvm::Expected<SmallVector<Tensor>> JitRunner::run(ArrayRef<Tensor> inputs) {
  if (auto err = checkInputs(inputs))
    return std::move(err);
  // Argument descriptors, expanded into 8-byte fields.
  std::vector<std::vector<uint8_t>> buffers;
  std::vector<std::vector<int64_t>> fields;
  for (const Tensor &input : inputs) {
    buffers.push_back(toNative(input));
    std::vector<int64_t> desc;
    int64_t ptr = int64_t(reinterpret_cast<intptr_t>(buffers.back().data()));
    desc.push_back(ptr);
    desc.push_back(ptr);
    desc.push_back(0);
    for (int64_t d : input.shape())
      desc.push_back(d);
    for (int64_t s : rowMajorStrides(input.shape()))
      desc.push_back(s);
    fields.push_back(std::move(desc));
  }
  size_t resultWords = 0;
  for (const auto &[dtype, shape] : resTypes)
    resultWords += 3 + 2 * shape.size();
  std::vector<int64_t> resultStorage(resultWords, 0);
  SmallVector<void *> packed;
  for (auto &desc : fields)
    for (int64_t &field : desc)
      packed.push_back(&field);
  if (!resTypes.empty())
    packed.push_back(resultStorage.data());
  entry(packed.data());

  SmallVector<Tensor> outputs;
  size_t word = 0;
  for (const auto &[dtype, shape] : resTypes) {
    int64_t rank = shape.size();
    auto *allocated = reinterpret_cast<uint8_t *>(resultStorage[word]);
    auto *aligned = reinterpret_cast<uint8_t *>(resultStorage[word + 1]);
    int64_t offset = resultStorage[word + 2];
    ArrayRef<int64_t> strides(&resultStorage[word + 3 + rank], rank);
    Tensor out(dtype, shape);
    Shape index(rank, 0);
    for (int64_t j = 0; j < out.size(); ++j) {
      int64_t linear = offset;
      for (int64_t d = 0; d < rank; ++d)
        linear += index[d] * strides[d];
      fromNative(aligned, linear, out, j);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < shape[d])
          break;
        index[d] = 0;
      }
    }
    // Returned buffers belong to the caller (ownership-based deallocation
    // clones anything it does not own), except an argument passed through.
    bool isInput = llvm::any_of(buffers, [&](const std::vector<uint8_t> &b) {
      return b.data() == allocated;
    });
    if (!isInput)
      std::free(allocated);
    outputs.push_back(std::move(out));
    word += 3 + 2 * rank;
  }
  return outputs;
}

} // namespace

llvm::Expected<std::unique_ptr<ExecutionEngine>>
compress::compileForJit(ModuleOp module, const JitOptions &options) {
  LowerToLLVMPipelineOptions lowering;
  bool vnni = hostSupportsQIntToX86();
  std::optional<LoweringKernels> kernels =
      options.kernels.empty()
          ? (vnni ? LoweringKernels::X86Vnni : LoweringKernels::Tosa)
          : parseLoweringKernels(options.kernels);
  if (!kernels)
    return llvm::createStringError("unknown kernels '" + options.kernels +
                                   "' (expected tosa or x86-vnni)");
  if (*kernels == LoweringKernels::X86Vnni && !vnni)
    return llvm::createStringError(
        "the x86-vnni kernels need a CPU with " +
        llvm::join(getQIntToX86RequiredFeatures(), ", ") +
        "; this one lacks some (use the tosa kernels)");
  std::optional<BufferArena> arena = parseBufferArena(options.arena);
  if (!arena)
    return llvm::createStringError("unknown arena '" + options.arena +
                                   "' (expected heap, global or none)");
  lowering.kernels = *kernels;
  lowering.arena = *arena;
  lowering.sparseKernels = options.sparseKernels;

  OwningOpRef<ModuleOp> lowered = cast<ModuleOp>(module->clone());
  PassManager pm(lowered.get()->getName());
  buildLowerToLLVMPipeline(pm, lowering);
  if (failed(pm.run(*lowered)))
    return llvm::createStringError("lowering the model to LLVM failed");

  static bool targetsInitialised = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetsInitialised;
  DialectRegistry registry;
  registerAllToLLVMIRTranslations(registry);
  lowered->getContext()->appendDialectRegistry(registry);

  // The host's target machine, so that LLVM's optimisations (the loop
  // vectoriser above all) know the CPU's vector width and features.
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return machineBuilder.takeError();
  machineBuilder->setCodeGenOptLevel(
      static_cast<llvm::CodeGenOptLevel>(options.optLevel));
  auto targetMachine = machineBuilder->createTargetMachine();
  if (!targetMachine)
    return targetMachine.takeError();
  auto transformer = makeOptimizingTransformer(
      options.optLevel, /*sizeLevel=*/0, targetMachine->get());
  // Lowered memref copies call into MLIR's C runner utilities.
  static constexpr llvm::StringLiteral kRunnerUtils =
      COMPRESS_MLIR_LIB_DIR "/libmlir_c_runner_utils.so";
  SmallVector<StringRef> libs = {kRunnerUtils};
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.sharedLibPaths = libs;
  engineOptions.jitCodeGenOptLevel =
      static_cast<llvm::CodeGenOptLevel>(options.optLevel);
  auto engine = ExecutionEngine::create(*lowered, engineOptions);
  if (!engine)
    return engine.takeError();
  (*engine)->initialize();
  return std::move(*engine);
}

llvm::Expected<std::unique_ptr<ModelRunner>>
compress::createJitRunner(ModuleOp module, StringRef entryName,
                          const JitOptions &options) {
  auto entry = findEntryFunction(module, entryName);
  if (!entry)
    return entry.takeError();
  SmallVector<TensorSpec> args, results;
  if (auto err = getSignature(*entry, args, results))
    return std::move(err);
  std::string name = entry->getSymName().str();

  auto engine = compileForJit(module, options);
  if (!engine)
    return engine.takeError();
  auto packed = (*engine)->lookupPacked(name);
  if (!packed)
    return packed.takeError();
  return std::make_unique<JitRunner>(std::move(*engine), *packed,
                                     std::move(args), std::move(results));
}
