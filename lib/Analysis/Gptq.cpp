//===- Gptq.cpp - GPTQ rounding of weights with error feedback ------------===//
//
// Follows the reference implementation (gptq.py's `fasterquant`, without
// activation ordering or grouping): dead inputs get H_ii = 1 and zero
// weights; the Hessian is damped by `damp * mean(diag H)`; U is the upper
// Cholesky factor of H^-1; column i is rounded and its scaled error
// (w_i - q_i) / U_ii is subtracted, times U_i,j, from every later column j.
// Inside a block of columns the update is applied column by column; the
// columns after the block receive the block's errors in one matrix product.
//
// The weights are handled in units of their row's scale (w / s): the
// update is linear in each row, so this changes nothing but saves a
// multiplication per element, and it makes the rounding of a column that
// receives no error bit-identical to round-to-nearest's.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/Gptq.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace compress;
using namespace compress::qint;

std::optional<std::vector<int8_t>>
compress::gptqRound(llvm::ArrayRef<float> weights, int64_t rows,
                          int64_t columns, llvm::ArrayRef<float> scales,
                          unsigned bits, llvm::ArrayRef<double> hessian,
                          const GptqOptions &options) {
  using Matrix = Eigen::MatrixXd;
  using RowMajorMatrix =
      Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  assert(int64_t(weights.size()) == rows * columns &&
         int64_t(scales.size()) == rows &&
         int64_t(hessian.size()) == columns * columns && "shape mismatch");
  if (rows == 0 || columns == 0)
    return std::vector<int8_t>(weights.size());

  Matrix w(rows, columns);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < columns; ++c)
      w(r, c) = double(weights[r * columns + c]) / double(scales[r]);
  Matrix h = Eigen::Map<const RowMajorMatrix>(hessian.data(), columns, columns);
  if (!h.allFinite() || !w.allFinite())
    return std::nullopt;

  for (int64_t c = 0; c < columns; ++c) {
    if (h(c, c) != 0.0)
      continue;
    h(c, c) = 1.0;
    w.col(c).setZero();
  }
  h.diagonal().array() += options.damp * h.diagonal().mean();

  // The upper Cholesky factor U of H^-1 (H^-1 = U^T U), without forming
  // H^-1: with J the reversal permutation and J H J = L L^T, H^-1 =
  // (J L^-T J)(J L^-1 J), and J L^-1 J is upper triangular with a positive
  // diagonal, so it is U. One factorisation and one triangular inverse
  // (about 2/3 d^3 multiply-adds) instead of a factorisation, an inverse
  // and a second factorisation (about 4/3 d^3).
  Eigen::LLT<Matrix> factor(h.reverse());
  if (factor.info() != Eigen::Success)
    return std::nullopt;
  Matrix u = Matrix::Identity(columns, columns);
  factor.matrixL().solveInPlace(u);
  u = u.reverse().eval();

  std::vector<int8_t> result(weights.size());
  int64_t blockSize = std::max<int64_t>(1, options.blockSize);
  Matrix errors(rows, blockSize);
  for (int64_t begin = 0; begin < columns; begin += blockSize) {
    int64_t count = std::min(blockSize, columns - begin);
    for (int64_t i = 0; i < count; ++i) {
      int64_t c = begin + i;
      double d = u(c, c);
      for (int64_t r = 0; r < rows; ++r) {
        int8_t q = roundWeight(w(r, c), bits);
        result[r * columns + c] = q;
        errors(r, i) = (w(r, c) - double(q)) / d;
      }
      int64_t rest = count - i - 1;
      w.middleCols(c + 1, rest).noalias() -=
          errors.col(i) * u.block(c, c + 1, 1, rest);
    }
    int64_t after = columns - begin - count;
    if (after > 0)
      w.rightCols(after).noalias() -=
          errors.leftCols(count) * u.block(begin, begin + count, count, after);
  }
  return result;
}

std::optional<std::vector<int8_t>> compress::gptqRoundLayer(
    LayerKind kind, llvm::ArrayRef<float> weights,
    llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<float> scales,
    unsigned bits, llvm::ArrayRef<double> hessians,
    const GptqOptions &options) {
  if (shape.size() != (kind == LayerKind::Matmul ? 3u : 4u))
    return std::nullopt;
  // groups x (rows x columns); element (g, r, c) is weights[index(g, r, c)]
  // at scale scales[scaleOf(g, r)].
  int64_t groups = 1, rows = 0, columns = 0;
  std::function<int64_t(int64_t, int64_t, int64_t)> index;
  std::function<int64_t(int64_t, int64_t)> scaleOf;
  switch (kind) {
  case LayerKind::Conv2D:
    rows = shape[0];
    columns = shape[1] * shape[2] * shape[3];
    index = [=](int64_t, int64_t r, int64_t c) { return r * columns + c; };
    scaleOf = [](int64_t, int64_t r) { return r; };
    break;
  case LayerKind::Matmul:
    rows = shape[2];
    columns = shape[1];
    index = [=](int64_t, int64_t r, int64_t c) { return c * rows + r; };
    scaleOf = [](int64_t, int64_t r) { return r; };
    break;
  case LayerKind::DepthwiseConv2D:
    groups = shape[2];
    rows = shape[3];
    columns = shape[0] * shape[1];
    index = [=](int64_t g, int64_t r, int64_t c) {
      return (c * groups + g) * rows + r;
    };
    scaleOf = [](int64_t g, int64_t) { return g; };
    break;
  }
  if (int64_t(weights.size()) != groups * rows * columns ||
      int64_t(hessians.size()) != groups * columns * columns ||
      int64_t(scales.size()) !=
          (kind == LayerKind::DepthwiseConv2D ? groups : rows))
    return std::nullopt;

  std::vector<int8_t> result(weights.size());
  std::vector<float> matrix(rows * columns), rowScales(rows);
  for (int64_t g = 0; g < groups; ++g) {
    for (int64_t r = 0; r < rows; ++r) {
      rowScales[r] = scales[scaleOf(g, r)];
      for (int64_t c = 0; c < columns; ++c)
        matrix[r * columns + c] = weights[index(g, r, c)];
    }
    auto rounded =
        gptqRound(matrix, rows, columns, rowScales, bits,
                  hessians.slice(g * columns * columns, columns * columns),
                  options);
    if (!rounded)
      return std::nullopt;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < columns; ++c)
        result[index(g, r, c)] = (*rounded)[r * columns + c];
  }
  return result;
}
