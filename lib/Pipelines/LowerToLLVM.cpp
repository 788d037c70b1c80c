//===- LowerToLLVM.cpp - The compress-lower-to-llvm pipeline --------------===//
//
// Upstream's TOSA lowering is used as is. Upstream's own
// `tosa-to-linalg-pipeline` starts with TOSA validation at the default 8K
// level, which MLIR 22 wrongly fails on a rank-4 `tosa.pad` (its padding
// operand is checked against MAX_RANK), so this pipeline lists the
// conversion passes without that validation.
//
//===----------------------------------------------------------------------===//

#include "compress/Pipelines/Pipelines.h"
#include "compress/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

void compress::buildLowerToLLVMPipeline(
    OpPassManager &pm, const LowerToLLVMPipelineOptions &options) {
  if (options.cleanup)
    pm.addNestedPass<func::FuncOp>(createCleanupPass());
  static constexpr llvm::StringLiteral kUpstream =
      "func.func(tosa-to-linalg-named,tosa-to-linalg,"
      "tosa-to-arith{include-apply-rescale=true},"
      "tosa-to-tensor),"
      "one-shot-bufferize{bufferize-function-boundaries},"
      "func.func(convert-linalg-to-loops),"
      "buffer-deallocation-pipeline,expand-strided-metadata,lower-affine,"
      "convert-scf-to-cf,convert-math-to-llvm,convert-to-llvm,"
      "reconcile-unrealized-casts";
  std::string error;
  llvm::raw_string_ostream errorStream(error);
  if (failed(parsePassPipeline(kUpstream, pm, errorStream)))
    llvm::report_fatal_error(llvm::Twine("invalid built-in pipeline: ") +
                             error);
}

void compress::registerCompressPipelines() {
  PassPipelineRegistration<LowerToLLVMPipelineOptions>(
      "compress-lower-to-llvm",
      "Lower float TOSA to the LLVM dialect (for JIT or AOT compilation)",
      buildLowerToLLVMPipeline);
}
