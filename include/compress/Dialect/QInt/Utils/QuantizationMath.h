//===- QuantizationMath.h - Scales, zero points, weight rounding -*- C++ -*-===//
//
// The arithmetic of the numerics contract (DESIGN.md), independent of IR:
// affine activation parameters from a range, per-channel symmetric weight
// quantization with optional MSE-optimal clipping, and the fixed-point form
// of real rescaling factors.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_QINT_UTILS_QUANTIZATIONMATH_H
#define COMPRESS_DIALECT_QINT_UTILS_QUANTIZATIONMATH_H

#include "compress/Support/FixedPoint.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace compress::qint {

/// Affine per-tensor quantization: real = scale * (q - zeroPoint), with q in
/// [qmin, qmax].
struct AffineParams {
  double scale = 1.0;
  int64_t zeroPoint = 0;
  int64_t qmin = -128, qmax = 127;
  unsigned bits = 8;

  /// The integer nearest to `real`, clamped to [qmin, qmax].
  int64_t quantize(double real) const;
  double dequantize(int64_t q) const { return scale * double(q - zeroPoint); }
};

/// Signed `bits`-bit affine parameters covering [lo, hi], widened to contain
/// 0 so that zero (padding, ReLU) is exact. `bits` is 2..16.
AffineParams chooseAffineParams(double lo, double hi, unsigned bits);

/// How the scale of a weight channel is chosen.
enum class WeightClip {
  /// Cover the largest magnitude.
  Max,
  /// Minimise the squared rounding-plus-clipping error of the channel.
  Mse,
};

/// Quantized weights: int values in the narrow symmetric range of `bits`
/// (binary {-1, +1} for 1 bit), one scale per slice along the channel axis.
struct QuantizedWeights {
  std::vector<int8_t> values;
  std::vector<float> scales;
};

/// Quantizes row-major `weights` of `shape` per slice along `axis`.
QuantizedWeights quantizeWeights(llvm::ArrayRef<float> weights,
                                 llvm::ArrayRef<int64_t> shape, int64_t axis,
                                 unsigned bits, WeightClip clip);

/// The float values `q` stands for (value times its slice's scale), laid
/// out like the weights `quantizeWeights` was given.
std::vector<float> dequantizeWeights(const QuantizedWeights &q,
                                     llvm::ArrayRef<int64_t> shape,
                                     int64_t axis);

/// Bytes a quantized layer stores: `weights` values of `bits` bits packed,
/// `scales` f32 scales and an i32 bias per output channel (`channels`).
int64_t quantizedLayerBytes(int64_t weights, unsigned bits, int64_t scales,
                            int64_t channels);

/// A float bias as the i32 it becomes at accumulator scale `accScale` (the
/// input scale times the weight scale): rounded half away from zero,
/// saturated.
int32_t quantizeBias(double bias, double accScale);

/// Largest representable magnitude of narrow-range `bits`-bit weights.
int64_t weightMax(unsigned bits);

/// The narrow-range `bits`-bit integer nearest to `value` (a weight divided
/// by its scale): half away from zero, clamped; the sign for 1 bit.
int8_t roundWeight(double value, unsigned bits);

/// A positive real factor as a tosa.rescale multiplier and shift
/// (multiplier in [2^30, 2^31), shift in [2, 62]); a factor too small for
/// shift 62 becomes multiplier 0. Empty if the factor is too large
/// (>= 2^29) or not finite.
std::optional<FixedPointScale> toFixedPoint(double factor);

/// Signal-to-quantization-noise ratio in dB of `approx` against `exact`
/// given as accumulated energies; +inf when the noise is zero.
double sqnrDecibels(double signalEnergy, double noiseEnergy);

} // namespace compress::qint

#endif // COMPRESS_DIALECT_QINT_UTILS_QUANTIZATIONMATH_H
