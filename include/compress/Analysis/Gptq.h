//===- Gptq.h - GPTQ rounding of weights with error feedback ----*- C++ -*-===//
//
// GPTQ (Frantar et al., "GPTQ: Accurate post-training quantization for
// generative pre-trained transformers", 2022) rounds the weights of a layer
// one input column at a time and moves each column's rounding error onto
// the columns not yet rounded, weighted by the inverse Hessian of the
// layer's squared output error, so that the rounded layer reproduces the
// float layer's outputs on the calibration inputs rather than each weight
// on its own. The scales are an input: they are chosen as for
// round-to-nearest (by maximum or MSE clipping) and only the integers
// change.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_ANALYSIS_GPTQ_H
#define COMPRESS_ANALYSIS_GPTQ_H

#include "compress/Analysis/AccumulatorBudget.h"
#include "compress/Analysis/LayerKind.h"
#include "compress/Analysis/Pruning.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace compress {

struct GptqOptions {
  /// Added to the Hessian's diagonal, relative to the mean of its diagonal,
  /// so that it is safely positive definite.
  double damp = 0.01;
  /// Columns rounded between two updates of the columns after them.
  int64_t blockSize = 128;
  /// With an accumulator budget (and one integer bias per row), each
  /// weight is clipped, as it is rounded, to the room its row has left, so
  /// that the row fits the accumulator whatever the later weights are
  /// (AXE's greedy projection); the error the clipping causes is fed back
  /// to the later columns like the rounding error. A row keeps
  /// round-to-nearest's integers instead where those fit and have the
  /// smaller loss (w - q)^T H (w - q).
  std::optional<AccumulatorBudget> accumulator;
  /// Pruning in the same sweep (SparseGPT): at the start of each block of
  /// columns, every row zeroes the fraction `prune->sparsity` of the units
  /// starting in the block (or 2 of each group of 4) with the smallest
  /// saliency `sum v_c^2 / U_cc^2`, v being the weight as updated so far;
  /// their error is fed back like a rounding error. Weights that are 0
  /// stay 0 with or without it.
  std::optional<PruneSpec> prune;
  /// The first column of each pruning unit (getPruneUnitStarts); empty:
  /// every column. The layer functions set it from the layer's shape.
  std::vector<int64_t> pruneUnitStarts;
};

/// Rounds a layer's weights with GPTQ. `weights` is row-major, one row per
/// output (channel) and one column per input to that output, in the order
/// of an im2col patch; `scales` has one scale per row; `hessian` holds the
/// `columns x columns` matrix `2 X X^T / N` of the N input vectors X seen
/// by the layer in its lower triangle (column-major; the upper triangle is
/// not read), and is overwritten. Returns the integer values (row-major,
/// like `weights`), or nothing if the damped Hessian is not positive
/// definite or anything is not finite. Work runs on `context`'s thread
/// pool when given, with the same result for any number of threads.
///
/// Columns whose Hessian diagonal is 0 (inputs that were always 0) are
/// rounded to 0: nothing they do is observable. Weights that are exactly 0
/// (pruned) round to 0.
///
/// With `options.accumulator`, `biases` holds each row's integer bias.
std::optional<std::vector<int8_t>>
gptqRound(llvm::ArrayRef<float> weights, int64_t rows, int64_t columns,
          llvm::ArrayRef<float> scales, unsigned bits,
          llvm::MutableArrayRef<float> hessian,
          const GptqOptions &options = {},
          mlir::MLIRContext *context = nullptr,
          llvm::ArrayRef<int64_t> biases = {});

/// GPTQ on a whole weight tensor of `shape` laid out for `kind`, with one scale per
/// output channel (per O, C or N, as `quantizeWeights` chose them) and the
/// layer's Hessians one after another (one per C for depthwise). Returns
/// the integers in the layout of `weights`, or nothing if the Hessians do
/// not fit the shape or one is not positive definite after damping. The
/// Hessians are overwritten, as by `gptqRound`. With
/// `options.accumulator`, `biases` holds the integer bias of each output
/// channel (O, N, or C*M for depthwise).
std::optional<std::vector<int8_t>>
gptqRoundLayer(LayerKind kind, llvm::ArrayRef<float> weights,
               llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<float> scales,
               unsigned bits, llvm::MutableArrayRef<float> hessians,
               const GptqOptions &options = {},
               mlir::MLIRContext *context = nullptr,
               llvm::ArrayRef<int64_t> biases = {});

/// SparseGPT without rounding: prunes as `options.prune` says (weights
/// that are 0 stay 0 in any case) and updates the kept weights to make up
/// for the pruned ones, over the same damped Hessian as gptqRound (which
/// it overwrites). Returns the pruned weights, or nothing as gptqRound.
std::optional<std::vector<float>>
sparseGptPrune(llvm::ArrayRef<float> weights, int64_t rows, int64_t columns,
               llvm::MutableArrayRef<float> hessian,
               const GptqOptions &options = {},
               mlir::MLIRContext *context = nullptr);

/// sparseGptPrune on a whole weight tensor, as gptqRoundLayer, with the
/// pruning units of the layer (getPruneUnitStarts).
std::optional<std::vector<float>>
sparseGptPruneLayer(LayerKind kind, llvm::ArrayRef<float> weights,
                    llvm::ArrayRef<int64_t> shape,
                    llvm::MutableArrayRef<float> hessians,
                    const GptqOptions &options = {},
                    mlir::MLIRContext *context = nullptr);

} // namespace compress

#endif // COMPRESS_ANALYSIS_GPTQ_H
