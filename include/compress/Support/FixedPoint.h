//===- FixedPoint.h - TOSA fixed-point arithmetic ---------------*- C++ -*-===//
//
// The integer semantics upstream MLIR 22 gives to TOSA's fixed-point ops
// (tosa.apply_scale, tosa.rescale, the integer tosa.avg_pool2d), reproduced
// bit for bit so the reference evaluator agrees with `tosa-to-linalg`,
// `tosa-to-linalg-named` and `tosa-to-arith{include-apply-rescale}`.
//
// Upstream's lowering, not the TOSA 1.0 specification, is the reference: the
// two agree on every input the specification allows (its REQUIRE/ERROR_IF
// conditions), and outside that domain the lowering has concrete wrapping
// behaviour, which is what compiled code does and therefore what we mirror.
// Each function documents where the two part.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_FIXEDPOINT_H
#define COMPRESS_SUPPORT_FIXEDPOINT_H

#include "compress/Support/RescaleRounding.h"

#include <cstdint>
#include <optional>
#include <utility>

namespace compress {

//===----------------------------------------------------------------------===//
// tosa.apply_scale
//===----------------------------------------------------------------------===//

/// tosa.apply_scale as upstream's generic (64-bit) lowering computes it, the
/// lowering `tosa-to-arith{include-apply-rescale=true}` uses by default.
/// (`tosa-to-linalg` leaves tosa.apply_scale in place and plain
/// `tosa-to-arith` keeps it too: include-apply-rescale defaults to false.)
///
///
///   product = sext64(value) * sext64(multiplier)       (wraps mod 2^64)
///   round   = (1 << shift) >>u 1                       (0 when shift == 0)
///   if (rounding == Double && shift > 31)
///     round += value >= 0 ? 1 << 30 : -(1 << 30)
///   result  = trunc32((product + round) >>s shift)    (adds wrap mod 2^64)
///
/// `value` is the operand sign-extended to 64 bits, so this also covers the
/// i48 operands a 48-bit tosa.rescale produces (for those the product can
/// exceed 64 bits, and wraps exactly as the lowering's i64 multiply does).
/// `multiplier` may be negative or a sign-extended i16.
///
/// Compared to the specification's apply_scale_32/apply_scale_16: identical
/// whenever its REQUIREs hold (multiplier >= 0, 2 <= shift <= 62, value in
/// range); otherwise the specification is undefined and this returns the
/// truncated low 32 bits the lowering yields (no saturation).
///
/// `shift` must be in [0, 63]. For any other shift the lowering's `1 << shift`
/// is LLVM poison; this function asserts and (without assertions) returns 0.
int32_t applyScale(int64_t value, int32_t multiplier, int8_t shift,
                   RescaleRounding rounding);

/// applyScale for the 32-bit operands of every rescale whose input is at most
/// 32 bits wide and of avg_pool2d.
inline int32_t applyScale32(int32_t value, int32_t multiplier, int8_t shift,
                            RescaleRounding rounding) {
  return applyScale(value, multiplier, shift, rounding);
}

/// tosa.apply_scale as upstream's alternative lowering computes it, selected
/// by `tosa-to-arith{include-apply-rescale=true use-32-bit=true}` for operands
/// of at most 32 bits: it splits the product into 32-bit halves
/// (arith.mulsi_extended) and rounds and shifts each half separately.
///
/// This is a step-by-step model of that lowering, kept so that tests can
/// show that for every shift in [1, 63] it equals applyScale32 bit for bit
/// (both compute the same value mod 2^64 before the same shift), so the
/// evaluator need not care which lowering a pipeline picks. For shift 0 the
/// 32-bit lowering shifts a 32-bit value by 32 (LLVM poison); this asserts and
/// (without assertions) returns 0.
int32_t applyScale32BitLowering(int32_t value, int32_t multiplier, int8_t shift,
                                RescaleRounding rounding);

//===----------------------------------------------------------------------===//
// tosa.rescale
//===----------------------------------------------------------------------===//

/// Bounds tosa.rescale's lowering clamps to for an output of `outBitWidth`
/// bits (at most 32): the signed range, or [0, 2^bits - 1] with
/// output_unsigned. The bounds are i32 constants upstream, so for an unsigned
/// 32-bit output (which the specification forbids) the maximum wraps to -1;
/// that is reproduced.
std::pair<int64_t, int64_t> rescaleClampRange(unsigned outBitWidth,
                                              bool outputUnsigned);

/// The full tosa.rescale of one element, as the lowering in
/// TosaToLinalg.cpp (RescaleConverter) computes it:
///
///   v = input - inputZp         in i32 when the input is at most 32 bits
///                               wide (narrower inputs are first extended to
///                               i32: zero-extended with input_unsigned,
///                               else sign-extended); in the input's own
///                               width (i48) otherwise; wrapping
///   r = applyScale(v, multiplier, shift, rounding)
///   r = r + outputZp            in i32, wrapping
///   r = min(outMax, max(outMin, r))   signed i32 compares
///
/// and returns r; the caller stores its low output-width bits (the lowering's
/// final trunci), which for an unsigned output is r itself.
///
/// - `input`: the element as the lowering extends it: sign-extended, or
///   zero-extended when input_unsigned (e.g. 200 for a u8 0xC8).
/// - `inputZp`/`outputZp`: as RescaleOp::get{Input,Output}ZeroPoint returns
///   them: zero-extended from the zero-point tensor's element type when the
///   side is unsigned (u8 zp 0x80 is 128, u16 zp is 0 or 32768), else
///   sign-extended.
/// - `multiplier`: the per-tensor or per-channel value, sign-extended from
///   i16 when scale32 is false (upstream reads both the same way).
/// - `shift`: upstream replaces a constant shift above 63 (64..127 as i8) by
///   shift 0 with multiplier 0, making the scaled value 0 before the output
///   zero point; reproduced. A negative i8 shift is zero-extended to 128..255
///   by the lowering (LLVM poison); this asserts and otherwise treats it as
///   the > 63 case.
/// - `rounding`: Double only makes a difference for shifts above 31, exactly
///   like upstream, which downgrades DOUBLE_ROUND to SINGLE_ROUND when no
///   constant shift exceeds 31.
/// - `outMin`/`outMax`: from rescaleClampRange (they are wrapped to i32).
/// - `inputBitWidth`: width of the input element type (8, 16, 32 or 48).
///
/// Against the specification (int48 arithmetic for the zero-point
/// subtraction, apply_clip_u for unsigned outputs): identical for every
/// input it allows; it forbids non-zero zero points wherever the i32
/// subtraction could wrap.
int64_t rescaleElement(int64_t input, int64_t inputZp, int32_t multiplier,
                       int8_t shift, int64_t outputZp, RescaleRounding rounding,
                       int64_t outMin, int64_t outMax,
                       unsigned inputBitWidth = 32);

//===----------------------------------------------------------------------===//
// Integer tosa.avg_pool2d
//===----------------------------------------------------------------------===//

/// A fixed-point scale: real value multiplier * 2^-shift.
struct FixedPointScale {
  int32_t multiplier;
  int8_t shift;
};

/// The specification's reciprocal_scale(count), which avg_pool2d's integer
/// lowering computes at run time:
///
///   k          = 32 - clz32(count - 1)       (2^(k-1) < count <= 2^k)
///   multiplier = trunc32((((1 << 30) + 1) << k) /u count)
///   shift      = 30 + k
///
/// so multiplier is in [2^30, 2^31) and 1/count ~= multiplier * 2^-shift,
/// rounded down from a value slightly above 1/count (the + 1). `count` must
/// be in [1, 2^31); the lowering divides by zero for 0.
FixedPointScale reciprocalScale(int64_t count);

/// Number of window elements avg_pool2d's lowering divides by along one
/// spatial axis, for output position `outIndex` of `outSize`:
///
///   before = outIndex * stride - padBefore
///   after  = (outSize - 1 - outIndex) * stride - padAfter
///   n      = kernel + (padBefore ? min(before, 0) : 0)
///                   + (padAfter  ? min(after, 0)  : 0)
///   return max(1, n)
///
/// The lowering measures the trailing overhang from the output's far end,
/// which is the true count of in-bounds rows only when the window tiles the
/// padded input exactly, (inSize + padBefore + padAfter - kernel) % stride
/// == 0. The specification requires that (its idiv_check), and so does
/// upstream's AvgPool2dOp verifier, so for valid IR this equals the
/// specification's direct count of in-bounds elements. The divisor of an
/// output element is the product of the height and width counts (truncated
/// to i32 upstream).
int64_t avgPoolCount(int64_t outIndex, int64_t outSize, int64_t kernel,
                     int64_t stride, int64_t padBefore, int64_t padAfter);

/// The division avg_pool2d's integer lowering applies to a window sum:
/// applyScale32(sum, reciprocalScale(count), SINGLE_ROUND). `sum` is the
/// i32 accumulator (wrapped to 32 bits here, as the accumulator wraps).
///
/// For |sum| < 2^29 the result is the exact quotient rounded to nearest with
/// ties away from zero (note: apply_scale alone breaks ties upwards; here the
/// multiplier, which exceeds 2^shift / count by less than one part in 2^30,
/// pushes positive ties up and negative ties down). That covers every window
/// of i8 or i16 values up to 2^13 elements; the unit tests check it for
/// counts 1..64. Beyond 2^29 the excess shows (count 1 maps 2^29 to
/// 2^29 + 1) and results wrap rather than saturate; both are reproduced.
int32_t avgPoolDivide(int64_t sum, int64_t count);

/// One integer avg_pool2d output element from its window sum, as the lowering
/// finishes it:
///
///   acc = sum - count * inputZp      (i32, only when inputZp != 0; the sum
///                                     covers in-bounds elements only, the
///                                     lowering pads with 0, not inputZp)
///   r   = avgPoolDivide(acc, count)
///   r   = r + outputZp               (i32, only when outputZp != 0)
///   return clamp(r, signed range of outBitWidth)
///
/// All i32 steps wrap. The caller truncates the result to the output type.
int64_t avgPoolElement(int64_t sum, int64_t count, int64_t inputZp,
                       int64_t outputZp, unsigned outBitWidth);

//===----------------------------------------------------------------------===//
// Scale decomposition
//===----------------------------------------------------------------------===//

/// Decomposes a positive real scale into multiplier * 2^-shift, as upstream's
/// tosa::computeMultiplierAndShift (mlir/Dialect/Tosa/Utils/QuantUtils.h,
/// the TFLite QuantizeMultiplier scheme the TOSA legalizations use) does:
///
///   (mantissa, exp) = frexp(scale)               mantissa in [0.5, 1)
///   m = round(mantissa * 2^(w-1))                w = scaleWidth, 16 or 32
///   if m == 2^(w-1): m /= 2, exp += 1
///   shift = (w - 1) - exp
///   if shift > 62: m >>= min(31, shift - 62), shift = 62
///
/// so the multiplier is in [2^(w-2), 2^(w-1)) unless the shift was capped at
/// 62 (tiny scales, whose multiplier shrinks and may reach 0 exactly as
/// upstream's does). Returns std::nullopt where upstream returns false (a
/// shift below 2, i.e. scale >= 2^(w-3)), and also for scales upstream does
/// not guard against: zero, negative, NaN or infinite, and widths other than
/// 16 and 32.
std::optional<FixedPointScale>
computeMultiplierAndShift(double scale, unsigned scaleWidth = 32);

} // namespace compress

#endif // COMPRESS_SUPPORT_FIXEDPOINT_H
