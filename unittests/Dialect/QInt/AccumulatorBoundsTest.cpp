//===- AccumulatorBoundsTest.cpp - Proven accumulator bounds, randomised --===//
//
// The per-channel accumulator bounds (qint::getAccumulatorBounds, which
// compress-narrow-accumulators relies on) on random convolutions, depthwise
// convolutions and matmuls: random weights of every width, random biases,
// zero points and input ranges, padding, strides and dilations. Random term
// vectors and the reference evaluator's results on random inputs never
// leave a channel's bound, and the input built for the widest channel's
// bounds makes the evaluator produce each of them exactly.
//
//===----------------------------------------------------------------------===//

#include "TestAccumulatorBounds.h"

#include "compress/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

using namespace mlir;

namespace {

class AccumulatorBounds : public ::testing::Test {
protected:
  AccumulatorBounds() {
    DialectRegistry registry;
    compress::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  }

  /// `count` weights of `bits` bits (1: binary) as a hex literal, which
  /// fills a tensor of any shape in row-major order.
  std::string weights(int64_t count, int64_t bits) {
    std::string s = "\"0x";
    int64_t hi = (int64_t(1) << (bits - 1)) - 1;
    for (int64_t i = 0; i < count; ++i) {
      int64_t w = bits == 1 ? (uniform(0, 1) ? 1 : -1) : uniform(-hi, hi);
      s += llvm::formatv("{0:X-2}", uint8_t(int8_t(w))).str();
    }
    return s + "\"";
  }

  std::string bias(int64_t channels) {
    std::string s;
    for (int64_t i = 0; i < channels; ++i)
      s += (i ? ", " : "") + std::to_string(uniform(-100000, 100000));
    return s;
  }

  /// Checks the one accumulating op of `source` with the input in
  /// [lo, hi].
  void check(const std::string &source, int64_t lo, int64_t hi) {
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(module) << source;
    Operation *acc = nullptr;
    module->walk([&](Operation *op) {
      if (op->getName().getStringRef().starts_with("qint.") &&
          op->getNumOperands() >= 2)
        acc = op;
    });
    ASSERT_TRUE(acc);
    SmallVector<ConstantIntRanges> ranges = {ConstantIntRanges::fromSigned(
        APInt(8, lo, true), APInt(8, hi, true))};
    for (Value operand : acc->getOperands().drop_front()) {
      unsigned width =
          cast<ShapedType>(operand.getType()).getElementTypeBitWidth();
      ranges.push_back(ConstantIntRanges::maxRange(width));
    }
    auto result = compress::test::checkAccumulatorBounds(
        acc, ranges, /*samples=*/20000, /*inputs=*/4, rng());
    ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
    EXPECT_EQ(result->violations, 0) << source;
    EXPECT_EQ(result->evaluatedViolations, 0) << source;
    EXPECT_GT(result->evaluated, 0);
    EXPECT_TRUE(result->attainsHi && result->attainsLo) << source;
    ++checked;
  }

  MLIRContext context;
  std::mt19937_64 rng{2026};
  int checked = 0;
};

TEST_F(AccumulatorBounds, RandomConvolutions) {
  for (int i = 0; i < 60; ++i) {
    bool depthwise = i % 3 == 2;
    int64_t kh = uniform(1, 3), kw = uniform(1, 3), c = uniform(1, 6),
            m = uniform(1, 2), o = depthwise ? c * m : uniform(1, 8);
    int64_t sy = uniform(1, 2), sx = uniform(1, 2), dy = uniform(1, 2),
            dx = uniform(1, 2);
    int64_t pt = uniform(0, kh - 1), pb = uniform(0, kh - 1),
            pl = uniform(0, kw - 1), pr = uniform(0, kw - 1);
    // Large enough for a window inside the input.
    int64_t h = (kh - 1) * dy + 1 + pt + uniform(0, 4);
    int64_t w = (kw - 1) * dx + 1 + pl + uniform(0, 4);
    int64_t oh = (h + pt + pb - (kh - 1) * dy - 1) / sy + 1;
    int64_t ow = (w + pl + pr - (kw - 1) * dx - 1) / sx + 1;
    // The zero point inside the input range, so that the padding's zero
    // term is one an input can also make.
    int64_t lo = uniform(-128, 100), hi = uniform(lo + 1, 127);
    int64_t zp = uniform(lo, hi);
    std::string wt =
        depthwise ? llvm::formatv("tensor<{0}x{1}x{2}x{3}xi8>", kh, kw, c, m)
                        .str()
                  : llvm::formatv("tensor<{0}x{1}x{2}x{3}xi8>", o, kh, kw, c)
                        .str();
    std::string in = llvm::formatv("tensor<1x{0}x{1}x{2}xi8>", h, w, c);
    std::string out = llvm::formatv("tensor<1x{0}x{1}x{2}xi32>", oh, ow, o);
    check(llvm::formatv(
              R"(func.func @f(%x: {0}) -> {2} {{
  %w = arith.constant dense<{3}> : {1}
  %b = arith.constant dense<[{4}]> : tensor<{5}xi32>
  %acc = qint.{6} %x, %w, %b {{input_zp = {7} : i64, pad = array<i64: {8}, {9}, {10}, {11}>, stride = array<i64: {12}, {13}>, dilation = array<i64: {14}, {15}>} : ({0}, {1}, tensor<{5}xi32>) -> {2}
  return %acc : {2}
})",
              in, wt, out, weights(o * kh * kw * (depthwise ? 1 : c), uniform(1, 8)),
              bias(o), o, depthwise ? "depthwise_conv2d" : "conv2d", zp, pt,
              pb, pl, pr, sy, sx, dy, dx),
          lo, hi);
  }
  EXPECT_EQ(checked, 60);
}

TEST_F(AccumulatorBounds, RandomMatmuls) {
  for (int i = 0; i < 40; ++i) {
    int64_t m = uniform(1, 3), k = uniform(1, 200), n = uniform(1, 20);
    // Any zero point: a matmul reads no padding.
    int64_t lo = uniform(-128, 100), hi = uniform(lo + 1, 127);
    int64_t zp = uniform(-128, 127);
    check(llvm::formatv(
              R"(func.func @f(%x: tensor<1x{0}x{1}xi8>) -> tensor<1x{0}x{2}xi32> {{
  %w = arith.constant dense<{3}> : tensor<1x{1}x{2}xi8>
  %b = arith.constant dense<[{4}]> : tensor<{2}xi32>
  %acc = qint.matmul %x, %w, %b {{lhs_zp = {5} : i64} : (tensor<1x{0}x{1}xi8>, tensor<1x{1}x{2}xi8>, tensor<{2}xi32>) -> tensor<1x{0}x{2}xi32>
  return %acc : tensor<1x{0}x{2}xi32>
})",
              m, k, n, weights(k * n, uniform(1, 8)), bias(n), zp),
          lo, hi);
  }
  EXPECT_EQ(checked, 40);
}

} // namespace
