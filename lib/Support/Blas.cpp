//===- Blas.cpp - The BLAS behind float matrix products -------------------===//

#include "compress/Support/Blas.h"

#include <algorithm>
#include <mutex>

#include <cblas.h>

void compress::useSerialBlas() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

namespace {
/// The BLAS's leading dimension: at least 1 even for empty matrices.
int ld(int64_t value) { return int(std::max<int64_t>(value, 1)); }

/// C = beta * C, for products with nothing to sum (k = 0).
template <typename T>
void scale(int64_t m, int64_t n, T beta, T *c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      c[i * ldc + j] = beta == T(0) ? T(0) : beta * c[i * ldc + j];
}

/// C = A * B + beta * C through `blasGemm` (cblas_sgemm or cblas_dgemm).
template <typename T, typename BlasGemm>
void gemm(BlasGemm blasGemm, bool transA, bool transB, int64_t m, int64_t n,
          int64_t k, const T *a, int64_t lda, const T *b, int64_t ldb, T beta,
          T *c, int64_t ldc) {
  if (m == 0 || n == 0)
    return;
  if (k == 0)
    return scale(m, n, beta, c, ldc);
  compress::useSerialBlas();
  blasGemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
           transB ? CblasTrans : CblasNoTrans, m, n, k, T(1), a, ld(lda), b,
           ld(ldb), beta, c, ld(ldc));
}
} // namespace

void compress::gemmFloat(bool transA, bool transB, int64_t m, int64_t n,
                         int64_t k, const float *a, int64_t lda,
                         const float *b, int64_t ldb, float beta, float *c,
                         int64_t ldc) {
  gemm(cblas_sgemm, transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

void compress::gemmDouble(bool transA, bool transB, int64_t m, int64_t n,
                          int64_t k, const double *a, int64_t lda,
                          const double *b, int64_t ldb, double beta, double *c,
                          int64_t ldc) {
  gemm(cblas_dgemm, transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

bool compress::isExactInDouble(int64_t maxA, int64_t maxB, int64_t k) {
  constexpr int64_t kLimit = int64_t(1) << 40;
  if (maxA < 0 || maxB < 0 || k < 0 || maxA >= kLimit || maxB >= kLimit ||
      k >= kLimit)
    return false;
  __int128 bound = __int128(maxA) * maxB * std::max<int64_t>(k, 1);
  return bound < (__int128(1) << 53);
}

int64_t compress::exactSumLengthInFloat(int64_t maxA, int64_t maxB) {
  constexpr int64_t kLimit = int64_t(1) << 24;
  if (maxA < 0 || maxB < 0 || maxA > kLimit || maxB > kLimit)
    return 0;
  int64_t product = maxA * maxB;
  return product == 0 ? kLimit : kLimit / product;
}
