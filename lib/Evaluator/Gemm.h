//===- Gemm.h - Matrix multiply kernels of the evaluator ---------*- C++ -*-===//
//
// C = A * B + bias for float (B packed into 16-column panels) and for
// integers (exact, in 64-bit arithmetic).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_EVALUATOR_GEMM_H
#define COMPRESS_LIB_EVALUATOR_GEMM_H

#include <cstdint>
#include <vector>

namespace compress::detail {

/// B ([K x N], row-major, given as a function of (k, n)) packed into panels
/// of 16 columns, each K x 16 contiguous, zero-padded past N.
struct PackedPanels {
  int64_t k = 0, n = 0;
  std::vector<float> data;
  static constexpr int64_t kPanelWidth = 16;
  int64_t numPanels() const {
    return (n + kPanelWidth - 1) / kPanelWidth;
  }
};

template <typename GetB>
PackedPanels packPanels(int64_t k, int64_t n, GetB getB) {
  PackedPanels packed;
  packed.k = k;
  packed.n = n;
  const int64_t w = PackedPanels::kPanelWidth;
  packed.data.assign(packed.numPanels() * k * w, 0.0f);
  for (int64_t p = 0; p < packed.numPanels(); ++p)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t j = 0; j < w && p * w + j < n; ++j)
        packed.data[(p * k + kk) * w + j] = getB(kk, p * w + j);
  return packed;
}

/// C[m x n] (row stride ldc) = A[m x k] (row stride lda) * B + bias[n]
/// (bias may be null).
void gemmFloat(int64_t m, const float *a, int64_t lda, const PackedPanels &b,
               const float *bias, float *c, int64_t ldc);

/// C[m x n] = sum_k A[m x k] * B[k x n] + bias[n], exactly, in int64
/// (wrapping modulo 2^64; callers wrap to the accumulator width).
void gemmInt(int64_t m, int64_t n, int64_t k, const int32_t *a, int64_t lda,
             const int32_t *b, const int64_t *bias, int64_t *c, int64_t ldc);

} // namespace compress::detail

#endif // COMPRESS_LIB_EVALUATOR_GEMM_H
