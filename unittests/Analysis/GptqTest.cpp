//===- GptqTest.cpp - GPTQ weight rounding --------------------------------===//
//
// GPTQ against round-to-nearest on layers with known inputs: it must be
// round-to-nearest when the inputs are uncorrelated (H = I), and it must
// produce smaller output errors ||W X - Q X||^2 when they are correlated.
//
//===----------------------------------------------------------------------===//

#include "GptqTestUtils.h"

#include "compress/Analysis/Gptq.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <random>

using namespace compress;
using namespace compress::qint;
using namespace compress::test;

namespace {

/// sum over inputs and rows of ((w - s * q) . x)^2.
double outputError(const std::vector<float> &w, const std::vector<int8_t> &q,
                   const std::vector<float> &scales,
                   const std::vector<double> &x, int64_t columns) {
  int64_t rows = scales.size(), count = x.size() / columns;
  double error = 0.0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < count; ++i) {
      double d = 0.0;
      for (int64_t c = 0; c < columns; ++c)
        d += (w[r * columns + c] - scales[r] * double(q[r * columns + c])) *
             x[i * columns + c];
      error += d * d;
    }
  return error;
}

std::vector<float> identity(int64_t n) {
  std::vector<float> h(n * n, 0.0f);
  for (int64_t i = 0; i < n; ++i)
    h[i * n + i] = 1.0f;
  return h;
}

/// gptqRound on a copy of `h`, which it overwrites.
std::optional<std::vector<int8_t>>
roundWith(llvm::ArrayRef<float> w, int64_t rows, int64_t columns,
          llvm::ArrayRef<float> scales, unsigned bits, std::vector<float> h,
          const GptqOptions &options = {},
          mlir::MLIRContext *context = nullptr) {
  return gptqRound(w, rows, columns, scales, bits, h, options, context);
}

} // namespace

/// Without correlations no error is moved anywhere: GPTQ is
/// round-to-nearest, bit for bit, at every width and block size.
TEST(GptqTest, IdentityHessianIsRoundToNearest) {
  const int64_t rows = 6, columns = 150;
  for (uint64_t seed : {1, 2, 3}) {
    std::mt19937_64 rng(seed);
    std::vector<float> w = randomWeights(rows, columns, rng);
    for (unsigned bits = 1; bits <= 8; ++bits) {
      QuantizedWeights nearest =
          quantizeWeights(w, {rows, columns}, 0, bits, WeightClip::Mse);
      for (int64_t blockSize : {128, 7}) {
        GptqOptions options;
        options.blockSize = blockSize;
        auto q = roundWith(w, rows, columns, nearest.scales, bits,
                           identity(columns), options);
        ASSERT_TRUE(q.has_value());
        EXPECT_EQ(*q, nearest.values)
            << "seed " << seed << " bits " << bits << " block " << blockSize;
      }
    }
  }
}

/// On correlated inputs GPTQ's output error is below round-to-nearest's
/// with the same scales. 160 columns span two blocks of 128.
TEST(GptqTest, BeatsRoundToNearestOnCorrelatedInputs) {
  const int64_t rows = 8, columns = 160, count = 400;
  for (uint64_t seed : {11, 12, 13, 14, 15}) {
    std::mt19937_64 rng(seed);
    std::vector<float> w = randomWeights(rows, columns, rng);
    std::vector<double> x = correlatedInputs(columns, count, rng);
    std::vector<float> h = hessianOf(x, columns);
    for (unsigned bits : {2, 3, 4}) {
      QuantizedWeights nearest =
          quantizeWeights(w, {rows, columns}, 0, bits, WeightClip::Max);
      auto q = roundWith(w, rows, columns, nearest.scales, bits, h);
      ASSERT_TRUE(q.has_value());
      double gptqError = outputError(w, *q, nearest.scales, x, columns);
      double nearestError =
          outputError(w, nearest.values, nearest.scales, x, columns);
      EXPECT_LT(gptqError, 0.8 * nearestError)
          << "seed " << seed << " bits " << bits << ": gptq " << gptqError
          << ", nearest " << nearestError;
    }
  }
}

/// The lazy batch update is the column-by-column update reordered: block
/// sizes change nothing.
TEST(GptqTest, BlockSizeDoesNotChangeTheResult) {
  const int64_t rows = 4, columns = 70, count = 200;
  std::mt19937_64 rng(5);
  std::vector<float> w = randomWeights(rows, columns, rng);
  std::vector<double> x = correlatedInputs(columns, count, rng);
  std::vector<float> h = hessianOf(x, columns);
  QuantizedWeights nearest =
      quantizeWeights(w, {rows, columns}, 0, 4, WeightClip::Max);
  GptqOptions one, some, all;
  one.blockSize = 1;
  some.blockSize = 16;
  all.blockSize = columns;
  auto a = roundWith(w, rows, columns, nearest.scales, 4, h, one);
  auto b = roundWith(w, rows, columns, nearest.scales, 4, h, some);
  auto c = roundWith(w, rows, columns, nearest.scales, 4, h, all);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, *c);
}

/// Inputs that are always 0 have a zero row and column in H: their weights
/// become 0, and the other columns are still rounded with feedback.
TEST(GptqTest, DeadColumns) {
  const int64_t rows = 5, columns = 40, count = 300;
  std::mt19937_64 rng(7);
  std::vector<float> w = randomWeights(rows, columns, rng);
  std::vector<double> x = correlatedInputs(columns, count, rng);
  for (int64_t i = 0; i < count; ++i) {
    x[i * columns + 3] = 0.0;
    x[i * columns + 17] = 0.0;
  }
  std::vector<float> h = hessianOf(x, columns);
  ASSERT_EQ(h[3 * columns + 3], 0.0f);
  QuantizedWeights nearest =
      quantizeWeights(w, {rows, columns}, 0, 3, WeightClip::Max);
  auto q = roundWith(w, rows, columns, nearest.scales, 3, h);
  ASSERT_TRUE(q.has_value());
  for (int64_t r = 0; r < rows; ++r) {
    EXPECT_EQ((*q)[r * columns + 3], 0);
    EXPECT_EQ((*q)[r * columns + 17], 0);
  }
  EXPECT_LT(outputError(w, *q, nearest.scales, x, columns),
            outputError(w, nearest.values, nearest.scales, x, columns));
}

/// Only the lower triangle of the (column-major) Hessian is read, and
/// threads change nothing.
TEST(GptqTest, ReadsTheLowerTriangleOnly) {
  const int64_t rows = 70, columns = 150, count = 400;
  std::mt19937_64 rng(8);
  std::vector<float> w = randomWeights(rows, columns, rng);
  std::vector<float> h = hessianOf(correlatedInputs(columns, count, rng),
                                   columns);
  QuantizedWeights nearest =
      quantizeWeights(w, {rows, columns}, 0, 3, WeightClip::Max);
  auto full = roundWith(w, rows, columns, nearest.scales, 3, h);
  for (int64_t j = 0; j < columns; ++j)
    for (int64_t i = 0; i < j; ++i)
      h[j * columns + i] = NAN;
  mlir::MLIRContext context;
  auto lower = roundWith(w, rows, columns, nearest.scales, 3, h, {}, &context);
  ASSERT_TRUE(full && lower);
  EXPECT_EQ(*full, *lower);
}

/// A Hessian with NaNs (inputs that overflowed) is refused, not rounded.
TEST(GptqTest, NonFiniteHessianFails) {
  std::vector<float> w = {1.0f, 2.0f};
  std::vector<float> h = {1.0f, NAN, NAN, 1.0f};
  EXPECT_FALSE(roundWith(w, 1, 2, {0.5f}, 4, h).has_value());
}

/// Whole weight tensors: with identity Hessians every layout gives
/// round-to-nearest per output channel, which checks that the rows and
/// columns GPTQ sees are put back where they came from.
TEST(GptqTest, LayerLayoutsRoundTrip) {
  std::mt19937_64 rng(21);
  struct Case {
    LayerKind kind;
    std::vector<int64_t> shape;
    int64_t axis, groups, columns;
  };
  for (const Case &c : {Case{LayerKind::Conv2D, {5, 3, 2, 4}, 0, 1, 24},
                        Case{LayerKind::DepthwiseConv2D, {3, 2, 4, 3}, 2, 4,
                             6},
                        Case{LayerKind::Matmul, {1, 7, 5}, 2, 1, 7}}) {
    int64_t size = 1;
    for (int64_t d : c.shape)
      size *= d;
    std::vector<float> w = randomWeights(1, size, rng);
    QuantizedWeights nearest = quantizeWeights(w, c.shape, c.axis, 3,
                                               WeightClip::Max);
    std::vector<float> hessians;
    for (int64_t g = 0; g < c.groups; ++g) {
      std::vector<float> h = identity(c.columns);
      hessians.insert(hessians.end(), h.begin(), h.end());
    }
    auto q = gptqRoundLayer(c.kind, w, c.shape, nearest.scales, 3,
                            hessians);
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(*q, nearest.values) << int(c.kind);
  }
}

/// A depthwise [KH, KW, C, M] tensor: channel c's M x KH*KW matrix is
/// rounded with Hessian c, as rounding that matrix alone does.
TEST(GptqTest, DepthwiseUsesTheHessianOfItsChannel) {
  const int64_t kh = 2, kw = 2, channels = 3, multiplier = 2, columns = 4;
  std::mt19937_64 rng(22);
  std::vector<float> w = randomWeights(1, kh * kw * channels * multiplier, rng);
  QuantizedWeights nearest = quantizeWeights(
      w, {kh, kw, channels, multiplier}, 2, 2, WeightClip::Max);
  std::vector<float> hessians;
  for (int64_t c = 0; c < channels; ++c) {
    std::vector<float> h = hessianOf(correlatedInputs(columns, 50, rng),
                                      columns);
    hessians.insert(hessians.end(), h.begin(), h.end());
  }
  std::vector<float> overwritten = hessians;
  auto q = gptqRoundLayer(LayerKind::DepthwiseConv2D, w,
                          {kh, kw, channels, multiplier}, nearest.scales, 2,
                          overwritten);
  ASSERT_TRUE(q.has_value());
  for (int64_t c = 0; c < channels; ++c) {
    std::vector<float> matrix, scales(multiplier, nearest.scales[c]);
    for (int64_t m = 0; m < multiplier; ++m)
      for (int64_t k = 0; k < columns; ++k)
        matrix.push_back(w[(k * channels + c) * multiplier + m]);
    auto expected = roundWith(
        matrix, multiplier, columns, scales, 2,
        llvm::ArrayRef(hessians).slice(c * columns * columns, columns * columns)
            .vec());
    ASSERT_TRUE(expected.has_value());
    for (int64_t m = 0; m < multiplier; ++m)
      for (int64_t k = 0; k < columns; ++k)
        EXPECT_EQ((*q)[(k * channels + c) * multiplier + m],
                  (*expected)[m * columns + k])
            << "channel " << c << " row " << m << " column " << k;
  }
}
