//===- AccumulatorBudget.h - Weights that fit a P-bit accumulator -*- C++ -*-===//
//
// Accumulator-aware quantization (A2Q, Colbert et al. 2023; AXE, Colbert et
// al. 2025) chooses integer weights so that a P-bit accumulator cannot
// overflow on any input. For one output channel with bias b and integer
// weights w_k, whose inputs contribute terms t_k = x_k - zero_point in
// [termLo, termHi] (termLo <= 0 <= termHi), the accumulator ranges over
//
//   [b + sum_k min(w_k termLo, w_k termHi), b + sum_k max(w_k termLo, w_k termHi)]
//
// (the bound compress-narrow-accumulators proves, attained by the input at
// the ends of the range), which must lie in [-2^(P-1), 2^(P-1) - 1]. A
// positive weight w uses w * termHi of the room above and w * -termLo of
// the room below; a negative one -w * -termLo above and -w * termHi below.
// That is A2Q's L1 constraint with the signs of the inputs kept apart.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_ANALYSIS_ACCUMULATORBUDGET_H
#define COMPRESS_ANALYSIS_ACCUMULATORBUDGET_H

#include "compress/Analysis/LayerKind.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace compress {

/// The accumulator width and the range of one input term.
struct AccumulatorBudget {
  unsigned bits = 32;
  /// The range of `x - zero_point`, widened to contain 0.
  int64_t termLo = 0, termHi = 0;

  AccumulatorBudget(unsigned bits, int64_t termLo, int64_t termHi);
  int64_t maxValue() const { return (int64_t(1) << (bits - 1)) - 1; }
  int64_t minValue() const { return -(int64_t(1) << (bits - 1)); }
  /// The smallest and largest value of a channel's accumulator.
  std::pair<int64_t, int64_t> range(llvm::ArrayRef<int64_t> weights,
                                    int64_t bias) const;
  /// Whether a channel's accumulator fits.
  bool fits(llvm::ArrayRef<int64_t> weights, int64_t bias) const;
};

/// One channel's room in its accumulator as its weights are chosen one at
/// a time: the weights chosen so far, the bias, and room for the rest.
class ChannelBudget {
public:
  ChannelBudget(const AccumulatorBudget &budget, int64_t bias);
  /// Whether the bias alone fits.
  bool feasible() const { return up >= 0 && down >= 0; }
  /// The weights the next one may take, with every later one 0: [lo, hi],
  /// containing 0 when feasible.
  std::pair<int64_t, int64_t> allowed() const;
  /// Spends the room `weight` uses.
  void take(int64_t weight);

private:
  int64_t termLo, termHi;
  /// Room left above and below.
  int64_t up, down;
};

/// Where a layer's weights sit: term `k` of output channel `c` is
/// `weights[c * channelStride + k * termStride]`, and the channel uses scale
/// `c / channelsPerScale`.
struct ChannelLayout {
  int64_t channels = 0, terms = 0, channelStride = 0, termStride = 0,
          channelsPerScale = 1;

  /// Conv2D `[O, KH, KW, C]`, Matmul `[1, K, N]`, DepthwiseConv2D
  /// `[KH, KW, C, M]`.
  static ChannelLayout of(LayerKind kind, llvm::ArrayRef<int64_t> shape);
  /// Channel `c`'s weights.
  std::vector<int64_t> channel(llvm::ArrayRef<int8_t> values, int64_t c) const;
};

/// The naive accumulator-aware baseline: round-to-nearest, with each
/// scale grown (so every integer of its channels shrinks) until its
/// channels fit `budget`. `values` and `scales` hold round-to-nearest's
/// result and are updated; `biasOf(c, scale)` is channel c's integer bias
/// at that weight scale. Fails for a channel that cannot fit (binary
/// weights, whose magnitude no scale changes, or a bias the accumulator
/// cannot hold even with weights near 0).
bool fitByScaling(llvm::ArrayRef<float> weights, const ChannelLayout &layout,
                  unsigned bits, const AccumulatorBudget &budget,
                  llvm::function_ref<int64_t(int64_t, double)> biasOf,
                  std::vector<float> &scales, std::vector<int8_t> &values);

} // namespace compress

#endif // COMPRESS_ANALYSIS_ACCUMULATORBUDGET_H
