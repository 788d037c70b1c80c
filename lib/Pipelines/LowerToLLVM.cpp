//===- LowerToLLVM.cpp - The compress-lower-to-llvm pipeline --------------===//
//
// Lowers float TOSA and qint programs to the LLVM dialect. With
// `kernels=x86-vnni`, convert-qint-to-x86 first replaces convolutions and
// matmuls (with the requantize and residual add after them) by AVX-512 VNNI
// kernels. The qint ops left are exported to integer TOSA
// (convert-qint-to-tosa), so that one path, upstream's TOSA lowering,
// compiles the rest of both kinds of program; both the kernels and the
// export are exact, so compiled integer code keeps agreeing with the
// reference evaluator bit for bit. Float programs contain no qint ops and
// pass through both unchanged. After bufferization, strided copies become
// loops (compress-expand-strided-copies) and temporary buffers share one
// arena (compress-plan-buffers).
//
// Upstream's TOSA lowering is used as is. Upstream's own
// `tosa-to-linalg-pipeline` starts with TOSA validation at the default 8K
// level, which MLIR 22 wrongly fails on a rank-4 `tosa.pad` (its padding
// operand is checked against MAX_RANK), so this pipeline lists the
// conversion passes without that validation.
//
//===----------------------------------------------------------------------===//

#include "compress/Pipelines/Pipelines.h"

#include "compress/Conversion/Passes.h"
#include "compress/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace compress;

llvm::cl::ValuesClass compress::loweringKernelsValues() {
  return llvm::cl::values(clEnumValN(LoweringKernels::Tosa, "tosa",
                                     "upstream's TOSA lowering, any CPU"),
                          clEnumValN(LoweringKernels::X86Vnni, "x86-vnni",
                                     "convert-qint-to-x86, needs AVX-512 "
                                     "VNNI"));
}

std::optional<LoweringKernels>
compress::parseLoweringKernels(llvm::StringRef name) {
  return parseOptionValue<LoweringKernels>(loweringKernelsValues(), name);
}

std::optional<BufferArena> compress::parseBufferArena(llvm::StringRef name) {
  return parseOptionValue<BufferArena>(bufferArenaValues(), name);
}

void compress::buildLowerToLLVMPipeline(
    OpPassManager &pm, const LowerToLLVMPipelineOptions &options) {
  if (options.kernels == LoweringKernels::X86Vnni)
    pm.addPass(createConvertQIntToX86Pass({options.sparseKernels}));
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  funcPm.addPass(createConvertQIntToTosaPass());
  if (options.cleanup)
    funcPm.addPass(createCleanupPass());
  funcPm.addPass(tosa::createTosaToLinalgNamed(TosaToLinalgNamedOptions()));
  funcPm.addPass(tosa::createTosaToLinalg());
  TosaToArithPassOptions arithOptions;
  arithOptions.includeApplyRescale = true;
  funcPm.addPass(createTosaToArithPass(arithOptions));
  funcPm.addPass(createTosaToTensorPass());
  // One loop nest per chain of elementwise ops (the decoding of packed
  // weights, requantization after a kernel) rather than one per op.
  funcPm.addPass(createLinalgElementwiseOpFusionPass());

  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  // Arguments and results are contiguous row-major buffers (what the JIT
  // runner and compress-aot's C header pass), so kernels index them
  // directly instead of copying them into that layout first.
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  pm.addNestedPass<func::FuncOp>(createExpandStridedCopiesPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.arena != BufferArena::None) {
    PlanBuffersPassOptions planOptions;
    planOptions.arena = options.arena;
    pm.addPass(createPlanBuffersPass(planOptions));
  }
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void compress::registerCompressPipelines() {
  // Registered by hand rather than with PassPipelineRegistration, whose
  // builder cannot fail, so that bad options are reported while the
  // pipeline is parsed.
  registerPassPipeline(
      "compress-pipeline",
      "Quantize a float TOSA model: cleanup, calibration, quantization to "
      "qint, canonicalization",
      [](OpPassManager &pm, StringRef optionsText,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        CompressPipelineOptions options;
        if (failed(options.parseFromString(optionsText)) ||
            failed(verifyCompressPipelineOptions(
                options, [&](const Twine &message) {
                  return errorHandler("compress-pipeline: " + message);
                })))
          return failure();
        buildCompressPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const mlir::detail::PassOptions &)> optionHandler) {
        optionHandler(CompressPipelineOptions());
      });
  PassPipelineRegistration<LowerToLLVMPipelineOptions>(
      "compress-lower-to-llvm",
      "Lower float TOSA and qint programs to the LLVM dialect (for JIT or AOT "
      "compilation)",
      buildLowerToLLVMPipeline);
}
