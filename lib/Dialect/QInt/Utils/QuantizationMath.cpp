//===- QuantizationMath.cpp - Scales, zero points, weight rounding --------===//
//
// Rounding here is round-half-away-from-zero (std::round) on doubles: these
// are compile-time decisions about constants, not run-time arithmetic, so
// they only need to be deterministic, not to match a kernel.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/QInt/Utils/QuantizationMath.h"

#include "compress/Support/FixedPoint.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace compress;
using namespace compress::qint;

int64_t AffineParams::quantize(double real) const {
  double q = std::round(real / scale) + double(zeroPoint);
  return int64_t(std::clamp(q, double(qmin), double(qmax)));
}

AffineParams compress::qint::chooseAffineParams(double lo, double hi,
                                                unsigned bits) {
  AffineParams p;
  p.bits = bits;
  p.qmin = -(int64_t(1) << (bits - 1));
  p.qmax = (int64_t(1) << (bits - 1)) - 1;
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  double span = hi - lo;
  // A constant-zero tensor still needs a valid scale.
  if (!(span > 0.0) || !std::isfinite(span)) {
    p.scale = 1.0;
    p.zeroPoint = 0;
    return p;
  }
  p.scale = span / double(p.qmax - p.qmin);
  double zp = std::round(double(p.qmin) - lo / p.scale);
  p.zeroPoint = int64_t(std::clamp(zp, double(p.qmin), double(p.qmax)));
  return p;
}

std::vector<float> compress::qint::dequantizeWeights(const QuantizedWeights &q,
                                                    llvm::ArrayRef<int64_t> shape,
                                                    int64_t axis) {
  int64_t inner = 1;
  for (int64_t d : shape.drop_front(axis + 1))
    inner *= d;
  int64_t channels = shape[axis];
  std::vector<float> result;
  result.reserve(q.values.size());
  for (auto [k, v] : llvm::enumerate(q.values))
    result.push_back(float(v) * q.scales[(int64_t(k) / inner) % channels]);
  return result;
}

int64_t compress::qint::quantizedLayerBytes(int64_t weights, unsigned bits,
                                            int64_t scales, int64_t channels) {
  return (weights * bits + 7) / 8 + scales * 4 + channels * 4;
}

int64_t compress::qint::weightMax(unsigned bits) {
  return bits <= 1 ? 1 : (int64_t(1) << (bits - 1)) - 1;
}

int8_t compress::qint::roundWeight(double value, unsigned bits) {
  if (bits <= 1)
    return value < 0 ? -1 : 1;
  double qmax = double(weightMax(bits));
  return int8_t(std::clamp(std::round(value), -qmax, qmax));
}

namespace {
/// Squared error of quantizing `w` with step `scale` to [-qmax, qmax].
double channelError(llvm::ArrayRef<float> w, double scale, int64_t qmax) {
  double error = 0.0;
  for (float v : w) {
    double q = std::clamp(std::round(v / scale), -double(qmax), double(qmax));
    double d = v - q * scale;
    error += d * d;
  }
  return error;
}

/// Scale of one channel; `w` holds the channel's values.
double channelScale(llvm::ArrayRef<float> w, unsigned bits, WeightClip clip) {
  double maxAbs = 0.0, sumAbs = 0.0;
  for (float v : w) {
    maxAbs = std::max(maxAbs, double(std::fabs(v)));
    sumAbs += std::fabs(v);
  }
  if (maxAbs == 0.0)
    return 1.0;
  // Binary weights sign(w) * s: the mean magnitude minimises the error.
  if (bits == 1)
    return sumAbs / double(w.size());
  int64_t qmax = weightMax(bits);
  double best = maxAbs / double(qmax);
  if (clip == WeightClip::Max)
    return best;
  double bestError = channelError(w, best, qmax);
  for (int step = 1; step <= 80; ++step) {
    double scale = maxAbs * (1.0 - 0.01 * step) / double(qmax);
    double error = channelError(w, scale, qmax);
    if (error < bestError) {
      bestError = error;
      best = scale;
    }
  }
  return best;
}
} // namespace

QuantizedWeights compress::qint::quantizeWeights(llvm::ArrayRef<float> weights,
                                                 llvm::ArrayRef<int64_t> shape,
                                                 int64_t axis, unsigned bits,
                                                 WeightClip clip) {
  int64_t channels = shape[axis];
  int64_t inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  int64_t outer = int64_t(weights.size()) / (channels * inner);
  auto channelOf = [&](int64_t i) { return (i / inner) % channels; };

  std::vector<std::vector<float>> perChannel(channels);
  for (int64_t i = 0, e = weights.size(); i < e; ++i)
    perChannel[channelOf(i)].push_back(weights[i]);
  (void)outer;

  QuantizedWeights result;
  result.scales.resize(channels);
  for (int64_t c = 0; c < channels; ++c)
    result.scales[c] = float(channelScale(perChannel[c], bits, clip));
  result.values.resize(weights.size());
  for (int64_t i = 0, e = weights.size(); i < e; ++i)
    result.values[i] =
        roundWeight(weights[i] / double(result.scales[channelOf(i)]), bits);
  return result;
}

std::optional<FixedPointScale> compress::qint::toFixedPoint(double factor) {
  if (!std::isfinite(factor) || factor < 0.0)
    return std::nullopt;
  if (factor == 0.0)
    return FixedPointScale{0, 31};
  return computeMultiplierAndShift(factor, 32);
}

double compress::qint::sqnrDecibels(double signalEnergy, double noiseEnergy) {
  if (noiseEnergy <= 0.0)
    return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signalEnergy / noiseEnergy);
}

int32_t compress::qint::quantizeBias(double bias, double accScale) {
  return int32_t(
      std::clamp(std::round(bias / accScale), -2147483648.0, 2147483647.0));
}
