//===- SymmetricMatrix.h - Gram matrices and their factors ------*- C++ -*-===//
//
// The dense symmetric linear algebra GPTQ needs, on float32 matrices in
// column-major order that hold their values in the lower triangle (the
// upper triangle is neither read nor kept): Gram matrices of input
// vectors, the Cholesky factor, and the inverse of a triangular factor,
// all in place, so that a layer with d inputs needs one d x d matrix and
// nothing of that size besides.
//
// Eigen's products here call OpenBLAS (compress/Support/Blas.h). The work
// is split into blocks of fixed size that run on the MLIR
// context's thread pool (serially when `context` is null or has threading
// disabled). How a matrix is split depends only on its size, never on the
// number of threads, and every block is computed by exactly one task, so
// the results are bit-identical whatever the thread count.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_ANALYSIS_SYMMETRICMATRIX_H
#define COMPRESS_ANALYSIS_SYMMETRICMATRIX_H

#include <cstdint>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace compress {

/// Adds the lower triangle of `x x^T` to `gram` (n x n, leading dimension
/// n), where `x` is n x k with leading dimension n: one vector per column.
void addGramLower(const float *x, int64_t n, int64_t k, float *gram,
                  mlir::MLIRContext *context);

/// Replaces the lower triangle of the symmetric n x n matrix `a` with its
/// Cholesky factor L (a = L L^T). Returns false, leaving `a` unspecified,
/// if `a` is not numerically positive definite.
bool choleskyLowerInPlace(float *a, int64_t n, mlir::MLIRContext *context);

/// Replaces the lower triangle of the symmetric n x n matrix `a` with that
/// of J a J, J the reversal permutation (a(i, j) becomes a(n-1-i, n-1-j)).
void reverseSymmetricLower(float *a, int64_t n);

/// Replaces the lower triangular n x n matrix in the lower triangle of `a`
/// (with a nonzero diagonal) with its inverse.
void invertLowerInPlace(float *a, int64_t n, mlir::MLIRContext *context);

} // namespace compress

#endif // COMPRESS_ANALYSIS_SYMMETRICMATRIX_H
