//===- FixedPointTest.cpp - Tests of TOSA fixed-point arithmetic ----------===//
//
// Hand-checked values and properties of compress/Support/FixedPoint.h. The
// edge cases (ties, INT32_MIN/MAX operands, shifts 0 and 63, overflowing
// products) were also confirmed against upstream MLIR 22's lowering run
// through mlir-runner; the randomized properties restate the specification's
// formulas with 128-bit integers, independently of the implementation.
//
//===----------------------------------------------------------------------===//

#include "compress/Support/FixedPoint.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

using namespace compress;

namespace {

constexpr int32_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kI32Max = std::numeric_limits<int32_t>::max();
constexpr RescaleRounding kSingle = RescaleRounding::Single;
constexpr RescaleRounding kDouble = RescaleRounding::Double;

/// floor(num / 2^shift) on exact 128-bit integers.
__int128 floorShift(__int128 num, unsigned shift) {
  __int128 den = __int128(1) << shift;
  __int128 q = num / den;
  return (num % den != 0 && num < 0) ? q - 1 : q;
}

/// The specification's apply_scale_32, evaluated exactly: valid whenever its
/// REQUIREs hold, which is where the callers use it.
int32_t specApplyScale32(int32_t value, int32_t multiplier, int shift,
                         bool doubleRound) {
  __int128 round = __int128(1) << (shift - 1);
  if (doubleRound && shift > 31)
    round += value >= 0 ? (int64_t(1) << 30) : -(int64_t(1) << 30);
  return int32_t(floorShift(__int128(value) * multiplier + round, shift));
}

/// sum / count rounded to nearest, ties away from zero, exactly.
int64_t roundHalfAway(int64_t sum, int64_t count) {
  int64_t mag = sum < 0 ? -sum : sum;
  int64_t q = (2 * mag + count) / (2 * count);
  return sum < 0 ? -q : q;
}

//===----------------------------------------------------------------------===//
// applyScale
//===----------------------------------------------------------------------===//

TEST(ApplyScaleTest, TiesRoundUpwards) {
  // 2^30 * 2^-31 is one half: value * 0.5 with every odd value a tie, and
  // SINGLE_ROUND breaks ties towards +infinity, for negatives too.
  EXPECT_EQ(applyScale32(1, 1 << 30, 31, kSingle), 1);   //  0.5 ->  1
  EXPECT_EQ(applyScale32(-1, 1 << 30, 31, kSingle), 0);  // -0.5 ->  0
  EXPECT_EQ(applyScale32(3, 1 << 30, 31, kSingle), 2);   //  1.5 ->  2
  EXPECT_EQ(applyScale32(-3, 1 << 30, 31, kSingle), -1); // -1.5 -> -1
  EXPECT_EQ(applyScale32(5, 1 << 30, 31, kSingle), 3);   //  2.5 ->  3
  EXPECT_EQ(applyScale32(-5, 1 << 30, 31, kSingle), -2); // -2.5 -> -2
  // A tie made by the multiplier: 6 * 3 * 2^-2 = 4.5.
  EXPECT_EQ(applyScale32(6, 3, 2, kSingle), 5);
  EXPECT_EQ(applyScale32(-6, 3, 2, kSingle), -4);
  // Not ties: just below and above one half.
  EXPECT_EQ(applyScale32(1, (1 << 30) - 1, 31, kSingle), 0);
  EXPECT_EQ(applyScale32(-1, (1 << 30) + 1, 31, kSingle), -1);
}

TEST(ApplyScaleTest, DoubleRoundOnlyAboveShift31) {
  // For shifts up to 31 DOUBLE_ROUND is SINGLE_ROUND.
  for (int8_t shift : {2, 15, 30, 31})
    for (int32_t value : {-7, -3, -1, 0, 1, 3, 7, 1 << 20, -(1 << 20)})
      EXPECT_EQ(applyScale32(value, 1 << 30, shift, kDouble),
                applyScale32(value, 1 << 30, shift, kSingle))
          << value << " shift " << int(shift);
  // 1 * 2^30 * 2^-32 = 0.25: rounds to 0 once, but DOUBLE_ROUND first
  // rounds to a multiple of 2^-1 (0.25 -> 0.5, away from zero) and that
  // half then rounds up.
  EXPECT_EQ(applyScale32(1, 1 << 30, 32, kSingle), 0);
  EXPECT_EQ(applyScale32(1, 1 << 30, 32, kDouble), 1);
  // -0.25 -> -0.5 -> 0 (the final rounding still breaks ties upwards).
  EXPECT_EQ(applyScale32(-1, 1 << 30, 32, kDouble), 0);
  // 3 * 2^30 * 2^-33 = 0.375 -> 0.5 -> 1; negated, -0.375 -> -0.5 -> 0.
  EXPECT_EQ(applyScale32(3, 1 << 30, 33, kSingle), 0);
  EXPECT_EQ(applyScale32(3, 1 << 30, 33, kDouble), 1);
  EXPECT_EQ(applyScale32(-3, 1 << 30, 33, kDouble), 0);
  // -5 * 2^30 * 2^-33 = -0.625 -> -1 either way.
  EXPECT_EQ(applyScale32(-5, 1 << 30, 33, kSingle), -1);
  EXPECT_EQ(applyScale32(-5, 1 << 30, 33, kDouble), -1);
}

TEST(ApplyScaleTest, ShiftZeroAddsNoRounding) {
  // (1 << 0) >>u 1 == 0: a plain product, where the specification's
  // 1 << -1 would be undefined.
  EXPECT_EQ(applyScale32(5, 7, 0, kSingle), 35);
  EXPECT_EQ(applyScale32(-5, 7, 0, kDouble), -35);
}

TEST(ApplyScaleTest, TruncatesInsteadOfSaturating) {
  // (2^31 - 1)^2 = 2^62 - 2^32 + 1: the low 32 bits are 1.
  EXPECT_EQ(applyScale32(kI32Max, kI32Max, 0, kSingle), 1);
  // 2^62 + 1 >> 1 = 2^61, whose low 32 bits are 0.
  EXPECT_EQ(applyScale32(kI32Min, kI32Min, 1, kSingle), 0);
  // 2^62 plus the rounding 2^62 wraps to INT64_MIN; >> 63 gives -1.
  EXPECT_EQ(applyScale32(kI32Min, kI32Min, 63, kSingle), -1);
  // The negative value subtracts 2^30 first, which avoids the wrap.
  EXPECT_EQ(applyScale32(kI32Min, kI32Min, 63, kDouble), 0);
  // A scale above 1 overflows 32 bits: (2^31 - 1) * (1 + 2^-30) rounds to
  // 2^31 + 1.
  EXPECT_EQ(applyScale32(kI32Max, (1 << 30) + 1, 30, kSingle), kI32Min + 1);
  // Negative multipliers (outside the specification) simply multiply.
  EXPECT_EQ(applyScale32(3, -(1 << 30), 31, kSingle), -1); // -1.5 -> -1
  EXPECT_EQ(applyScale32(kI32Max, -1, 0, kSingle), -kI32Max);
}

TEST(ApplyScaleTest, MatchesSpecificationInItsDomain) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    int shift = 2 + int(rng() % 61);
    int32_t multiplier = int32_t(rng() % (uint64_t(kI32Max) + 1));
    // REQUIRE(value in [-2^(shift-1), 2^(shift-1))), which is also what
    // keeps the result inside 32 bits.
    int64_t bound =
        shift > 32 ? (int64_t(1) << 31) : (int64_t(1) << (shift - 1));
    int64_t width = std::min<int64_t>(bound, int64_t(1) << (rng() % 32));
    int32_t value = int32_t(int64_t(rng() % uint64_t(2 * width)) - width);
    bool doubleRound = rng() & 1;
    ASSERT_EQ(applyScale32(value, multiplier, int8_t(shift),
                           doubleRound ? kDouble : kSingle),
              specApplyScale32(value, multiplier, shift, doubleRound))
        << value << " * " << multiplier << " >> " << shift;
  }
}

TEST(ApplyScaleTest, WideValuesAsFromI48Rescale) {
  // apply_scale_16 on a 48-bit value: 16-bit multiplier, exact in 64 bits.
  int64_t v48Max = (int64_t(1) << 47) - 1;
  // (2^47 - 1) * 2^-16 rounds to 2^31, which wraps to INT32_MIN.
  EXPECT_EQ(applyScale(v48Max, 1, 16, kSingle), kI32Min);
  EXPECT_EQ(applyScale(-(int64_t(1) << 47), 32767, 62, kSingle), -1);
  EXPECT_EQ(applyScale(int64_t(1) << 40, 3, 20, kSingle), 3 << 20);
  EXPECT_EQ(applyScale(-(int64_t(1) << 40) - 1, 1, 9, kSingle),
            kI32Min); // -2^31 - 2^-9 rounds to -2^31
  // A 32-bit multiplier can overflow the 64-bit product; it wraps like the
  // lowering's i64 multiply: ((2^47 - 1) * (2^31 - 1) + 2) mod 2^64 >> 2.
  EXPECT_EQ(applyScale(v48Max, kI32Max, 2, kSingle), -536870912);

  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    int64_t value = int64_t(rng() % (uint64_t(1) << 48)) - (int64_t(1) << 47);
    int32_t multiplier = int32_t(int64_t(rng() % 65536) - 32768);
    int shift = 2 + int(rng() % 61);
    __int128 exact = floorShift(
        __int128(value) * multiplier + (__int128(1) << (shift - 1)), shift);
    ASSERT_EQ(applyScale(value, multiplier, int8_t(shift), kSingle),
              int32_t(uint32_t(uint64_t(exact))))
        << value << " * " << multiplier << " >> " << shift;
  }
}

TEST(ApplyScaleTest, ThirtyTwoBitLoweringAgrees) {
  const int32_t edges[] = {kI32Min, kI32Min + 1, -(1 << 30), -3,      -1,
                           0,       1,           3,          1 << 30, kI32Max};
  for (int32_t value : edges)
    for (int32_t multiplier : edges)
      for (int shift = 1; shift <= 63; ++shift)
        for (RescaleRounding rounding : {kSingle, kDouble})
          ASSERT_EQ(applyScale32BitLowering(value, multiplier, int8_t(shift),
                                            rounding),
                    applyScale32(value, multiplier, int8_t(shift), rounding))
              << value << " * " << multiplier << " >> " << shift;

  std::mt19937_64 rng(3);
  for (int i = 0; i < 500000; ++i) {
    int32_t value = int32_t(uint32_t(rng()));
    int32_t multiplier = int32_t(uint32_t(rng()));
    if (rng() & 1)
      value >>= rng() % 31; // exercise small magnitudes too
    int8_t shift = int8_t(1 + rng() % 63);
    RescaleRounding rounding = (rng() & 1) ? kDouble : kSingle;
    ASSERT_EQ(applyScale32BitLowering(value, multiplier, shift, rounding),
              applyScale32(value, multiplier, shift, rounding))
        << value << " * " << multiplier << " >> " << int(shift);
  }
}

//===----------------------------------------------------------------------===//
// rescale
//===----------------------------------------------------------------------===//

TEST(RescaleTest, ClampRanges) {
  using Range = std::pair<int64_t, int64_t>;
  EXPECT_EQ(rescaleClampRange(8, false), Range(-128, 127));
  EXPECT_EQ(rescaleClampRange(8, true), Range(0, 255));
  EXPECT_EQ(rescaleClampRange(16, false), Range(-32768, 32767));
  EXPECT_EQ(rescaleClampRange(16, true), Range(0, 65535));
  EXPECT_EQ(rescaleClampRange(32, false), Range(kI32Min, kI32Max));
  // The i32 constant upstream stores 2^32 - 1 in wraps to -1.
  EXPECT_EQ(rescaleClampRange(32, true), Range(0, -1));
}

TEST(RescaleTest, ZeroPointsAndClamping) {
  auto [lo, hi] = rescaleClampRange(8, false);
  // (100 - 10) * 0.5 + 5.
  EXPECT_EQ(rescaleElement(100, 10, 1 << 30, 31, 5, kSingle, lo, hi, 8), 50);
  // (-101 - 10) * 0.5 = -55.5 -> -55, + 5.
  EXPECT_EQ(rescaleElement(-101, 10, 1 << 30, 31, 5, kSingle, lo, hi, 8), -50);
  // (127 - -128) * 1 = 255 saturates to 127; the other way to -128.
  EXPECT_EQ(rescaleElement(127, -128, 1 << 30, 30, 0, kSingle, lo, hi, 8), 127);
  EXPECT_EQ(rescaleElement(-128, 127, 1 << 30, 30, 0, kSingle, lo, hi, 8),
            -128);
  // The output zero point is added before the clamp.
  EXPECT_EQ(rescaleElement(100, 0, 1 << 30, 30, 100, kSingle, lo, hi, 8), 127);
}

TEST(RescaleTest, UnsignedSides) {
  auto [slo, shi] = rescaleClampRange(8, false);
  // u8 0xC8 is read as 200; zero point 128 (stored as i8 -128, read
  // zero-extended).
  EXPECT_EQ(rescaleElement(200, 128, 1 << 30, 30, 0, kSingle, slo, shi, 8), 72);
  EXPECT_EQ(rescaleElement(0, 128, 1 << 30, 30, 0, kSingle, slo, shi, 8), -128);
  EXPECT_EQ(rescaleElement(255, 128, 1 << 30, 30, 0, kSingle, slo, shi, 8),
            127);
  // i8 -> u8 with output zero point 128: [-128, 127] maps onto [0, 255].
  auto [ulo, uhi] = rescaleClampRange(8, true);
  EXPECT_EQ(rescaleElement(-1, 0, 1 << 30, 30, 128, kSingle, ulo, uhi, 8), 127);
  EXPECT_EQ(rescaleElement(-128, 0, 1 << 30, 30, 128, kSingle, ulo, uhi, 8), 0);
  EXPECT_EQ(rescaleElement(127, 0, 1 << 30, 30, 128, kSingle, ulo, uhi, 8),
            255);
  EXPECT_EQ(rescaleElement(127, -1, 1 << 30, 30, 128, kSingle, ulo, uhi, 8),
            255); // 256 clamps
  // u16 with zero point 32768 into i16.
  auto [lo16, hi16] = rescaleClampRange(16, false);
  EXPECT_EQ(
      rescaleElement(65535, 32768, 1 << 30, 30, 0, kSingle, lo16, hi16, 16),
      32767);
  EXPECT_EQ(rescaleElement(0, 32768, 1 << 30, 30, 0, kSingle, lo16, hi16, 16),
            -32768);
  // An unsigned 32-bit output clamps to [0, -1] upstream: always -1.
  auto [u32lo, u32hi] = rescaleClampRange(32, true);
  EXPECT_EQ(rescaleElement(5, 0, 1 << 30, 30, 0, kSingle, u32lo, u32hi, 8), -1);
}

TEST(RescaleTest, ShiftAbove63BecomesZero) {
  auto [lo, hi] = rescaleClampRange(8, false);
  // Upstream turns a constant (multiplier, shift > 63) into (0, 0): only the
  // output zero point remains.
  for (int8_t shift : {64, 100, 127})
    EXPECT_EQ(rescaleElement(100, 0, 1 << 30, shift, 7, kSingle, lo, hi, 32),
              7);
  // Shift 63 is still a real (tiny) scale: 2^31 - 1 times 2^31 - 1 >> 63.
  EXPECT_EQ(rescaleElement(kI32Max, 0, kI32Max, 63, 0, kSingle, lo, hi, 32), 0);
}

TEST(RescaleTest, ThirtyTwoBitResultsWrap) {
  auto [lo, hi] = rescaleClampRange(32, false);
  // i8 -> i32 with a scale of 2^17: 127 * 2^17 fits, -128 * 2^17 fits ...
  EXPECT_EQ(rescaleElement(127, 0, 1 << 30, 13, 0, kSingle, lo, hi, 8),
            127 << 17);
  // ... but a larger scale wraps instead of saturating: 127 * 2^25.
  EXPECT_EQ(rescaleElement(127, 0, 1 << 30, 5, 0, kSingle, lo, hi, 8),
            int64_t(127) * (1 << 25) - (int64_t(1) << 32));
  EXPECT_EQ(rescaleElement(-128, 0, 1 << 30, 5, 0, kSingle, lo, hi, 8), 0);
}

TEST(RescaleTest, WideInputSubtractsInItsOwnWidth) {
  auto [lo, hi] = rescaleClampRange(32, false);
  int64_t v48Max = (int64_t(1) << 47) - 1;
  // A 16-bit multiplier on an i48 value: 2^40 * 3 >> 20.
  EXPECT_EQ(rescaleElement(int64_t(1) << 40, 0, 3, 20, 0, kSingle, lo, hi, 48),
            3 << 20);
  // The zero-point subtraction wraps at 48 bits (only non-zero zero points,
  // which TOSA forbids for i48, can make it do so).
  EXPECT_EQ(rescaleElement(v48Max, -1, 1, 2, 0, kSingle, lo, hi, 48),
            applyScale(-(int64_t(1) << 47), 1, 2, kSingle));
  // 32-bit inputs wrap at 32 bits.
  EXPECT_EQ(rescaleElement(kI32Max, -1, 1, 2, 0, kSingle, lo, hi, 32),
            applyScale32(kI32Min, 1, 2, kSingle));
}

//===----------------------------------------------------------------------===//
// avg_pool2d
//===----------------------------------------------------------------------===//

TEST(AvgPoolTest, ReciprocalScale) {
  struct Case {
    int64_t count;
    int32_t multiplier;
    int8_t shift;
  };
  // multiplier = ((2^30 + 1) << k) / count, shift = 30 + k.
  const Case cases[] = {{1, (1 << 30) + 1, 30},  {2, (1 << 30) + 1, 31},
                        {3, 1431655766, 32},     {4, (1 << 30) + 1, 32},
                        {5, 1717986920, 33},     {9, 1908874355, 34},
                        {64, (1 << 30) + 1, 36}, {65, 2114445440, 37}};
  for (const Case &c : cases) {
    FixedPointScale scale = reciprocalScale(c.count);
    EXPECT_EQ(scale.multiplier, c.multiplier) << c.count;
    EXPECT_EQ(scale.shift, c.shift) << c.count;
  }
  for (int64_t count = 1; count <= 100000; ++count) {
    FixedPointScale scale = reciprocalScale(count);
    ASSERT_GE(scale.multiplier, 1 << 30) << count;
    ASSERT_LE(scale.shift, 62) << count;
  }
}

TEST(AvgPoolTest, DivideTies) {
  EXPECT_EQ(avgPoolDivide(1, 2), 1);   //  0.5
  EXPECT_EQ(avgPoolDivide(-1, 2), -1); // -0.5: away from zero, unlike
                                       // apply_scale's own ties
  EXPECT_EQ(avgPoolDivide(3, 2), 2);
  EXPECT_EQ(avgPoolDivide(-3, 2), -2);
  EXPECT_EQ(avgPoolDivide(2, 4), 1);
  EXPECT_EQ(avgPoolDivide(-2, 4), -1);
  EXPECT_EQ(avgPoolDivide(-3, 6), -1);
  EXPECT_EQ(avgPoolDivide(-9, 6), -2);
  EXPECT_EQ(avgPoolDivide(-4, 6), -1); // -0.67, not a tie
  EXPECT_EQ(avgPoolDivide(-2, 6), 0);  // -0.33
  EXPECT_EQ(avgPoolDivide(127 * 9, 9), 127);
  EXPECT_EQ(avgPoolDivide(-128 * 9, 9), -128);
}

TEST(AvgPoolTest, DivideRoundsHalfAwayFromZeroForCounts1To64) {
  // The multiplier exceeds 2^shift / count by less than one part in 2^30
  // and is never below it, so for |sum| < 2^29 the result is the exact
  // quotient with ties away from zero (positive ties get the excess, the
  // negative ones lose it).
  std::mt19937_64 rng(11);
  for (int64_t count = 1; count <= 64; ++count) {
    for (int64_t sum = -40000 * count; sum <= 40000 * count;
         sum += (sum > -200 * count && sum < 200 * count) ? 1 : 97)
      ASSERT_EQ(avgPoolDivide(sum, count), roundHalfAway(sum, count))
          << sum << " / " << count;
    for (int i = 0; i < 20000; ++i) {
      int64_t sum = int64_t(rng() % (uint64_t(1) << 30)) - (int64_t(1) << 29);
      if (sum == -(int64_t(1) << 29))
        continue;
      ASSERT_EQ(avgPoolDivide(sum, count), roundHalfAway(sum, count))
          << sum << " / " << count;
    }
  }
}

TEST(AvgPoolTest, DivideOutsideTheExactRange) {
  // count 1 scales by 1 + 2^-30: visible once |sum| reaches 2^29.
  EXPECT_EQ(avgPoolDivide((1 << 29) - 1, 1), (1 << 29) - 1);
  EXPECT_EQ(avgPoolDivide(1 << 29, 1), (1 << 29) + 1);
  // ... and the result wraps instead of saturating.
  EXPECT_EQ(avgPoolDivide(kI32Max, 1), kI32Min + 1);
  // The accumulator is i32: sums wrap before dividing.
  EXPECT_EQ(avgPoolDivide(int64_t(1) << 32, 1), 0);
}

TEST(AvgPoolTest, CountMatchesInBoundsElementsForValidShapes) {
  for (int64_t kernel = 1; kernel <= 8; ++kernel)
    for (int64_t stride = 1; stride <= 3; ++stride)
      for (int64_t padBefore = 0; padBefore < kernel; ++padBefore)
        for (int64_t padAfter = 0; padAfter < kernel; ++padAfter)
          for (int64_t inSize = 1; inSize <= 12; ++inSize) {
            int64_t span = inSize + padBefore + padAfter - kernel;
            // tosa.avg_pool2d's verifier demands exact tiling.
            if (span < 0 || span % stride != 0)
              continue;
            int64_t outSize = span / stride + 1;
            for (int64_t o = 0; o < outSize; ++o) {
              int64_t inBounds = 0;
              for (int64_t k = 0; k < kernel; ++k) {
                int64_t i = o * stride - padBefore + k;
                inBounds += (i >= 0 && i < inSize) ? 1 : 0;
              }
              ASSERT_EQ(
                  avgPoolCount(o, outSize, kernel, stride, padBefore, padAfter),
                  std::max<int64_t>(inBounds, 1))
                  << "k" << kernel << " s" << stride << " p" << padBefore << ","
                  << padAfter << " in" << inSize << " o" << o;
            }
          }
  // Kernel 3, pad 1 each side: the corner windows hold 2 rows.
  EXPECT_EQ(avgPoolCount(0, 4, 3, 1, 1, 1), 2);
  EXPECT_EQ(avgPoolCount(1, 4, 3, 1, 1, 1), 3);
  EXPECT_EQ(avgPoolCount(3, 4, 3, 1, 1, 1), 2);
}

TEST(AvgPoolTest, ElementWithZeroPoints) {
  // (10 - 4 * 2) / 4 = 0.5 -> 1, then + (-3).
  EXPECT_EQ(avgPoolElement(10, 4, 2, -3, 8), -2);
  // (-10 - 4 * -2) / 4 = -0.5 -> -1, then + 5.
  EXPECT_EQ(avgPoolElement(-10, 4, -2, 5, 8), 4);
  // Clamped to the output type after the output zero point.
  EXPECT_EQ(avgPoolElement(127 * 9, 9, -128, 100, 8), 127);
  EXPECT_EQ(avgPoolElement(-128 * 9, 9, 127, -100, 8), -128);
  EXPECT_EQ(avgPoolElement(32767 * 4, 4, 0, 0, 16), 32767);
  EXPECT_EQ(avgPoolElement(-32768 * 4 - 3, 4, 0, 0, 16), -32768);
}

//===----------------------------------------------------------------------===//
// computeMultiplierAndShift
//===----------------------------------------------------------------------===//

TEST(ComputeMultiplierAndShiftTest, HandChecked) {
  auto check = [](double scale, int32_t multiplier, int8_t shift,
                  unsigned width = 32) {
    std::optional<FixedPointScale> got =
        computeMultiplierAndShift(scale, width);
    ASSERT_TRUE(got.has_value()) << scale;
    EXPECT_EQ(got->multiplier, multiplier) << scale;
    EXPECT_EQ(got->shift, shift) << scale;
  };
  check(0.5, 1 << 30, 31);
  check(1.0, 1 << 30, 30);
  check(0.75, 1610612736, 31);
  check(1.0 / 3.0, 1431655765, 32); // 2/3 * 2^31 = 1431655765.33
  check(std::ldexp(1.0, 28), 1 << 30, 2);
  // A mantissa rounding up to 1.0 moves to the next binade.
  check(1.0 - std::ldexp(1.0, -40), 1 << 30, 30);
  // Shifts are capped at 62 by dropping multiplier bits.
  check(std::ldexp(1.0, -40), 1 << 22, 62);
  check(std::ldexp(1.0, -100), 0, 62);
  check(0.5, 1 << 14, 15, 16);
  check(0.1, 26214, 18, 16); // 0.8 * 2^15 = 26214.4
}

TEST(ComputeMultiplierAndShiftTest, Failures) {
  // Upstream's own failure: shift below 2.
  EXPECT_FALSE(computeMultiplierAndShift(std::ldexp(1.0, 29)));
  EXPECT_FALSE(computeMultiplierAndShift(std::ldexp(1.0, 29) - 0.001));
  EXPECT_FALSE(computeMultiplierAndShift(std::ldexp(1.0, 13), 16));
  // Not positive finite scales, and unsupported widths.
  EXPECT_FALSE(computeMultiplierAndShift(0.0));
  EXPECT_FALSE(computeMultiplierAndShift(-0.5));
  EXPECT_FALSE(computeMultiplierAndShift(std::nan("")));
  EXPECT_FALSE(computeMultiplierAndShift(INFINITY));
  EXPECT_FALSE(computeMultiplierAndShift(0.5, 8));
}

TEST(ComputeMultiplierAndShiftTest, RoundTrips) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> exponent(-30.0, 28.0);
  auto [lo, hi] = rescaleClampRange(32, false);
  for (int i = 0; i < 20000; ++i) {
    double scale = std::exp2(exponent(rng));
    std::optional<FixedPointScale> got = computeMultiplierAndShift(scale);
    ASSERT_TRUE(got.has_value()) << scale;
    ASSERT_GE(got->multiplier, 1 << 30);
    ASSERT_GE(got->shift, 2);
    ASSERT_LE(got->shift, 62);
    // Rounded to the nearest multiplier: within half a unit, 2^-(shift+1).
    double back = std::ldexp(double(got->multiplier), -got->shift);
    ASSERT_LE(std::fabs(back - scale), std::ldexp(1.0, -got->shift - 1))
        << scale;
    // Rescaling with it rounds x * scale to nearest (up to ties the
    // multiplier's rounding may move).
    for (int32_t x : {-128, -77, -1, 1, 55, 127}) {
      double exact = double(x) * scale;
      // The multiplier is within 2^-31 of the scale, relatively.
      if (std::fabs(exact) > 1e6)
        continue;
      int64_t r = rescaleElement(x, 0, got->multiplier, got->shift, 0, kSingle,
                                 lo, hi, 8);
      ASSERT_LE(std::fabs(double(r) - exact), 0.5 + 1e-3)
          << x << " * " << scale;
    }
  }
  // 16-bit multipliers land in [2^14, 2^15).
  for (int i = 0; i < 20000; ++i) {
    double scale = std::exp2(exponent(rng) / 3.0);
    std::optional<FixedPointScale> got = computeMultiplierAndShift(scale, 16);
    ASSERT_TRUE(got.has_value()) << scale;
    ASSERT_GE(got->multiplier, 1 << 14);
    ASSERT_LT(got->multiplier, 1 << 15);
    double back = std::ldexp(double(got->multiplier), -got->shift);
    ASSERT_LE(std::fabs(back - scale), std::ldexp(1.0, -got->shift - 1));
  }
}

} // namespace
