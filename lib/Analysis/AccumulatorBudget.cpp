//===- AccumulatorBudget.cpp - Weights that fit a P-bit accumulator -------===//

#include "compress/Analysis/AccumulatorBudget.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace compress;

AccumulatorBudget::AccumulatorBudget(unsigned bits, int64_t termLo,
                                     int64_t termHi)
    : bits(bits), termLo(std::min<int64_t>(termLo, 0)),
      termHi(std::max<int64_t>(termHi, 0)) {
  assert(bits >= 2 && bits <= 32 && "accumulator of 2 to 32 bits");
}

std::pair<int64_t, int64_t>
AccumulatorBudget::range(llvm::ArrayRef<int64_t> weights, int64_t bias) const {
  int64_t lo = bias, hi = bias;
  for (int64_t w : weights) {
    lo += std::min(w * termLo, w * termHi);
    hi += std::max(w * termLo, w * termHi);
  }
  return {lo, hi};
}

bool AccumulatorBudget::fits(llvm::ArrayRef<int64_t> weights,
                             int64_t bias) const {
  auto [lo, hi] = range(weights, bias);
  return lo >= minValue() && hi <= maxValue();
}

ChannelBudget::ChannelBudget(const AccumulatorBudget &budget, int64_t bias)
    : termLo(budget.termLo), termHi(budget.termHi),
      up(budget.maxValue() - bias), down(bias - budget.minValue()) {}

std::pair<int64_t, int64_t> ChannelBudget::allowed() const {
  if (!feasible())
    return {0, 0};
  constexpr int64_t kAny = std::numeric_limits<int64_t>::max();
  // A positive weight w takes w * termHi above and w * -termLo below; a
  // negative one -w * -termLo above and -w * termHi below.
  auto most = [](int64_t room, int64_t perUnit) {
    return perUnit == 0 ? kAny : room / perUnit;
  };
  int64_t positive = std::min(most(up, termHi), most(down, -termLo));
  int64_t negative = std::min(most(up, -termLo), most(down, termHi));
  return {-negative, positive};
}

void ChannelBudget::take(int64_t weight) {
  if (weight > 0) {
    up -= weight * termHi;
    down -= weight * -termLo;
  } else {
    up -= -weight * -termLo;
    down -= -weight * termHi;
  }
}

ChannelLayout ChannelLayout::of(LayerKind kind, llvm::ArrayRef<int64_t> shape) {
  ChannelLayout layout;
  switch (kind) {
  case LayerKind::Conv2D:
    layout.channels = shape[0];
    layout.terms = shape[1] * shape[2] * shape[3];
    layout.channelStride = layout.terms;
    layout.termStride = 1;
    break;
  case LayerKind::Matmul:
    layout.channels = shape[2];
    layout.terms = shape[1];
    layout.channelStride = 1;
    layout.termStride = shape[2];
    break;
  case LayerKind::DepthwiseConv2D:
    layout.channels = shape[2] * shape[3];
    layout.terms = shape[0] * shape[1];
    layout.channelStride = 1;
    layout.termStride = layout.channels;
    layout.channelsPerScale = shape[3];
    break;
  }
  return layout;
}

std::vector<int64_t> ChannelLayout::channel(llvm::ArrayRef<int8_t> values,
                                            int64_t c) const {
  std::vector<int64_t> row(terms);
  for (int64_t k = 0; k < terms; ++k)
    row[k] = values[c * channelStride + k * termStride];
  return row;
}

bool compress::fitByScaling(
    llvm::ArrayRef<float> weights, const ChannelLayout &layout, unsigned bits,
    const AccumulatorBudget &budget,
    llvm::function_ref<int64_t(int64_t, double)> biasOf,
    std::vector<float> &scales, std::vector<int8_t> &values) {
  int64_t perScale = layout.channelsPerScale;
  for (int64_t s = 0, e = int64_t(scales.size()); s < e; ++s) {
    // Grow the scale by the factor the worst channel overshoots, at least a
    // little, until every channel of the scale fits.
    for (int attempt = 0;; ++attempt) {
      double grow = 1.0;
      for (int64_t c = s * perScale; c < (s + 1) * perScale; ++c) {
        int64_t bias = biasOf(c, scales[s]);
        auto [lo, hi] = budget.range(layout.channel(values, c), bias);
        if (hi > budget.maxValue())
          grow = std::max(grow, double(hi) / double(budget.maxValue()));
        if (lo < budget.minValue())
          grow = std::max(grow, double(lo) / double(budget.minValue()));
      }
      if (grow == 1.0)
        break;
      if (bits == 1 || attempt == 200 || !std::isfinite(scales[s]))
        return false;
      scales[s] = float(double(scales[s]) * std::max(grow, 1.0 + 1e-4));
      for (int64_t c = s * perScale; c < (s + 1) * perScale; ++c)
        for (int64_t k = 0; k < layout.terms; ++k) {
          int64_t at = c * layout.channelStride + k * layout.termStride;
          values[at] = qint::roundWeight(double(weights[at]) / scales[s], bits);
        }
    }
  }
  return true;
}
