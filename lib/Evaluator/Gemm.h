//===- Gemm.h - Matrix multiply kernels of the evaluator ---------*- C++ -*-===//
//
// C = A * B + bias for integers, exactly, in 64-bit arithmetic. Float
// products go to the BLAS (compress/Support/Blas.h).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_EVALUATOR_GEMM_H
#define COMPRESS_LIB_EVALUATOR_GEMM_H

#include <cstdint>

namespace compress::detail {

/// C[m x n] = sum_k A[m x k] * B[k x n] + bias[n], exactly, in int64
/// (wrapping modulo 2^64; callers wrap to the accumulator width).
void gemmInt(int64_t m, int64_t n, int64_t k, const int32_t *a, int64_t lda,
             const int32_t *b, const int64_t *bias, int64_t *c, int64_t ldc);

} // namespace compress::detail

#endif // COMPRESS_LIB_EVALUATOR_GEMM_H
