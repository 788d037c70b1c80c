//===- BlasTest.cpp - The BLAS behind float matrix products ---------------===//

#include "compress/Support/Blas.h"

#include <gtest/gtest.h>

#include <vector>

using namespace compress;

/// Every combination of transposes against the textbook product, with
/// beta = 1 accumulating into C.
TEST(BlasTest, ProductsHonourTransposesAndBeta) {
  const int64_t m = 3, n = 4, k = 5;
  auto value = [](int64_t i, int64_t j, int64_t salt) {
    return double((i * 7 + j * 3 + salt) % 11) - 5.0;
  };
  for (bool transA : {false, true})
    for (bool transB : {false, true}) {
      // A is m x k (stored k x m when transposed), B is k x n likewise.
      std::vector<double> a(m * k), b(k * n), c(m * n, 1.0);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t p = 0; p < k; ++p)
          a[transA ? p * m + i : i * k + p] = value(i, p, 1);
      for (int64_t p = 0; p < k; ++p)
        for (int64_t j = 0; j < n; ++j)
          b[transB ? j * k + p : p * n + j] = value(p, j, 2);
      std::vector<float> af(a.begin(), a.end()), bf(b.begin(), b.end()),
          cf(c.begin(), c.end());
      gemmDouble(transA, transB, m, n, k, a.data(), transA ? m : k, b.data(),
                 transB ? k : n, 1.0, c.data(), n);
      gemmFloat(transA, transB, m, n, k, af.data(), transA ? m : k,
                bf.data(), transB ? k : n, 1.0f, cf.data(), n);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double expected = 1.0;
          for (int64_t p = 0; p < k; ++p)
            expected += value(i, p, 1) * value(p, j, 2);
          EXPECT_EQ(c[i * n + j], expected) << transA << transB;
          EXPECT_EQ(cf[i * n + j], float(expected)) << transA << transB;
        }
    }
}

TEST(BlasTest, ExactInDoubleBelowTwoToThe53) {
  EXPECT_TRUE(isExactInDouble(127, 255, 4096));
  EXPECT_TRUE(isExactInDouble(int64_t(1) << 26, int64_t(1) << 26, 1));
  EXPECT_FALSE(isExactInDouble(int64_t(1) << 26, int64_t(1) << 27, 1));
  EXPECT_TRUE(isExactInDouble(int64_t(1) << 20, int64_t(1) << 20, 4095));
  EXPECT_FALSE(isExactInDouble(int64_t(1) << 20, int64_t(1) << 20, 8192));
  EXPECT_FALSE(isExactInDouble(int64_t(1) << 62, 1, 1));
  EXPECT_FALSE(isExactInDouble(-1, 1, 1));
}

/// OpenBLAS falls back to SSE3 kernels ("Prescott") on CPUs it does not
/// recognise; one with AVX2 or AVX-512 must get the kernels of its vector
/// units.
TEST(BlasTest, KernelsMatchTheVectorUnits) {
  if (!__builtin_cpu_supports("avx2"))
    GTEST_SKIP() << "no AVX2";
  EXPECT_STRNE(blasKernelName(), "Prescott");
}
