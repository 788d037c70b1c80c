//===- FixedPoint.cpp - TOSA fixed-point arithmetic -----------------------===//
//
// Bit-exact models of upstream MLIR 22's lowerings of tosa.apply_scale,
// tosa.rescale and the integer tosa.avg_pool2d (see FixedPoint.h).
//
// The lowerings compute in LLVM integer arithmetic, which wraps. C++ signed
// arithmetic does not (overflow is UB), and before C++20 converting an
// out-of-range unsigned value to a signed type and right-shifting a negative
// value are implementation-defined. So everything that may wrap is computed
// in uint64_t/uint32_t, converted back with toSigned*, and arithmetic right
// shifts go through ashr*, which only ever shift non-negative values. The
// code is therefore exact under C++17 on any compiler, not just GCC/Clang.
//
//===----------------------------------------------------------------------===//

#include "compress/Support/FixedPoint.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/bit.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "compress/Support/RescaleRoundingEnums.cpp.inc"

using namespace compress;

namespace {

/// Two's-complement reinterpretation of the low 64 bits.
int64_t toSigned64(uint64_t bits) {
  if (bits <= uint64_t(std::numeric_limits<int64_t>::max()))
    return int64_t(bits);
  // bits - 2^64, computed without overflowing: -(2^64 - bits).
  return -int64_t(~bits) - 1;
}

/// Two's-complement reinterpretation of the low 32 bits.
int32_t toSigned32(uint32_t bits) {
  if (bits <= uint32_t(std::numeric_limits<int32_t>::max()))
    return int32_t(bits);
  return -int32_t(~bits) - 1;
}

/// arith.trunci to i32.
int32_t wrap32(int64_t value) { return toSigned32(uint32_t(uint64_t(value))); }

/// Sign-extends the low `bits` bits of `value` (1 <= bits <= 64).
int64_t signExtend(uint64_t value, unsigned bits) {
  if (bits >= 64)
    return toSigned64(value);
  uint64_t signBit = uint64_t(1) << (bits - 1);
  uint64_t low = value & ((uint64_t(1) << bits) - 1);
  // (low ^ signBit) - signBit maps [2^(bits-1), 2^bits) to negatives.
  return toSigned64((low ^ signBit) - signBit);
}

/// arith.shrsi on i64 for amount in [0, 63]; negative values are shifted as
/// their complement, so no negative operand ever reaches `>>`.
int64_t ashr64(int64_t value, unsigned amount) {
  return value >= 0 ? value >> amount : ~(~value >> amount);
}

/// arith.shrsi on i32 for amount in [0, 31].
int32_t ashr32(int32_t value, unsigned amount) {
  return value >= 0 ? value >> amount : ~(~value >> amount);
}

} // namespace

//===----------------------------------------------------------------------===//
// tosa.apply_scale
//===----------------------------------------------------------------------===//

int32_t compress::applyScale(int64_t value, int32_t multiplier, int8_t shift,
                             RescaleRounding rounding) {
  assert(shift >= 0 && shift <= 63 &&
         "tosa.apply_scale with this shift lowers to poison");
  if (shift < 0 || shift > 63)
    return 0;
  unsigned amount = unsigned(shift);

  // arith.muli on the sign-extended operands: the low 64 bits of the
  // product, which is all of it for 32-bit values.
  uint64_t acc = uint64_t(value) * uint64_t(int64_t(multiplier));
  // (1 << shift) >>u 1: half of the unit being shifted out, and 0 (not the
  // specification's undefined 1 << -1) for shift 0.
  acc += (uint64_t(1) << amount) >> 1;
  // The second rounding of DOUBLE_ROUND pre-rounds bit 30 away from zero;
  // the lowering adds it only for shifts above 31, selected by the sign of
  // the unscaled value.
  if (rounding == RescaleRounding::Double && amount > 31)
    acc += value >= 0 ? uint64_t(1) << 30 : ~(uint64_t(1) << 30) + 1;
  // arith.shrsi then arith.trunci: no saturation, the low 32 bits survive.
  return wrap32(ashr64(toSigned64(acc), amount));
}

int32_t compress::applyScale32BitLowering(int32_t value, int32_t multiplier,
                                          int8_t shift,
                                          RescaleRounding rounding) {
  assert(shift >= 1 && shift <= 63 &&
         "the 32-bit tosa.apply_scale lowering yields poison for this shift");
  if (shift < 1 || shift > 63)
    return 0;
  // Names follow ApplyScale32BitOpConverter in TosaToArith.cpp; every value
  // is an i32 there, modelled as uint32_t so additions wrap.
  uint32_t shift32 = uint32_t(shift);

  // arith.mulsi_extended: the exact 64-bit product as two halves.
  uint64_t product = uint64_t(int64_t(value) * int64_t(multiplier));
  uint32_t low32 = uint32_t(product);
  uint32_t high32 = uint32_t(product >> 32);

  bool shiftOver32 = shift32 >= 32;
  bool roundHighBits = shift32 > 32;
  uint32_t shiftHighL = shiftOver32 ? 0 : 32 - shift32;
  uint32_t shiftHighR = shiftOver32 ? shift32 - 32 : 0;

  if (rounding == RescaleRounding::Double) {
    // Adds +-2^30 to the 64-bit pair: into low32, carrying the (signed)
    // overflow of its top two bits into high32.
    int32_t roundDir = shiftOver32 ? (value >= 0 ? 1 : -1) : 0;
    uint32_t shiftLow = low32 >> 30;
    int32_t rounded = toSigned32(shiftLow + uint32_t(roundDir));
    int32_t carry = ashr32(rounded, 2);
    low32 += uint32_t(roundDir) << 30;
    high32 += uint32_t(carry);
  }

  // Rounding bit inside the low word (shift <= 32), with its carry.
  {
    uint32_t roundBit = roundHighBits ? 0 : uint32_t(1) << (shift32 - 1);
    uint32_t newLow32 = low32 + roundBit;
    bool wasRounded = low32 > newLow32;
    low32 = newLow32;
    high32 += wasRounded ? 1 : 0;
  }
  // Rounding bit inside the high word (shift > 32).
  if (roundHighBits)
    high32 += uint32_t(1) << (shiftHighR - 1);

  // Reassemble bits [shift, shift + 32) of the 64-bit pair.
  int32_t high = ashr32(toSigned32(high32 << shiftHighL), shiftHighR);
  uint32_t low = shiftOver32 ? 0 : low32 >> shift32;
  return toSigned32(low + uint32_t(high));
}

//===----------------------------------------------------------------------===//
// tosa.rescale
//===----------------------------------------------------------------------===//

std::pair<int64_t, int64_t> compress::rescaleClampRange(unsigned outBitWidth,
                                                        bool outputUnsigned) {
  assert(outBitWidth >= 1 && outBitWidth <= 32 && "rescale output too wide");
  if (outputUnsigned) {
    // APInt::getMaxValue(bits).getZExtValue() stored into an int32_t.
    uint64_t max = (uint64_t(1) << outBitWidth) - 1;
    return {0, wrap32(toSigned64(max))};
  }
  int64_t max = (int64_t(1) << (outBitWidth - 1)) - 1;
  return {-max - 1, max};
}

int64_t compress::rescaleElement(int64_t input, int64_t inputZp,
                                 int32_t multiplier, int8_t shift,
                                 int64_t outputZp, RescaleRounding rounding,
                                 int64_t outMin, int64_t outMax,
                                 unsigned inputBitWidth) {
  assert(inputBitWidth >= 1 && inputBitWidth <= 64 && "bad input width");
  // Inputs narrower than 32 bits are extended to i32 and the zero point is
  // an i32 constant; wider ones (i48) keep their width and the zero point
  // is a constant of that width. The subtraction wraps in that width.
  unsigned subWidth = std::max(inputBitWidth, 32u);
  int64_t value = signExtend(uint64_t(input) - uint64_t(inputZp), subWidth);

  // RescaleConverter rewrites constant (multiplier, shift) pairs whose shift
  // exceeds 63 into (0, 0). Negative i8 shifts escape that test and reach the
  // lowering zero-extended, as shifts of 128..255 (poison); handled the same.
  assert(shift >= 0 && "negative tosa.rescale shift lowers to poison");
  if (shift < 0 || shift > 63) {
    multiplier = 0;
    shift = 0;
  }
  int32_t scaled = applyScale(value, multiplier, shift, rounding);

  int32_t result = wrap32(int64_t(scaled) + int64_t(wrap32(outputZp)));
  // clampIntHelper(isUnsigned=false): maxsi with the minimum, then minsi
  // with the maximum, both i32 constants.
  result = std::max(result, wrap32(outMin));
  result = std::min(result, wrap32(outMax));
  return result;
}

//===----------------------------------------------------------------------===//
// Integer tosa.avg_pool2d
//===----------------------------------------------------------------------===//

FixedPointScale compress::reciprocalScale(int64_t count) {
  assert(count >= 1 && count <= std::numeric_limits<int32_t>::max() &&
         "avg_pool2d divisor out of range");
  // The lowering index_casts the count to i32 and treats it as unsigned.
  uint32_t value = uint32_t(uint64_t(count));
  if (value == 0)
    return {0, 62};
  // k = 32 - clz(count - 1): the smallest k with count <= 2^k.
  unsigned k = 32 - unsigned(llvm::countl_zero(value - 1));
  uint64_t numerator = uint64_t((1u << 30) + 1) << k;
  int32_t multiplier = wrap32(toSigned64(numerator / value));
  return {multiplier, int8_t(30 + k)};
}

int64_t compress::avgPoolCount(int64_t outIndex, int64_t outSize,
                               int64_t kernel, int64_t stride,
                               int64_t padBefore, int64_t padAfter) {
  // The lowering only adds a correction for a non-zero pad, as written.
  int64_t count = kernel;
  if (padBefore != 0)
    count += std::min<int64_t>(outIndex * stride - padBefore, 0);
  if (padAfter != 0)
    count += std::min<int64_t>((outSize - 1 - outIndex) * stride - padAfter, 0);
  return std::max<int64_t>(1, count);
}

int32_t compress::avgPoolDivide(int64_t sum, int64_t count) {
  FixedPointScale scale = reciprocalScale(count);
  return applyScale(wrap32(sum), scale.multiplier, scale.shift,
                    RescaleRounding::Single);
}

int64_t compress::avgPoolElement(int64_t sum, int64_t count, int64_t inputZp,
                                 int64_t outputZp, unsigned outBitWidth) {
  assert(outBitWidth >= 1 && outBitWidth <= 32 && "avg_pool2d output width");
  int32_t acc = wrap32(sum);
  // Padding contributed zeros, not zero points, so only the in-bounds
  // elements' zero points are removed: count * inputZp, all in i32.
  if (inputZp != 0) {
    uint32_t offset =
        uint32_t(uint64_t(wrap32(count))) * uint32_t(uint64_t(wrap32(inputZp)));
    acc = toSigned32(uint32_t(acc) - offset);
  }
  int32_t result = avgPoolDivide(acc, count);
  if (outputZp != 0)
    result = wrap32(int64_t(result) + int64_t(wrap32(outputZp)));
  // Signed clamp even for would-be unsigned outputs: avg_pool2d has none.
  int64_t max = (int64_t(1) << (outBitWidth - 1)) - 1;
  return std::min<int64_t>(std::max<int64_t>(result, -max - 1), max);
}

//===----------------------------------------------------------------------===//
// Scale decomposition
//===----------------------------------------------------------------------===//

std::optional<FixedPointScale>
compress::computeMultiplierAndShift(double scale, unsigned scaleWidth) {
  if (scaleWidth != 16 && scaleWidth != 32)
    return std::nullopt;
  // Upstream does not check these; a zero scale would come back as
  // multiplier 0 and a negative one as a negative multiplier.
  if (!std::isfinite(scale) || !(scale > 0.0))
    return std::nullopt;

  int exponent = 0;
  double mantissa = std::frexp(scale, &exponent); // in [0.5, 1)
  const int64_t one = int64_t(1) << (scaleWidth - 1);
  // std::round rounds half away from zero, as upstream's std::round does.
  int64_t multiplier = int64_t(std::round(mantissa * double(one)));
  assert(multiplier <= one && "mantissa rounds above 1.0");
  if (multiplier == one) {
    multiplier /= 2;
    ++exponent;
  }
  // scale ~= multiplier * 2^(exponent - (w - 1)): shift is minus that power.
  int64_t shift = int64_t(scaleWidth - 1) - exponent;

  // tosa.rescale shifts by at most 62; a smaller scale loses multiplier bits
  // instead (the multiplier is positive, so >> is exact C++).
  if (shift > 62) {
    multiplier >>= std::min<int64_t>(31, shift - 62);
    shift = 62;
  }
  // Upstream's only failure: shifts below 2 are not valid TOSA.
  if (shift < 2)
    return std::nullopt;
  return FixedPointScale{int32_t(multiplier), int8_t(shift)};
}
