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
// The matrices are float32, as in the reference implementation: the
// Hessian is damped, which bounds its condition number, and the rounding
// decisions tolerate far more than float's error. The Hessian's storage
// becomes the factor, so a layer with d inputs needs one d x d float
// matrix. Rows are independent given the factor; blocks of them are
// rounded in parallel.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/Gptq.h"
#include "compress/Analysis/SymmetricMatrix.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"
#include "compress/Support/Blas.h"
#include "compress/Support/Parallel.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

using namespace compress;
using namespace compress::qint;

namespace {
using Matrix = Eigen::MatrixXf;
using MatrixMap = Eigen::Map<Matrix>;

/// Rows rounded by one task. Fixed, so that the products of the sweep do not
/// depend on the number of threads.
constexpr int64_t kRowsPerTask = 64;

/// Turns the damped Hessian in the lower triangle of `h` into U, the upper
/// Cholesky factor of H^-1 (H^-1 = U^T U), in place. With J the reversal
/// permutation and J H J = L L^T, H^-1 = (J L^-T J)(J L^-1 J), and
/// J L^-1 J is upper triangular with a positive diagonal, so it is U: one
/// factorisation and one triangular inverse (about d^3 / 3 multiply-adds),
/// and no second matrix. In column-major storage J A J is the reversed
/// array, which puts L^-1's lower triangle where U's upper one belongs.
bool invertCholeskyUpper(MatrixMap h, mlir::MLIRContext *context) {
  int64_t n = h.rows();
  reverseSymmetricLower(h.data(), n);
  if (!choleskyLowerInPlace(h.data(), n, context))
    return false;
  invertLowerInPlace(h.data(), n, context);
  std::reverse(h.data(), h.data() + n * n);
  return true;
}

/// The sweep over the columns for rows [begin, begin + count). The rows'
/// values are kept as `weights / scale - shift`, where `shift` collects the
/// errors fed back so far, so that a column that receives none is rounded
/// exactly as round-to-nearest rounds it.
void roundRows(llvm::ArrayRef<float> weights, int64_t columns,
               llvm::ArrayRef<float> scales, unsigned bits,
               const std::vector<bool> &dead, const MatrixMap &u,
               int64_t blockSize, int64_t begin, int64_t count,
               const std::optional<AccumulatorBudget> &accumulator,
               llvm::ArrayRef<int64_t> biases, std::vector<int8_t> &result,
               std::vector<double> &loss) {
  Matrix shift = Matrix::Zero(count, columns);
  Matrix errors(count, blockSize);
  std::vector<ChannelBudget> budgets;
  if (accumulator)
    for (int64_t r = 0; r < count; ++r)
      budgets.emplace_back(*accumulator, biases[begin + r]);
  for (int64_t first = 0; first < columns; first += blockSize) {
    int64_t width = std::min(blockSize, columns - first);
    for (int64_t i = 0; i < width; ++i) {
      int64_t c = first + i;
      double d = u(c, c);
      for (int64_t r = 0; r < count; ++r) {
        int64_t row = begin + r;
        double value =
            dead[c] ? 0.0
                    : double(weights[row * columns + c]) /
                              double(scales[row]) -
                          double(shift(r, c));
        int8_t q = roundWeight(value, bits);
        if (accumulator) {
          // Binary weights have no 0 to clip to: they keep their sign, and
          // a row that then does not fit falls back to round-to-nearest.
          auto [lo, hi] = budgets[r].allowed();
          if (bits > 1)
            q = int8_t(std::clamp<int64_t>(q, lo, hi));
          budgets[r].take(q);
        }
        result[row * columns + c] = q;
        errors(r, i) = float((value - double(q)) / d);
        loss[row] += double(errors(r, i)) * double(errors(r, i));
      }
      int64_t rest = width - i - 1;
      shift.middleCols(c + 1, rest).noalias() +=
          errors.col(i) * u.block(c, c + 1, 1, rest);
    }
    int64_t after = columns - first - width;
    if (after > 0)
      shift.rightCols(after).noalias() +=
          errors.leftCols(width) * u.block(first, first + width, width, after);
  }
}
} // namespace

std::optional<std::vector<int8_t>>
compress::gptqRound(llvm::ArrayRef<float> weights, int64_t rows,
                    int64_t columns, llvm::ArrayRef<float> scales,
                    unsigned bits, llvm::MutableArrayRef<float> hessian,
                    const GptqOptions &options, mlir::MLIRContext *context,
                    llvm::ArrayRef<int64_t> biases) {
  assert((!options.accumulator || int64_t(biases.size()) == rows) &&
         "a bias per row for the accumulator budget");
  assert(int64_t(weights.size()) == rows * columns &&
         int64_t(scales.size()) == rows &&
         int64_t(hessian.size()) == columns * columns && "shape mismatch");
  if (rows == 0 || columns == 0)
    return std::vector<int8_t>(weights.size());
  useSerialBlas();
  MatrixMap h(hessian.data(), columns, columns);
  for (int64_t c = 0; c < columns; ++c)
    if (!h.col(c).tail(columns - c).allFinite())
      return std::nullopt;
  if (!llvm::all_of(weights, [](float w) { return std::isfinite(w); }))
    return std::nullopt;

  // Dead inputs (always 0) get H_ii = 1: their row and column are 0, so
  // they stay out of every other column's update.
  std::vector<bool> dead(columns);
  double diagonalSum = 0.0;
  for (int64_t c = 0; c < columns; ++c) {
    if (h(c, c) == 0.0f) {
      h(c, c) = 1.0f;
      dead[c] = true;
    }
    diagonalSum += h(c, c);
  }
  float damp = float(options.damp * diagonalSum / double(columns));
  h.diagonal().array() += damp;

  // With a budget, round-to-nearest is kept for a row where it fits and
  // its loss (w - q)^T H (w - q) (in units of the row's scale, damped H) is
  // below GPTQ's, which is the sum of the squared scaled errors of its
  // sweep: clipping can make the greedy sweep lose to it.
  std::vector<double> nearestLoss;
  std::vector<int8_t> nearest;
  if (options.accumulator) {
    nearest.resize(weights.size());
    Matrix e(rows, columns);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < columns; ++c) {
        double value = dead[c] ? 0.0
                               : double(weights[r * columns + c]) /
                                     double(scales[r]);
        int8_t q = roundWeight(value, bits);
        nearest[r * columns + c] = q;
        e(r, c) = float(value - double(q));
      }
    Matrix he = h.selfadjointView<Eigen::Lower>() * e.transpose();
    nearestLoss.resize(rows);
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<int64_t> row(nearest.begin() + r * columns,
                               nearest.begin() + (r + 1) * columns);
      nearestLoss[r] = options.accumulator->fits(row, biases[r])
                           ? double(e.row(r).dot(he.col(r)))
                           : std::numeric_limits<double>::infinity();
    }
  }
  if (!invertCholeskyUpper(h, context))
    return std::nullopt;

  std::vector<int8_t> result(weights.size());
  std::vector<double> loss(rows, 0.0);
  int64_t blockSize = std::max<int64_t>(1, options.blockSize);
  int64_t tasks = (rows + kRowsPerTask - 1) / kRowsPerTask;
  parallelForIndices(context, 0, tasks, [&](size_t t) {
    int64_t begin = int64_t(t) * kRowsPerTask;
    roundRows(weights, columns, scales, bits, dead, h, blockSize, begin,
              std::min(kRowsPerTask, rows - begin), options.accumulator,
              biases, result, loss);
  });
  for (int64_t r = 0; r < int64_t(nearestLoss.size()); ++r) {
    std::vector<int64_t> row(result.begin() + r * columns,
                             result.begin() + (r + 1) * columns);
    if (!options.accumulator->fits(row, biases[r]))
      loss[r] = std::numeric_limits<double>::infinity();
    if (nearestLoss[r] < loss[r])
      std::copy(nearest.begin() + r * columns,
                nearest.begin() + (r + 1) * columns,
                result.begin() + r * columns);
  }
  return result;
}

std::optional<std::vector<int8_t>> compress::gptqRoundLayer(
    LayerKind kind, llvm::ArrayRef<float> weights,
    llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<float> scales,
    unsigned bits, llvm::MutableArrayRef<float> hessians,
    const GptqOptions &options, mlir::MLIRContext *context,
    llvm::ArrayRef<int64_t> biases) {
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

  if (options.accumulator && int64_t(biases.size()) != groups * rows)
    return std::nullopt;

  std::vector<int8_t> result(weights.size());
  std::vector<float> matrix(rows * columns), rowScales(rows);
  std::vector<int64_t> rowBiases;
  for (int64_t g = 0; g < groups; ++g) {
    // Output channel g * rows + r (depthwise: c * M + m).
    if (options.accumulator)
      rowBiases.assign(biases.begin() + g * rows,
                       biases.begin() + (g + 1) * rows);
    for (int64_t r = 0; r < rows; ++r) {
      rowScales[r] = scales[scaleOf(g, r)];
      for (int64_t c = 0; c < columns; ++c)
        matrix[r * columns + c] = weights[index(g, r, c)];
    }
    auto rounded =
        gptqRound(matrix, rows, columns, rowScales, bits,
                  hessians.slice(g * columns * columns, columns * columns),
                  options, context, rowBiases);
    if (!rounded)
      return std::nullopt;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < columns; ++c)
        result[index(g, r, c)] = (*rounded)[r * columns + c];
  }
  return result;
}
