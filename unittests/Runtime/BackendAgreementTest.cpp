//===- BackendAgreementTest.cpp - Evaluator vs upstream lowering ----------===//
//
// Runs integer TOSA ops whose rounding is easy to get wrong (tosa.rescale in
// both rounding modes, integer avg_pool2d, conv2d and matmul with zero
// points) with the reference evaluator and with upstream MLIR's lowering
// JIT-compiled, on pseudo-random inputs that include exact rounding ties,
// and requires bit-identical results.
//
//===----------------------------------------------------------------------===//

#include "AgreementTestUtils.h"

#include "llvm/Support/FormatVariadic.h"

#include "gtest/gtest.h"

#include <random>

using namespace mlir;
using namespace compress;
using namespace compress::agreement;

namespace {

class BackendAgreement : public AgreementTest {
protected:
  std::mt19937_64 rng{20261122};
};

std::string typeName(int bits) { return "i" + std::to_string(bits); }

/// Inputs for scaling by `multiplier * 2^-shift`: exact ties of that
/// scaling, their neighbours, and random values of several magnitudes, all
/// within the input type.
Tensor rescaleInputs(int64_t n, int inBits, int32_t multiplier, int shift,
                     std::mt19937_64 &rng) {
  DType dtype = inBits == 8 ? DType::I8 : inBits == 16 ? DType::I16 : DType::I32;
  Tensor t(dtype, {1, n});
  int64_t lo = intMin(dtype), hi = intMax(dtype);
  std::uniform_int_distribution<int64_t> any(lo, hi);
  for (int64_t i = 0; i < n; ++i) {
    int64_t v;
    switch (i % 4) {
    case 0: {
      // v * multiplier = (2k + 1) * 2^(shift-1) when multiplier = 2^30.
      int64_t period = shift > 30 ? int64_t(1) << (shift - 30) : 1;
      std::uniform_int_distribution<int64_t> k(-300, 300);
      v = k(rng) * period + period / 2;
      break;
    }
    case 1:
      v = t.ints()[i - 1] + ((i / 4) % 2 ? 1 : -1);
      break;
    case 2: {
      std::uniform_int_distribution<int> magnitude(0, inBits - 1);
      int64_t m = int64_t(1) << magnitude(rng);
      v = std::uniform_int_distribution<int64_t>(-m, m)(rng);
      break;
    }
    default:
      v = any(rng);
    }
    t.ints()[i] = std::clamp(v, lo, hi);
  }
  (void)multiplier;
  return t;
}

std::string rescaleModule(int64_t n, int inBits, int outBits,
                          ArrayRef<int32_t> multipliers, ArrayRef<int> shifts,
                          int64_t inZp, int64_t outZp, bool doubleRound) {
  std::string mults, shs;
  for (size_t i = 0; i < multipliers.size(); ++i) {
    mults += (i ? ", " : "") + std::to_string(multipliers[i]);
    shs += (i ? ", " : "") + std::to_string(shifts[i]);
  }
  size_t c = multipliers.size();
  std::string inT = llvm::formatv("tensor<1x{0}x{1}>", n, typeName(inBits));
  std::string outT = llvm::formatv("tensor<1x{0}x{1}>", n, typeName(outBits));
  return llvm::formatv(
      R"(func.func @main(%x: {0}) -> {1} {{
  %m = "tosa.const"() <{{values = dense<[{2}]> : tensor<{4}xi32>}> : () -> tensor<{4}xi32>
  %s = "tosa.const"() <{{values = dense<[{3}]> : tensor<{4}xi8>}> : () -> tensor<{4}xi8>
  %iz = "tosa.const"() <{{values = dense<{5}> : tensor<1x{7}>}> : () -> tensor<1x{7}>
  %oz = "tosa.const"() <{{values = dense<{6}> : tensor<1x{8}>}> : () -> tensor<1x{8}>
  %y = tosa.rescale %x, %m, %s, %iz, %oz {{scale32 = true, rounding_mode = {9}, per_channel = {10}, input_unsigned = false, output_unsigned = false} : ({0}, tensor<{4}xi32>, tensor<{4}xi8>, tensor<1x{7}>, tensor<1x{8}>) -> {1}
  return %y : {1}
})",
      inT, outT, mults, shs, c, inZp, outZp, typeName(inBits),
      typeName(outBits), doubleRound ? "DOUBLE_ROUND" : "SINGLE_ROUND",
      c > 1 ? "true" : "false");
}

TEST_F(BackendAgreement, RescalePerTensorTiesBothRoundings) {
  const int64_t n = 4096;
  for (bool doubleRound : {false, true})
    for (int shift : {31, 32, 33, 36, 40, 47}) {
      SCOPED_TRACE(llvm::formatv("shift {0} double {1}", shift, doubleRound)
                       .str());
      Tensor input = rescaleInputs(n, 32, 1 << 30, shift, rng);
      expectAgreement(rescaleModule(n, 32, 8, {1 << 30}, {shift}, 0, -3,
                                    doubleRound),
                      {input});
    }
}

TEST_F(BackendAgreement, RescaleRandomMultipliers) {
  std::uniform_int_distribution<int32_t> mult(1 << 30, INT32_MAX);
  std::uniform_int_distribution<int> shiftDist(2, 50);
  struct Case {
    int inBits, outBits;
    int64_t inZp, outZp;
  } // Zero points other than 0 are valid on i8 operands only.
  cases[] = {{32, 8, 0, 5}, {8, 8, -7, 12}, {16, 8, 0, -20},
               {8, 32, 3, 0}, {32, 16, 0, 0}, {32, 32, 0, 0}};
  for (const Case &c : cases)
    for (bool doubleRound : {false, true})
      for (int trial = 0; trial < 3; ++trial) {
        int32_t m = mult(rng);
        int s = shiftDist(rng);
        SCOPED_TRACE(llvm::formatv("i{0}->i{1} m {2} s {3} double {4}",
                                   c.inBits, c.outBits, m, s, doubleRound)
                         .str());
        Tensor input = rescaleInputs(2048, c.inBits, m, s, rng);
        expectAgreement(rescaleModule(2048, c.inBits, c.outBits, {m}, {s},
                                      c.inZp, c.outZp, doubleRound),
                        {input});
      }
}

TEST_F(BackendAgreement, RescalePerChannel) {
  const int64_t channels = 16;
  std::uniform_int_distribution<int32_t> mult(1 << 30, INT32_MAX);
  std::uniform_int_distribution<int> shiftDist(30, 45);
  for (bool doubleRound : {false, true}) {
    SmallVector<int32_t> ms;
    SmallVector<int> ss;
    for (int64_t c = 0; c < channels; ++c) {
      ms.push_back(c % 3 ? mult(rng) : 1 << 30);
      ss.push_back(shiftDist(rng));
    }
    Tensor input = rescaleInputs(channels, 32, 1 << 30, 32, rng);
    expectAgreement(rescaleModule(channels, 32, 8, ms, ss, 0, -128 + 7,
                                  doubleRound),
                    {input});
  }
}


TEST_F(BackendAgreement, IntegerAvgPoolWithPadding) {
  struct Case {
    int k, s, pad;
  } cases[] = {{2, 2, 0}, {3, 1, 1}, {3, 2, 1}, {5, 1, 2}, {7, 7, 0}};
  for (const Case &c : cases) {
    int64_t h = 14;
    int64_t o = (h + 2 * c.pad - c.k) / c.s + 1;
    if ((h + 2 * c.pad - c.k) % c.s)
      continue; // tosa.avg_pool2d requires exact tiling
    std::string source = llvm::formatv(
        R"(func.func @main(%x: tensor<1x{0}x{0}x8xi8>) -> tensor<1x{1}x{1}x8xi8> {{
  %iz = "tosa.const"() <{{values = dense<-5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %oz = "tosa.const"() <{{values = dense<9> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.avg_pool2d %x, %iz, %oz {{acc_type = i32, kernel = array<i64: {2}, {2}>, pad = array<i64: {4}, {4}, {4}, {4}>, stride = array<i64: {3}, {3}>} : (tensor<1x{0}x{0}x8xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x{1}x{1}x8xi8>
  return %y : tensor<1x{1}x{1}x8xi8>
})",
        h, o, c.k, c.s, c.pad);
    SCOPED_TRACE(source);
    expectAgreement(source, {randomInts(DType::I8, {1, h, h, 8}, rng)});
  }
}

TEST_F(BackendAgreement, IntegerConvAndMatmulWithZeroPoints) {
  Tensor weights = randomInts(DType::I8, {6, 3, 3, 5}, rng);
  std::string values;
  for (int64_t i = 0; i < weights.size(); ++i)
    values += (i ? ", " : "") + std::to_string(weights.ints()[i]);
  std::string conv = llvm::formatv(
      R"(func.func @main(%x: tensor<1x9x9x5xi8>) -> tensor<1x5x5x6xi32> {{
  %w = "tosa.const"() <{{values = dense<[{0}]> : tensor<270xi8>}> : () -> tensor<270xi8>
  %ws = tosa.const_shape {{values = dense<[6, 3, 3, 5]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %w4 = tosa.reshape %w, %ws : (tensor<270xi8>, !tosa.shape<4>) -> tensor<6x3x3x5xi8>
  %b = "tosa.const"() <{{values = dense<[100, -100, 7, 0, 123456, -5]> : tensor<6xi32>}> : () -> tensor<6xi32>
  %iz = "tosa.const"() <{{values = dense<-17> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wz = "tosa.const"() <{{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.conv2d %x, %w4, %b, %iz, %wz {{acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x9x9x5xi8>, tensor<6x3x3x5xi8>, tensor<6xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x5x5x6xi32>
  return %y : tensor<1x5x5x6xi32>
})",
      values);
  expectAgreement(conv, {randomInts(DType::I8, {1, 9, 9, 5}, rng)});

  std::string matmul = R"(func.func @main(%x: tensor<1x7x16xi8>) -> tensor<1x7x7xi32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 1>} : (tensor<1x7x16xi8>) -> tensor<1x16x7xi8>
  %az = "tosa.const"() <{values = dense<3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %bz = "tosa.const"() <{values = dense<-2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.matmul %x, %t, %az, %bz : (tensor<1x7x16xi8>, tensor<1x16x7xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x7x7xi32>
  return %y : tensor<1x7x7xi32>
})";
  expectAgreement(matmul, {randomInts(DType::I8, {1, 7, 16}, rng)});
}

} // namespace
