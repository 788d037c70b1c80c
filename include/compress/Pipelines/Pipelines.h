//===- Pipelines.h - Named compress pipelines --------------------*- C++ -*-===//
//
// Pipelines that string passes together. The driver (as named pipelines),
// the runner and embedders build exactly the same pass lists from these.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_PIPELINES_PIPELINES_H
#define COMPRESS_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace compress {

/// Options of `compress-lower-to-llvm`.
struct LowerToLLVMPipelineOptions
    : public mlir::PassPipelineOptions<LowerToLLVMPipelineOptions> {
  Option<bool> cleanup{*this, "cleanup",
                       llvm::cl::desc("Run compress-cleanup on the float "
                                      "graph first"),
                       llvm::cl::init(false)};
};

/// Lowers a module of float TOSA functions to the LLVM dialect through
/// upstream's tosa-to-linalg path, one-shot bufferization (function
/// boundaries included) and the standard conversions to LLVM. The result
/// can be run with mlir::ExecutionEngine or translated to LLVM IR.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const LowerToLLVMPipelineOptions &options);

/// Registers the named pipelines with the global pass registry.
void registerCompressPipelines();

} // namespace compress

#endif // COMPRESS_PIPELINES_PIPELINES_H
