//===- Gemm.cpp - Matrix multiply kernels of the evaluator ----------------===//
//
// The float kernel keeps a 6 x 16 block of C in vector registers and
// streams a packed 16-column panel of B, which is what makes calibration
// over hundreds of images affordable. It is compiled for AVX-512, AVX2 and
// baseline x86-64 and picks the best at load time (GCC function
// multiversioning), so one binary runs on any x86-64 machine.
//
//===----------------------------------------------------------------------===//

#include "Gemm.h"

#include <algorithm>
#include <cstring>

using namespace compress::detail;

namespace {
typedef float Vec16 __attribute__((vector_size(64)));
constexpr int64_t kRows = 6;
constexpr int64_t kWidth = PackedPanels::kPanelWidth;

inline Vec16 load(const float *p) {
  Vec16 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
} // namespace

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define COMPRESS_MULTIVERSION                                                  \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define COMPRESS_MULTIVERSION
#endif

COMPRESS_MULTIVERSION
void compress::detail::gemmFloat(int64_t m, const float *a, int64_t lda,
                                 const PackedPanels &b, const float *bias,
                                 float *c, int64_t ldc) {
  const int64_t k = b.k;
  for (int64_t p = 0; p < b.numPanels(); ++p) {
    const float *panel = b.data.data() + p * k * kWidth;
    int64_t cols = std::min(kWidth, b.n - p * kWidth);
    float biasRow[kWidth] = {};
    if (bias)
      std::copy_n(bias + p * kWidth, cols, biasRow);
    Vec16 init = load(biasRow);
    for (int64_t i = 0; i < m; i += kRows) {
      int64_t rows = std::min(kRows, m - i);
      Vec16 acc[kRows];
      for (int64_t r = 0; r < kRows; ++r)
        acc[r] = init;
      const float *arow = a + i * lda;
      if (rows == kRows) {
        for (int64_t kk = 0; kk < k; ++kk) {
          Vec16 bv = load(panel + kk * kWidth);
          for (int64_t r = 0; r < kRows; ++r)
            acc[r] += arow[r * lda + kk] * bv;
        }
      } else {
        for (int64_t kk = 0; kk < k; ++kk) {
          Vec16 bv = load(panel + kk * kWidth);
          for (int64_t r = 0; r < rows; ++r)
            acc[r] += arow[r * lda + kk] * bv;
        }
      }
      for (int64_t r = 0; r < rows; ++r) {
        float tmp[kWidth];
        std::memcpy(tmp, &acc[r], sizeof(tmp));
        std::copy_n(tmp, cols, c + (i + r) * ldc + p * kWidth);
      }
    }
  }
}

void compress::detail::gemmInt(int64_t m, int64_t n, int64_t k,
                               const int32_t *a, int64_t lda, const int32_t *b,
                               const int64_t *bias, int64_t *c, int64_t ldc) {
  std::vector<uint64_t> row(n);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j)
      row[j] = bias ? uint64_t(bias[j]) : 0;
    const int32_t *arow = a + i * lda;
    for (int64_t kk = 0; kk < k; ++kk) {
      int64_t av = arow[kk];
      if (av == 0)
        continue;
      const int32_t *brow = b + kk * n;
      for (int64_t j = 0; j < n; ++j)
        row[j] += uint64_t(av * int64_t(brow[j]));
    }
    for (int64_t j = 0; j < n; ++j)
      c[i * ldc + j] = int64_t(row[j]);
  }
}
