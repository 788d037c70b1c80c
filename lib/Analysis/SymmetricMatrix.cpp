//===- SymmetricMatrix.cpp - Gram matrices and their factors -------------===//
//
// Blocked algorithms as LAPACK's SPOTRF (right-looking) and STRTRI write
// them, with Eigen's kernels on the blocks. Every parallel step splits its
// output into blocks of a fixed size, one task per block.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/SymmetricMatrix.h"

#include "compress/Support/Blas.h"
#include "compress/Support/Parallel.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>

using namespace compress;

namespace {
using Matrix = Eigen::MatrixXf;
using MatrixMap = Eigen::Map<Matrix, 0, Eigen::OuterStride<>>;
using ConstMatrixMap = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;

/// Columns (or rows) per task and per step of the blocked algorithms.
constexpr int64_t kBlock = 128;

int64_t numBlocks(int64_t size) { return (size + kBlock - 1) / kBlock; }

/// Runs fn(begin, size) for the blocks of [0, total).
template <typename Fn>
void forEachBlock(mlir::MLIRContext *context, int64_t total, Fn &&fn) {
  parallelForIndices(context, 0, numBlocks(total), [&](size_t block) {
    int64_t begin = int64_t(block) * kBlock;
    fn(begin, std::min(kBlock, total - begin));
  });
}

/// gram (lower) += sign * x x^T, one task per block of columns of gram.
void updateGramLower(ConstMatrixMap x, MatrixMap gram, float sign,
                     mlir::MLIRContext *context) {
  int64_t n = x.rows();
  forEachBlock(context, n, [&](int64_t j, int64_t width) {
    auto panel = x.middleRows(j, width);
    gram.block(j, j, width, width)
        .selfadjointView<Eigen::Lower>()
        .rankUpdate(panel, sign);
    int64_t below = n - j - width;
    if (below > 0)
      gram.block(j + width, j, below, width).noalias() +=
          sign * (x.bottomRows(below) * panel.transpose());
  });
}
} // namespace

void compress::addGramLower(const float *x, int64_t n, int64_t k, float *gram,
                            mlir::MLIRContext *context) {
  useSerialBlas();
  if (n == 0 || k == 0)
    return;
  updateGramLower(ConstMatrixMap(x, n, k, Eigen::OuterStride<>(n)),
                  MatrixMap(gram, n, n, Eigen::OuterStride<>(n)), 1.0f,
                  context);
}

bool compress::choleskyLowerInPlace(float *data, int64_t n,
                                    mlir::MLIRContext *context) {
  useSerialBlas();
  MatrixMap a(data, n, n, Eigen::OuterStride<>(n));
  for (int64_t k = 0; k < n; k += kBlock) {
    int64_t width = std::min(kBlock, n - k);
    Eigen::Ref<Matrix> diagonal = a.block(k, k, width, width);
    Eigen::LLT<Eigen::Ref<Matrix>> factor(diagonal);
    if (factor.info() != Eigen::Success)
      return false;
    int64_t below = n - k - width;
    if (below == 0)
      break;
    // L21 = A21 L11^-T, by blocks of rows; then A22 -= L21 L21^T.
    auto l11 = a.block(k, k, width, width).triangularView<Eigen::Lower>();
    forEachBlock(context, below, [&](int64_t i, int64_t height) {
      auto rows = a.block(k + width + i, k, height, width);
      l11.transpose().solveInPlace<Eigen::OnTheRight>(rows);
    });
    updateGramLower(ConstMatrixMap(&a(k + width, k), below, width,
                                   Eigen::OuterStride<>(n)),
                    MatrixMap(&a(k + width, k + width), below, below,
                              Eigen::OuterStride<>(n)),
                    -1.0f, context);
  }
  return true;
}

void compress::reverseSymmetricLower(float *data, int64_t n) {
  // Reversing the array maps the lower triangle of a to the upper triangle
  // of J a J; its transpose, copied tile by tile, is the lower triangle.
  std::reverse(data, data + n * n);
  MatrixMap a(data, n, n, Eigen::OuterStride<>(n));
  constexpr int64_t kTile = 64;
  for (int64_t j = 0; j < n; j += kTile) {
    int64_t width = std::min(kTile, n - j);
    Matrix diagonal = a.block(j, j, width, width).transpose();
    a.block(j, j, width, width).triangularView<Eigen::StrictlyLower>() =
        diagonal;
    for (int64_t i = j + width; i < n; i += kTile) {
      int64_t height = std::min(kTile, n - i);
      a.block(i, j, height, width) = a.block(j, i, width, height).transpose();
    }
  }
}

void compress::invertLowerInPlace(float *data, int64_t n,
                                  mlir::MLIRContext *context) {
  useSerialBlas();
  MatrixMap a(data, n, n, Eigen::OuterStride<>(n));
  // From the last diagonal block to the first: with L22^-1 already in
  // place, L21 becomes -L22^-1 L21 L11^-1, then L11 becomes L11^-1.
  for (int64_t j = (numBlocks(n) - 1) * kBlock; j >= 0; j -= kBlock) {
    int64_t width = std::min(kBlock, n - j);
    int64_t below = n - j - width;
    auto l11 = a.block(j, j, width, width).triangularView<Eigen::Lower>();
    if (below > 0) {
      auto inverse22 = a.block(j + width, j + width, below, below);
      auto l21 = a.block(j + width, j, below, width);
      // Rows [i, i + height) of L22^-1 L21 read rows [0, i + height) of
      // L21: the product goes to a copy first.
      Matrix product(below, width);
      forEachBlock(context, below, [&](int64_t i, int64_t height) {
        auto out = product.middleRows(i, height);
        out.noalias() = inverse22.block(i, i, height, height)
                            .triangularView<Eigen::Lower>() *
                        l21.middleRows(i, height);
        if (i > 0)
          out.noalias() +=
              inverse22.block(i, 0, height, i) * l21.topRows(i);
      });
      l21 = product;
      forEachBlock(context, below, [&](int64_t i, int64_t height) {
        auto rows = l21.middleRows(i, height);
        l11.solveInPlace<Eigen::OnTheRight>(rows);
        rows = -rows;
      });
    }
    Matrix inverse = Matrix::Identity(width, width);
    l11.solveInPlace(inverse);
    a.block(j, j, width, width).triangularView<Eigen::Lower>() = inverse;
  }
}
