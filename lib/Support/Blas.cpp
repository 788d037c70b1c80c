//===- Blas.cpp - The BLAS behind float matrix products -------------------===//

#include "compress/Support/Blas.h"

#include <algorithm>
#include <mutex>

#include <cblas.h>

void compress::useSerialBlas() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

void compress::gemmFloat(bool transA, bool transB, int64_t m, int64_t n,
                         int64_t k, const float *a, int64_t lda,
                         const float *b, int64_t ldb, float beta, float *c,
                         int64_t ldc) {
  if (m == 0 || n == 0)
    return;
  if (k == 0) {
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return;
  }
  useSerialBlas();
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
              transB ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a,
              std::max<int64_t>(lda, 1), b, std::max<int64_t>(ldb, 1), beta,
              c, std::max<int64_t>(ldc, 1));
}
