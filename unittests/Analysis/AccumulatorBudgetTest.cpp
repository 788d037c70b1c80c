//===- AccumulatorBudgetTest.cpp - Weights that fit a P-bit accumulator ---===//
//
// The accumulator budget of accumulator-aware quantization: the range a
// channel's accumulator covers, the room left as weights are chosen, the
// naive baseline that grows scales until round-to-nearest fits, and GPTQ
// with the budget, whose every row must fit, with a loss no larger than
// round-to-nearest's, and be plain GPTQ's or round-to-nearest's when the
// budget does not bind.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/AccumulatorBudget.h"
#include "compress/Analysis/Gptq.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"

#include <gtest/gtest.h>

#include <random>

using namespace compress;

namespace {

TEST(AccumulatorBudgetTest, Range) {
  // Terms in [0, 255] (after a ReLU): positive weights reach up, negative
  // ones down.
  AccumulatorBudget relu(16, 0, 255);
  auto [lo, hi] = relu.range({3, -2, 1}, 100);
  EXPECT_EQ(lo, 100 - 2 * 255);
  EXPECT_EQ(hi, 100 + 4 * 255);
  // Terms in [-113, 142]: every weight reaches both ways.
  AccumulatorBudget signedTerms(16, -113, 142);
  std::tie(lo, hi) = signedTerms.range({3, -2}, 0);
  EXPECT_EQ(lo, 3 * -113 + -2 * 142);
  EXPECT_EQ(hi, 3 * 142 + -2 * -113);
  // The range always contains 0 (padding reads the zero point).
  AccumulatorBudget positive(16, 5, 10);
  EXPECT_EQ(positive.termLo, 0);
  EXPECT_EQ(positive.termHi, 10);
  EXPECT_TRUE(AccumulatorBudget(8, 0, 1).fits({127}, 0));
  EXPECT_FALSE(AccumulatorBudget(8, 0, 1).fits({127}, 1));
  EXPECT_FALSE(AccumulatorBudget(8, 0, 1).fits({-128, -1}, 0));
}

TEST(AccumulatorBudgetTest, ChannelBudgetNeverOverspends) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> weight(-127, 127), term(-128, 0),
      bits(8, 20);
  for (int trial = 0; trial < 200; ++trial) {
    int64_t tlo = term(rng), thi = 255 + tlo;
    AccumulatorBudget budget(unsigned(bits(rng)), tlo, thi);
    int64_t bias = weight(rng) * 10;
    ChannelBudget channel(budget, bias);
    if (!channel.feasible())
      continue;
    std::vector<int64_t> chosen;
    for (int k = 0; k < 300; ++k) {
      auto [lo, hi] = channel.allowed();
      ASSERT_LE(lo, 0);
      ASSERT_GE(hi, 0);
      int64_t w = std::clamp(weight(rng), lo, hi);
      channel.take(w);
      chosen.push_back(w);
    }
    EXPECT_TRUE(budget.fits(chosen, bias)) << "trial " << trial;
  }
  // A bias that does not fit leaves no room at all.
  ChannelBudget full(AccumulatorBudget(8, 0, 255), 200);
  EXPECT_FALSE(full.feasible());
  EXPECT_EQ(full.allowed(), std::make_pair(int64_t(0), int64_t(0)));
}

TEST(AccumulatorBudgetTest, FitByScalingGrowsOnlyWhatOvershoots) {
  // Two output channels of a [1, K, N] matmul, K = 64, terms in [0, 255]:
  // channel 0 has one weight, 127 steps (127 * 255 fits 16 bits); channel 1
  // has 64 weights of up to 127 steps, which do not.
  int64_t k = 64;
  std::vector<float> weights(k * 2, 0.0f);
  weights[0] = 0.05f;
  for (int64_t i = 0; i < k; ++i)
    weights[i * 2 + 1] = (i % 2 ? 1.0f : -1.0f) * (0.5f + 0.01f * float(i));
  std::vector<int64_t> shape = {1, k, 2};
  qint::QuantizedWeights q = qint::quantizeWeights(weights, shape, 2, 8,
                                                   qint::WeightClip::Max);
  ChannelLayout layout = ChannelLayout::of(LayerKind::Matmul, shape);
  AccumulatorBudget budget(16, 0, 255);
  std::vector<float> before = q.scales;
  auto noBias = [](int64_t, double) { return int64_t(0); };
  ASSERT_FALSE(budget.fits(layout.channel(q.values, 1), 0));
  ASSERT_TRUE(fitByScaling(weights, layout, 8, budget, noBias, q.scales,
                           q.values));
  for (int64_t c = 0; c < 2; ++c)
    EXPECT_TRUE(budget.fits(layout.channel(q.values, c), 0));
  // Channel 0 already fitted: its scale is untouched; channel 1's grew.
  EXPECT_EQ(q.scales[0], before[0]);
  EXPECT_GT(q.scales[1], before[1]);
  // The values are round-to-nearest at the new scales.
  for (int64_t i = 0; i < k; ++i)
    EXPECT_EQ(q.values[i * 2 + 1],
              qint::roundWeight(weights[i * 2 + 1] / q.scales[1], 8));
  // Binary weights keep their magnitude at any scale: no fit.
  qint::QuantizedWeights binary = qint::quantizeWeights(
      weights, shape, 2, 1, qint::WeightClip::Max);
  EXPECT_FALSE(fitByScaling(weights, layout, 1, AccumulatorBudget(8, 0, 255),
                            noBias, binary.scales, binary.values));
}

TEST(AccumulatorBudgetTest, GptqRowsFitTheBudget) {
  std::mt19937_64 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  int64_t rows = 6, columns = 48;
  std::vector<float> weights(rows * columns);
  for (float &w : weights)
    w = normal(rng);
  // A positive definite Hessian with correlated inputs.
  std::vector<float> h(columns * columns);
  for (int64_t i = 0; i < columns; ++i)
    for (int64_t j = 0; j < columns; ++j)
      h[i * columns + j] = (i == j ? 2.0f : 0.0f) + 0.5f;
  std::vector<float> scales(rows);
  for (int64_t r = 0; r < rows; ++r) {
    float max = 0.0f;
    for (int64_t c = 0; c < columns; ++c)
      max = std::max(max, std::fabs(weights[r * columns + c]));
    scales[r] = max / 127.0f;
  }
  // Biases the narrowest accumulator (14 bits: [-8192, 8191]) holds.
  std::vector<int64_t> biases = {0, 1000, -1000, 5000, 0, -6000};
  for (unsigned bits : {14u, 16u, 18u}) {
    GptqOptions options;
    options.accumulator = AccumulatorBudget(bits, 0, 255);
    std::vector<float> hessian = h;
    auto q = gptqRound(weights, rows, columns, scales, 8, hessian, options,
                       nullptr, biases);
    ASSERT_TRUE(q);
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<int64_t> row(q->begin() + r * columns,
                               q->begin() + (r + 1) * columns);
      EXPECT_TRUE(options.accumulator->fits(row, biases[r]))
          << bits << " bits, row " << r;
    }
  }
  // No row's loss (w/s - q)^T H_damped (w/s - q) exceeds round-to-nearest's
  // where that fits.
  {
    GptqOptions options;
    options.accumulator = AccumulatorBudget(16, 0, 255);
    std::vector<float> hessian = h;
    auto q = gptqRound(weights, rows, columns, scales, 8, hessian, options,
                       nullptr, biases);
    ASSERT_TRUE(q);
    double diagonal = 0.0;
    for (int64_t c = 0; c < columns; ++c)
      diagonal += h[c * columns + c];
    double damp = options.damp * diagonal / double(columns);
    auto loss = [&](int64_t r, auto quantized) {
      std::vector<double> e(columns);
      for (int64_t c = 0; c < columns; ++c)
        e[c] = double(weights[r * columns + c]) / scales[r] - quantized(c);
      double sum = 0.0;
      for (int64_t i = 0; i < columns; ++i)
        for (int64_t j = 0; j < columns; ++j)
          sum += e[i] * (h[i * columns + j] + (i == j ? damp : 0.0)) * e[j];
      return sum;
    };
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<int64_t> nearest(columns);
      for (int64_t c = 0; c < columns; ++c)
        nearest[c] = qint::roundWeight(weights[r * columns + c] / scales[r], 8);
      if (!options.accumulator->fits(nearest, biases[r]))
        continue;
      double gptqLoss = loss(r, [&](int64_t c) { return double((*q)[r * columns + c]); });
      double nearestLoss = loss(r, [&](int64_t c) { return double(nearest[c]); });
      EXPECT_LE(gptqLoss, nearestLoss * (1 + 1e-4)) << "row " << r;
    }
  }

  // With a budget that never binds each row is plain GPTQ's or round to
  // nearest's.
  GptqOptions loose;
  loose.accumulator = AccumulatorBudget(32, 0, 255);
  std::vector<float> h1 = h, h2 = h;
  auto plain = gptqRound(weights, rows, columns, scales, 8, h1);
  auto budgeted = gptqRound(weights, rows, columns, scales, 8, h2, loose,
                            nullptr, biases);
  ASSERT_TRUE(plain && budgeted);
  for (int64_t r = 0; r < rows; ++r) {
    bool isPlain = true, isNearest = true;
    for (int64_t c = 0; c < columns; ++c) {
      int8_t v = (*budgeted)[r * columns + c];
      isPlain &= v == (*plain)[r * columns + c];
      isNearest &=
          v == qint::roundWeight(weights[r * columns + c] / scales[r], 8);
    }
    EXPECT_TRUE(isPlain || isNearest) << "row " << r;
  }
}

} // namespace
