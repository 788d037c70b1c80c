//===- Blas.cpp - The BLAS behind float matrix products -------------------===//

#include "compress/Support/Blas.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include <cblas.h>

// OpenBLAS's own kernel selection, exported by its DYNAMIC_ARCH builds
// (Debian's): `gotoblas_dynamic_init` picks the kernels for the CPU, or for
// $OPENBLAS_CORETYPE when set, as OpenBLAS does once when it is loaded.
// Weak, so that an OpenBLAS built for one CPU, without them, links too.
extern "C" void gotoblas_dynamic_init(void) __attribute__((weak));
extern "C" void gotoblas_dynamic_quit(void) __attribute__((weak));

namespace {
/// The OpenBLAS core whose kernels suit this CPU best among those OpenBLAS
/// has for any x86-64 CPU with the same vector units, or null when the
/// CPU has neither AVX-512 nor AVX2.
const char *coreForVectorUnits() {
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return "Haswell";
  return nullptr;
}

/// OpenBLAS recognises CPUs by model number, and one it does not know (for
/// Debian 12's 0.3.21, every Intel CPU after Sapphire Rapids) gets its
/// generic SSE3 kernels, "Prescott": matrix products 2-3x slower than the
/// CPU's vector units allow. Such a CPU gets the kernels of the OpenBLAS
/// core with its vector units instead. $OPENBLAS_CORETYPE, when set, is left
/// to decide, as are CPUs OpenBLAS recognises.
void replaceFallbackKernels() {
  if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit ||
      std::getenv("OPENBLAS_CORETYPE") ||
      llvm::StringRef(openblas_get_corename()) != "Prescott")
    return;
  const char *core = coreForVectorUnits();
  if (!core)
    return;
  // No BLAS call has run yet (`useSerialBlas` comes first), so selecting
  // again is what loading OpenBLAS with $OPENBLAS_CORETYPE set would do.
  setenv("OPENBLAS_CORETYPE", core, /*overwrite=*/1);
  gotoblas_dynamic_quit();
  gotoblas_dynamic_init();
  unsetenv("OPENBLAS_CORETYPE");
}
} // namespace

void compress::useSerialBlas() {
  static std::once_flag once;
  std::call_once(once, [] {
    replaceFallbackKernels();
    openblas_set_num_threads(1);
  });
}

const char *compress::blasKernelName() {
  useSerialBlas();
  return openblas_get_corename();
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
