//===- Blas.h - The BLAS behind float matrix products ------------*- C++ -*-===//
//
// Float matrix products (the evaluator's convolutions and matmuls, GPTQ's
// factorisations through Eigen) run on OpenBLAS, which chooses kernels for
// the CPU at run time. Parallel work is split by compress itself, in blocks
// that do not depend on the number of threads, so every BLAS call runs on
// its caller's thread. The build links OpenBLAS's pthreads variant (what
// pkg-config's `openblas` names on Debian), where
// openblas_set_num_threads(1) holds for calls from any thread.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_BLAS_H
#define COMPRESS_SUPPORT_BLAS_H

#include <cstdint>

namespace compress {

/// Makes every OpenBLAS call run on the calling thread, with the kernels of
/// the CPU's vector units also where OpenBLAS does not know the CPU's model
/// (it would fall back to SSE3). Idempotent; called by the functions here
/// and by every other user of the BLAS before its first call. Choosing the
/// kernels sets $OPENBLAS_CORETYPE for a moment, so a program that reads
/// its environment from other threads should call this first, as the
/// tools do at start (`setUpBlasForTool`).
void useSerialBlas();

/// The name of the OpenBLAS kernels in use ("SkylakeX", "Haswell", ...).
const char *blasKernelName();

/// C = A * B + beta * C for row-major float matrices: C is m x n (row
/// stride ldc), A is m x k (k x m when `transA`, row stride lda) and B is
/// k x n (n x k when `transB`, row stride ldb).
void gemmFloat(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
               const float *a, int64_t lda, const float *b, int64_t ldb,
               float beta, float *c, int64_t ldc);

/// `gemmFloat` in double precision.
void gemmDouble(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
                const double *a, int64_t lda, const double *b, int64_t ldb,
                double beta, double *c, int64_t ldc);

/// Whether double arithmetic computes every sum of up to `k` products of
/// integers of magnitude at most `maxA` and `maxB` exactly, in any order:
/// true when k * maxA * maxB < 2^53, so that every partial sum is an
/// integer double represents.
bool isExactInDouble(int64_t maxA, int64_t maxB, int64_t k);

/// The largest k for which float arithmetic computes every sum of up to k
/// products of integers of magnitude at most `maxA` and `maxB` exactly, in
/// any order (k * maxA * maxB <= 2^24); 0 when not even one product fits.
int64_t exactSumLengthInFloat(int64_t maxA, int64_t maxB);

} // namespace compress

#endif // COMPRESS_SUPPORT_BLAS_H
