//===- Pruning.h - Choosing which weights of a layer to zero -----*- C++ -*-===//
//
// Pruning sets a fraction of a layer's weights to exactly zero, in one of
// three patterns: single weights (unstructured), 1x4 blocks along the
// reduction dimension (the groups a dot-product kernel can skip), or two
// of every four along it (2:4). Zeros are what the rest of compress
// recognises as pruned: GPTQ keeps them, and `compress-pack-weights` stores
// them in the sparse layout of `qint.weights` with matching blocks.
//
// Two ways of choosing: by magnitude (the baseline), and by the
// Hessian-aware saliency of OBS / SparseGPT (Frantar & Alistarh, 2023),
// `w^2 / [H^-1]_cc`, with the remaining weights updated to make up for the
// pruned ones (Gptq.h runs that sweep).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_ANALYSIS_PRUNING_H
#define COMPRESS_ANALYSIS_PRUNING_H

#include "compress/Analysis/LayerKind.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace compress {

enum class PrunePattern {
  /// Any weights.
  Unstructured,
  /// Whole 1x4 blocks along the reduction dimension: 4 consecutive input
  /// channels of one kernel tap of a convolution (fewer at the end of a
  /// tap when the channels are not a multiple of 4), 4 consecutive K of a
  /// matmul's [1, K, N] weights.
  Block4,
  /// Two of every group of four along the reduction dimension (the groups
  /// of Block4; a group of three loses one, smaller groups nothing):
  /// always 50%.
  TwoFour,
};

struct PruneSpec {
  PrunePattern pattern = PrunePattern::Unstructured;
  /// The fraction of units (weights, blocks) zeroed, in [0, 1); not read
  /// for TwoFour.
  double sparsity = 0.5;
};

/// A layer's weights of `shape` seen as GPTQ sees them: `groups` matrices
/// (one per input channel for depthwise convolutions, else one) of `rows`
/// outputs by `columns` inputs in im2col order.
struct LayerMatrices {
  int64_t groups = 1, rows = 0, columns = 0;
  /// The index in the weight tensor of element (group, row, column).
  std::function<int64_t(int64_t, int64_t, int64_t)> index;
  /// The scale (per output channel) element (group, row) uses.
  std::function<int64_t(int64_t, int64_t)> scaleOf;
};

/// The matrices of a `kind` layer's weights of `shape`, or nothing when the
/// shape does not fit the kind.
std::optional<LayerMatrices> getLayerMatrices(LayerKind kind,
                                              llvm::ArrayRef<int64_t> shape);

/// The axis of a `kind` layer's weights that its 1x4 blocks run along: I
/// of conv2d's [O, KH, KW, I], K of matmul's [1, K, N]; none for depthwise
/// convolutions, whose reduction (KH x KW) has no contiguous channels.
std::optional<int64_t> getReductionAxis(LayerKind kind);

/// The first column of each pruning unit of a row of the matrices of a
/// `kind` layer's weights of `shape`, in increasing order; a unit ends
/// where the next starts. Every column for Unstructured and for depthwise
/// convolutions (whose reduction, KH x KW, has no contiguous channels);
/// the Block4 groups otherwise.
std::vector<int64_t> getPruneUnitStarts(LayerKind kind,
                                        llvm::ArrayRef<int64_t> shape,
                                        PrunePattern pattern);

/// Magnitude pruning of a `kind` layer's weights of `shape`: in each row
/// of its matrices, round(`spec.sparsity` x units) units with the smallest
/// sum of squares (ties to the earlier unit), or for TwoFour the two
/// smallest of each group, set to zero; the same count per row as
/// SparseGPT prunes. Returns nothing when the shape does not fit the kind.
std::optional<std::vector<float>>
pruneByMagnitude(LayerKind kind, llvm::ArrayRef<float> weights,
                 llvm::ArrayRef<int64_t> shape, const PruneSpec &spec);

/// The count of zero weights.
int64_t countZeros(llvm::ArrayRef<float> weights);

} // namespace compress

#endif // COMPRESS_ANALYSIS_PRUNING_H
