//===- Passes.h - compress graph passes --------------------------*- C++ -*-===//
//
// Declarations of the graph passes and their pattern sets.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_TRANSFORMS_PASSES_H
#define COMPRESS_TRANSFORMS_PASSES_H

#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Dialect/QInt/IR/QInt.h"
#include "compress/Transforms/OptionEnums.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace compress {

#define GEN_PASS_DECL
#include "compress/Transforms/Passes.h.inc"

/// Moves NCHW<->NHWC transposes across layout-agnostic ops so that inverse
/// pairs meet and cancel.
void populateTransposeSinkingPatterns(mlir::RewritePatternSet &patterns);

/// Folds per-channel affine ops after a convolution (unfused batch norm)
/// into its weights and bias.
void populateConvAffineFoldingPatterns(mlir::RewritePatternSet &patterns);

/// Replaces ops whose operands are all constants by their value, computed
/// with the reference evaluator, if the result has at most `maxElements`.
void populateConstantFoldingPatterns(mlir::RewritePatternSet &patterns,
                                     int64_t maxElements);

/// Rewrites memref.copy between buffers that are not both contiguous into
/// linalg.copy.
void populateExpandStridedCopiesPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "compress/Transforms/Passes.h.inc"

} // namespace compress

#endif // COMPRESS_TRANSFORMS_PASSES_H
