//===- CalibrationTest.cpp - Tests of range statistics and selection ------===//
//
// The histogram, the percentile method and the mse method of
// compress/Analysis/Calibration.h on synthetic distributions whose answers
// are known: hand-counted histograms, the uniform distribution (nothing to
// clip), and the Gaussian, whose MSE-optimal clipping point follows from
// its closed-form clipping error. The mse choices are also checked against
// what matters in the end, the error of actually quantizing the samples.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/Calibration.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace compress;

namespace {

Tensor vectorOf(const std::vector<float> &values) {
  Tensor tensor(DType::F32, {int64_t(values.size())});
  tensor.f32() = values;
  return tensor;
}

Histogram histogramOf(const std::vector<float> &values,
                      int64_t bins = 2048) {
  ObservedRange observed;
  observed.add(vectorOf(values));
  Histogram histogram(observed.withZero(), bins);
  histogram.add(vectorOf(values));
  return histogram;
}

std::vector<float> gaussian(size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(count);
  for (float &v : values)
    v = normal(rng);
  return values;
}

/// Mean squared error of quantizing `values` to `bits` bits over `range`
/// the way the affine quantizer does: scale from the range, zero point
/// rounded so that 0 is a level, values clamped to the levels.
double quantizationMse(const std::vector<float> &values, FloatRange range,
                       unsigned bits) {
  double levels = std::ldexp(1.0, int(bits)) - 1.0;
  double scale = (range.max - range.min) / levels;
  double zeroPoint = std::round(-range.min / scale);
  double error = 0.0;
  for (float v : values) {
    double q = std::clamp(std::round(v / scale) + zeroPoint, 0.0, levels);
    double d = (q - zeroPoint) * scale - v;
    error += d * d;
  }
  return error / double(values.size());
}

/// E|clip(x) - x|^2 + rounding for a standard normal clipped to [-a, a]
/// with `levels` steps: 2((1 + a^2) Q(a) - a phi(a)) + (1 - 2Q(a)) d^2/12.
double gaussianClippingError(double a, double levels) {
  double phi = std::exp(-a * a / 2) / std::sqrt(2 * M_PI);
  double tail = 0.5 * std::erfc(a / std::sqrt(2.0));
  double delta = 2 * a / levels;
  return 2 * ((1 + a * a) * tail - a * phi) +
         (1 - 2 * tail) * delta * delta / 12;
}

TEST(ObservedRangeTest, ExtremesSkipNonFiniteValues) {
  ObservedRange observed;
  EXPECT_TRUE(observed.empty());
  float inf = std::numeric_limits<float>::infinity();
  observed.add(vectorOf({1.5f, NAN, -2.0f, inf, 0.25f, -inf}));
  EXPECT_EQ(observed.finiteCount(), 3);
  EXPECT_EQ(observed.nonFiniteCount(), 3);
  EXPECT_EQ(observed.extremes().min, -2.0);
  EXPECT_EQ(observed.extremes().max, 1.5);
}

TEST(ObservedRangeTest, WithZeroContainsZero) {
  ObservedRange positive;
  // More elements than the vectorised lanes, to cover the remainder loop.
  positive.add(vectorOf({3, 4, 5, 6, 7, 8, 9, 10, 11, 2.5f}));
  EXPECT_EQ(positive.withZero().min, 0.0);
  EXPECT_EQ(positive.withZero().max, 11.0);
  ObservedRange negative;
  negative.add(-3.0);
  EXPECT_EQ(negative.withZero().min, -3.0);
  EXPECT_EQ(negative.withZero().max, 0.0);
  EXPECT_FALSE(std::signbit(negative.withZero().max));
  ObservedRange none;
  EXPECT_EQ(none.withZero().min, 0.0);
  EXPECT_EQ(none.withZero().max, 0.0);
}

TEST(HistogramTest, BinsSitOnAGridThroughZero) {
  // Width (3 - -1) / 8 = 0.5: edges -1, -0.5, 0, ..., 3.
  Histogram histogram({-1.0, 3.0}, 8);
  ASSERT_EQ(histogram.numBins(), 8);
  EXPECT_EQ(histogram.binWidth(), 0.5);
  EXPECT_EQ(histogram.zeroEdge(), 2);
  EXPECT_EQ(histogram.binLower(2), 0.0);
  for (double v : {-1.0, -0.75, -0.5, 0.0, 0.0, 0.3, 2.9, 3.0})
    histogram.add(v);
  EXPECT_EQ(histogram.totalCount(), 8u);
  EXPECT_EQ(histogram.zeroCount(), 2u);
  EXPECT_EQ(histogram.count(0), 2u);
  EXPECT_EQ(histogram.count(1), 1u);
  EXPECT_EQ(histogram.count(2), 3u);
  EXPECT_EQ(histogram.count(7), 2u);
  EXPECT_DOUBLE_EQ(histogram.sum(0), -1.75);
  EXPECT_DOUBLE_EQ(histogram.sumOfSquares(7), 2.9 * 2.9 + 9.0);
}

TEST(HistogramTest, GridOffTheRangeAddsBinsAndCutsEdges) {
  // Width 0.3 puts the outer grid edges at -0.3 and 1.2, outside
  // [-0.2, 1]: five bins, the outermost cut to the range.
  Histogram histogram({-0.2, 1.0}, 4);
  ASSERT_EQ(histogram.numBins(), 5);
  EXPECT_EQ(histogram.zeroEdge(), 1);
  EXPECT_EQ(histogram.binLower(0), -0.2);
  EXPECT_EQ(histogram.binUpper(4), 1.0);
}

TEST(HistogramTest, RangeEndingAtZeroKeepsZerosInTheLastBin) {
  Histogram histogram({-4.0, 0.0}, 4);
  ASSERT_EQ(histogram.numBins(), 4);
  EXPECT_EQ(histogram.zeroEdge(), 4);
  histogram.add(0.0);
  histogram.add(-4.0);
  EXPECT_EQ(histogram.count(3), 1u);
  EXPECT_EQ(histogram.count(0), 1u);
  EXPECT_EQ(histogram.quantile(1.0), 0.0);
  EXPECT_EQ(histogram.quantile(0.0), -4.0);
}

TEST(HistogramTest, EmptyRangeHasNoBins) {
  Histogram histogram({0.0, 0.0}, 2048);
  EXPECT_EQ(histogram.numBins(), 0);
  histogram.add(vectorOf({0.0f, 0.0f}));
  EXPECT_EQ(histogram.totalCount(), 2u);
  EXPECT_EQ(histogram.quantile(0.9), 0.0);
  EXPECT_EQ(selectPercentileRange(histogram, 99.0).max, 0.0);
  EXPECT_EQ(selectMseRange(histogram, 8).min, 0.0);
  EXPECT_EQ(selectMseRange(histogram, 8).max, 0.0);
}

/// A growing histogram ends on the narrowest power-of-two grid that holds
/// its extremes in at most `maxBins` bins, whatever the order and grouping
/// in which the values came; merging bins is exact for the counts.
TEST(HistogramTest, GrowingEndsOnTheSameGridInAnyOrder) {
  std::vector<float> values = gaussian(5000, 3);
  values.push_back(40.0f);
  values.push_back(0.0f);
  std::vector<float> small(values.begin(), values.begin() + 100);
  std::vector<float> rest(values.begin() + 100, values.end());

  Histogram whole = Histogram::growing(64);
  whole.add(vectorOf(values));
  Histogram pieces = Histogram::growing(64);
  pieces.add(vectorOf({0.0f, 0.0f})); // zeros before there are bins
  pieces.add(vectorOf(small));
  for (float v : rest)
    pieces.add(double(v));
  Histogram reversed = Histogram::growing(64);
  reversed.add(vectorOf(std::vector<float>(values.rbegin(), values.rend())));

  ObservedRange observed;
  observed.add(vectorOf(values));
  for (const Histogram *h : {&whole, &pieces, &reversed}) {
    EXPECT_EQ(h->range().min, observed.withZero().min);
    EXPECT_EQ(h->range().max, 40.0);
    // [min, 40] (min about -4) fits in 64 unit bins, not in 64 of 1/2.
    EXPECT_EQ(h->binWidth(), 1.0);
    EXPECT_GE(h->numBins(), 32);
    EXPECT_LE(h->numBins(), 64);
    EXPECT_EQ(h->binLower(h->zeroEdge()), 0.0);
  }
  ASSERT_EQ(whole.numBins(), reversed.numBins());
  ASSERT_EQ(whole.numBins(), pieces.numBins());
  uint64_t counted = 0;
  for (int64_t i = 0; i < whole.numBins(); ++i) {
    EXPECT_EQ(whole.count(i), reversed.count(i)) << i;
    EXPECT_EQ(whole.count(i) + (i == whole.zeroBin() ? 2 : 0),
              pieces.count(i))
        << i;
    EXPECT_NEAR(whole.sum(i), reversed.sum(i), 1e-9 * (1 + whole.count(i)));
    counted += whole.count(i);
  }
  EXPECT_EQ(counted, values.size());
  EXPECT_EQ(pieces.totalCount(), values.size() + 2);
}

/// A range wider than the largest double still gets a grid.
TEST(HistogramTest, GrowingCoversTheWidestRange) {
  Histogram histogram = Histogram::growing(64);
  histogram.add(-1e308);
  histogram.add(1e308);
  histogram.add(0.0);
  EXPECT_EQ(histogram.range().min, -1e308);
  EXPECT_EQ(histogram.range().max, 1e308);
  EXPECT_GE(histogram.numBins(), 2);
  EXPECT_LE(histogram.numBins(), 64);
  EXPECT_EQ(histogram.count(0), 1u);
  EXPECT_EQ(histogram.count(histogram.numBins() - 1), 1u);
  EXPECT_EQ(histogram.totalCount(), 3u);
}

TEST(HistogramTest, GrowingWithOnlyZerosHasNoBins) {
  Histogram histogram = Histogram::growing(2048);
  histogram.add(vectorOf({0.0f, 0.0f, 0.0f}));
  EXPECT_EQ(histogram.numBins(), 0);
  EXPECT_EQ(histogram.totalCount(), 3u);
  EXPECT_EQ(selectMseRange(histogram, 8).max, 0.0);
}

TEST(HistogramTest, QuantileInterpolatesInsideABin) {
  // 25 values in [-1, 0), 25 in [0, 1), 49 in [1, 2) and an outlier at 7
  // that makes the bins one wide.
  std::vector<float> values(25, -0.5f);
  values.insert(values.end(), 25, 0.5f);
  values.insert(values.end(), 49, 1.5f);
  values.push_back(7.0f);
  values.front() = -1.0f;
  Histogram histogram = histogramOf(values, 8);
  ASSERT_EQ(histogram.binWidth(), 1.0);
  EXPECT_EQ(histogram.quantile(0.0), -1.0);
  EXPECT_EQ(histogram.quantile(1.0), 7.0);
  // 10 values into the 25 of bin [-1, 0).
  EXPECT_DOUBLE_EQ(histogram.quantile(0.10), -1.0 + 10.0 / 25.0);
  // 24.5 values into the 49 of bin [1, 2).
  EXPECT_DOUBLE_EQ(histogram.quantile(0.745), 1.5);
  EXPECT_DOUBLE_EQ(histogram.quantile(0.99), 2.0);
}

TEST(PercentileTest, HundredIsTheObservedRange) {
  std::vector<float> values = gaussian(10000, 1);
  ObservedRange observed;
  observed.add(vectorOf(values));
  Histogram histogram = histogramOf(values);
  FloatRange range = selectPercentileRange(histogram, 100.0);
  EXPECT_EQ(range.min, observed.extremes().min);
  EXPECT_EQ(range.max, observed.extremes().max);
}

TEST(PercentileTest, ClipsAnOutlier) {
  // 10,000 evenly spread values in [0, 1) and one at 100: the 99.9th
  // percentile is near 0.999 whatever the outlier, to within the
  // resolution of the histogram (100 / 2048).
  std::vector<float> values;
  for (int i = 0; i < 10000; ++i)
    values.push_back((i + 0.5f) / 10000.0f);
  values.push_back(100.0f);
  Histogram histogram = histogramOf(values);
  FloatRange range = selectPercentileRange(histogram, 99.9);
  EXPECT_EQ(range.min, 0.0);
  EXPECT_NEAR(range.max, 0.999, 100.0 / 2048);
}

TEST(MseTest, UniformKeepsTheFullRange) {
  // Clipping a uniform distribution saves less rounding error than it
  // costs: the optimum is within half a quantization step of the ends.
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1.0f, 3.0f);
  std::vector<float> values(100000);
  for (float &v : values)
    v = uniform(rng);
  FloatRange range = selectMseRange(histogramOf(values), 8);
  double step = 4.0 / 255;
  EXPECT_NEAR(range.min, -1.0, step);
  EXPECT_NEAR(range.max, 3.0, step);
}

TEST(MseTest, GaussianClipsAtTheKnownOptimum) {
  // The optimum of gaussianClippingError for 4 bits is about 2.51 sigma.
  double levels = 15.0, best = 0.0;
  for (double a = 1.0; a < 5.0; a += 0.001)
    if (gaussianClippingError(a, levels) < gaussianClippingError(best, levels))
      best = a;
  ASSERT_NEAR(best, 2.51, 0.02);
  std::vector<float> values = gaussian(400000, 3);
  FloatRange range = selectMseRange(histogramOf(values), 4);
  EXPECT_NEAR(range.max, best, 0.1);
  EXPECT_NEAR(range.min, -best, 0.1);
}

TEST(MseTest, GaussianWithOutliersClipsThem) {
  // Ten outliers at +-20 among 100,000 standard normal values: covering
  // them makes a 4-bit step of 2.7 sigma; clipping them costs far less.
  std::vector<float> values = gaussian(100000, 5);
  for (int i = 0; i < 10; ++i)
    values.push_back(i % 2 ? 20.0f : -20.0f);
  Histogram histogram = histogramOf(values);
  FloatRange mse = selectMseRange(histogram, 4);
  FloatRange full = histogram.range();
  EXPECT_GT(mse.min, -5.0);
  EXPECT_LT(mse.max, 5.0);
  // The selection minimises its model ...
  double chosen = expectedSquaredError(histogram, mse, 4);
  EXPECT_LT(chosen, expectedSquaredError(histogram, full, 4));
  for (double scale : {0.9, 0.95, 1.05, 1.1})
    EXPECT_LE(chosen, expectedSquaredError(
                          histogram, {mse.min * scale, mse.max * scale}, 4));
  // ... and that is close to the best symmetric range for the real
  // quantizer, and much better than the observed range.
  double quantized = quantizationMse(values, mse, 4);
  double bestSymmetric = std::numeric_limits<double>::infinity();
  for (double a = 1.0; a < 6.0; a += 0.02)
    bestSymmetric =
        std::min(bestSymmetric, quantizationMse(values, {-a, a}, 4));
  EXPECT_LT(quantized, 1.1 * bestSymmetric);
  EXPECT_LT(quantized, 0.1 * quantizationMse(values, full, 4));
}

TEST(MseTest, ModelMatchesTheQuantizerAtEightBits) {
  std::vector<float> values = gaussian(100000, 11);
  Histogram histogram = histogramOf(values);
  FloatRange range = selectMseRange(histogram, 8);
  double model = expectedSquaredError(histogram, range, 8);
  EXPECT_NEAR(quantizationMse(values, range, 8), model, 0.1 * model);
}

TEST(MseTest, ZerosCostNothing) {
  // A ReLU output: half exact zeros, half uniform in (0, 1]. For the
  // uniform half alone, d/dhi of (1 - hi)^3 / 3 + hi (hi / L)^2 / 12 is 0
  // at hi = 2L / (2L + 1), 30/31 for 4 bits. The zeros are exact and must
  // not move that; counted as rounded they would pull it to about 0.958.
  std::vector<float> values(50000, 0.0f);
  for (int i = 1; i <= 50000; ++i)
    values.push_back(float(i) / 50000.0f);
  Histogram histogram = histogramOf(values);
  EXPECT_EQ(histogram.zeroCount(), 50000u);
  FloatRange range = selectMseRange(histogram, 4);
  EXPECT_EQ(range.min, 0.0);
  EXPECT_NEAR(range.max, 30.0 / 31.0, 0.002);
}

TEST(MseTest, FewerBitsClipMore) {
  std::vector<float> values = gaussian(100000, 13);
  Histogram histogram = histogramOf(values);
  double previous = 0.0;
  for (unsigned bits : {2u, 4u, 6u, 8u}) {
    FloatRange range = selectMseRange(histogram, bits);
    EXPECT_GT(range.max, previous) << bits << " bits";
    previous = range.max;
  }
}

TEST(RangeMethodTest, NamesRoundTrip) {
  for (RangeMethod method :
       {RangeMethod::MinMax, RangeMethod::Percentile, RangeMethod::Mse})
    EXPECT_EQ(parseRangeMethod(rangeMethodName(method)), method);
  EXPECT_FALSE(parseRangeMethod("kl").has_value());
}

} // namespace
