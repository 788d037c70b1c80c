//===- SymmetricMatrixTest.cpp - Gram matrices and their factors ----------===//
//
// The blocked in-place routines against textbook double-precision
// definitions, on sizes below, at and across the block size, and with and
// without a thread pool: the results must be bit-identical either way.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/SymmetricMatrix.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace compress;

namespace {

/// n x k column-major, one vector per column.
std::vector<float> randomVectors(int64_t n, int64_t k, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(n * k);
  for (float &v : x)
    v = normal(rng);
  return x;
}

/// x x^T / k + I in double, column-major: symmetric positive definite.
std::vector<double> gramOf(const std::vector<float> &x, int64_t n) {
  int64_t k = x.size() / n;
  std::vector<double> g(n * n, 0.0);
  for (int64_t c = 0; c < k; ++c)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < n; ++i)
        g[j * n + i] += double(x[c * n + i]) * x[c * n + j];
  for (int64_t i = 0; i < n * n; ++i)
    g[i] /= double(k);
  for (int64_t i = 0; i < n; ++i)
    g[i * n + i] += 1.0;
  return g;
}

std::vector<float> toFloat(const std::vector<double> &v) {
  return std::vector<float>(v.begin(), v.end());
}

/// Largest |a - b| over the lower triangles, relative to max |b|.
double lowerError(const std::vector<float> &a, const std::vector<double> &b,
                  int64_t n) {
  double error = 0.0, scale = 0.0;
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = j; i < n; ++i) {
      error = std::max(error, std::abs(a[j * n + i] - b[j * n + i]));
      scale = std::max(scale, std::abs(b[j * n + i]));
    }
  return error / scale;
}

class SymmetricMatrixTest : public testing::TestWithParam<int64_t> {};

} // namespace

TEST_P(SymmetricMatrixTest, GramIsXXTransposed) {
  int64_t n = GetParam(), k = 37;
  std::vector<float> x = randomVectors(n, k, 1);
  std::vector<double> expected = gramOf(x, n);
  std::vector<float> gram(n * n, 0.0f);
  for (int64_t i = 0; i < n; ++i)
    gram[i * n + i] = float(k); // + k I, as gramOf adds I after dividing
  addGramLower(x.data(), n, k, gram.data(), nullptr);
  for (float &v : gram)
    v /= float(k);
  EXPECT_LT(lowerError(gram, expected, n), 1e-5);
}

TEST_P(SymmetricMatrixTest, CholeskyAndInverse) {
  int64_t n = GetParam();
  std::vector<double> a = gramOf(randomVectors(n, 2 * n, 2), n);
  std::vector<float> factor = toFloat(a);
  ASSERT_TRUE(choleskyLowerInPlace(factor.data(), n, nullptr));
  // L L^T reproduces the matrix.
  std::vector<double> product(n * n, 0.0);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = j; i < n; ++i)
      for (int64_t c = 0; c <= j; ++c)
        product[j * n + i] += double(factor[c * n + i]) * factor[c * n + j];
  std::vector<float> productF = toFloat(product);
  EXPECT_LT(lowerError(productF, a, n), 1e-5);

  // L^-1 L is the identity.
  std::vector<float> inverse = factor;
  invertLowerInPlace(inverse.data(), n, nullptr);
  std::vector<double> identity(n * n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    identity[i * n + i] = 1.0;
  std::vector<double> check(n * n, 0.0);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = j; i < n; ++i)
      for (int64_t c = j; c <= i; ++c)
        check[j * n + i] += double(inverse[c * n + i]) * factor[j * n + c];
  EXPECT_LT(lowerError(toFloat(check), identity, n), 1e-4);
}

TEST_P(SymmetricMatrixTest, ThreadsDoNotChangeTheBits) {
  int64_t n = GetParam(), k = 300;
  mlir::MLIRContext context;
  ASSERT_TRUE(context.isMultithreadingEnabled());
  std::vector<float> x = randomVectors(n, k, 3);
  std::vector<float> serial(n * n, 0.0f), parallel(n * n, 0.0f);
  for (int64_t i = 0; i < n; ++i)
    serial[i * n + i] = parallel[i * n + i] = 1.0f;
  addGramLower(x.data(), n, k, serial.data(), nullptr);
  addGramLower(x.data(), n, k, parallel.data(), &context);
  ASSERT_TRUE(choleskyLowerInPlace(serial.data(), n, nullptr));
  ASSERT_TRUE(choleskyLowerInPlace(parallel.data(), n, &context));
  invertLowerInPlace(serial.data(), n, nullptr);
  invertLowerInPlace(parallel.data(), n, &context);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = j; i < n; ++i)
      ASSERT_EQ(serial[j * n + i], parallel[j * n + i]) << i << ", " << j;
}

INSTANTIATE_TEST_SUITE_P(Sizes, SymmetricMatrixTest,
                         testing::Values(1, 5, 128, 129, 300));

/// J a J's lower triangle from a's, across tiles and with the upper
/// triangle holding anything.
TEST(SymmetricMatrixTest, ReverseReadsAndWritesTheLowerTriangle) {
  for (int64_t n : {1, 7, 64, 150}) {
    std::vector<double> a = gramOf(randomVectors(n, 3, 4), n);
    std::vector<float> reversed = toFloat(a);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < j; ++i)
        reversed[j * n + i] = NAN;
    reverseSymmetricLower(reversed.data(), n);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = j; i < n; ++i)
        ASSERT_EQ(reversed[j * n + i],
                  float(a[(n - 1 - j) * n + (n - 1 - i)]))
            << n << ": " << i << ", " << j;
  }
}

/// A matrix that is not positive definite is refused, in any block.
TEST(SymmetricMatrixTest, IndefiniteIsRefused) {
  for (int64_t n : {3, 200}) {
    for (int64_t bad : {int64_t(0), n - 1}) {
      std::vector<float> a(n * n, 0.0f);
      for (int64_t i = 0; i < n; ++i)
        a[i * n + i] = i == bad ? -1.0f : 2.0f;
      EXPECT_FALSE(choleskyLowerInPlace(a.data(), n, nullptr))
          << n << " " << bad;
    }
  }
}
