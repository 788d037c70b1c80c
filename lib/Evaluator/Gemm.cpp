//===- Gemm.cpp - Matrix multiply kernels of the evaluator ----------------===//
//
// The integer product defines the reference semantics: every product and
// sum is exact in 64 bits.
//
//===----------------------------------------------------------------------===//

#include "Gemm.h"

#include <vector>

using namespace compress::detail;

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
