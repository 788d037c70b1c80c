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
// Pruning runs in the same sweep (SparseGPT): weights that are exactly 0
// stay 0, their "rounding" error fed back like any other; with a prune
// spec, at the start of each block of columns every row also zeroes the
// units (weights, 1x4 blocks, 2 of 4) starting in the block whose
// saliency sum of v_c^2 / U_cc^2 (v the weight as updated so far) is
// smallest, SparseGPT's adaptive mask selection. Without a scale the sweep
// only prunes: kept weights take their updated float value.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/Gptq.h"
#include "compress/Analysis/Pruning.h"
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

/// What one sweep does to each weight.
struct Sweep {
  /// One per row: weights are rounded to `bits`-bit integers in units of
  /// their row's scale. Empty: no rounding (pruning only).
  llvm::ArrayRef<float> scales;
  unsigned bits = 8;
  const std::optional<AccumulatorBudget> *accumulator = nullptr;
  llvm::ArrayRef<int64_t> biases;
  /// Units to zero besides the weights that are 0 already.
  std::optional<PruneSpec> prune;
  /// The first column of each unit, then the column count.
  llvm::ArrayRef<int64_t> unitBounds;
};

/// Chooses the units of row `r` (of the task) starting in columns [first,
/// first + width) to zero, marking their columns in `pruned`; `values(c)`
/// is the row's current weight at column c. `nextUnit`, `seen` and
/// `dropped` carry the row's progress over the blocks.
template <typename Values>
void selectPruned(const Sweep &sweep, const MatrixMap &u, int64_t first,
                  int64_t width, Values values, size_t &nextUnit,
                  int64_t &seen, int64_t &dropped,
                  llvm::MutableArrayRef<char> pruned) {
  llvm::ArrayRef<int64_t> bounds = sweep.unitBounds;
  auto saliency = [&](int64_t c) {
    double v = values(c), d = u(c, c);
    return v * v / (d * d);
  };
  std::vector<std::pair<double, size_t>> units;
  for (; nextUnit + 1 < bounds.size() && bounds[nextUnit] < first + width;
       ++nextUnit) {
    int64_t begin = bounds[nextUnit], end = bounds[nextUnit + 1];
    if (sweep.prune->pattern == PrunePattern::TwoFour) {
      std::vector<std::pair<double, int64_t>> elements;
      for (int64_t c = begin; c < end; ++c)
        elements.push_back({saliency(c), c});
      std::sort(elements.begin(), elements.end());
      for (int64_t i = 0, e = int64_t(elements.size()) - 2; i < e; ++i)
        pruned[elements[i].second] = 1;
      continue;
    }
    double sum = 0.0;
    for (int64_t c = begin; c < end; ++c)
      sum += saliency(c);
    units.push_back({sum, nextUnit});
  }
  if (units.empty())
    return;
  // The row's pruned fraction follows the target over the blocks seen.
  seen += int64_t(units.size());
  int64_t target =
      std::llround(std::clamp(sweep.prune->sparsity, 0.0, 1.0) * double(seen));
  int64_t drop = std::clamp<int64_t>(target - dropped, 0, units.size());
  std::nth_element(units.begin(), units.begin() + drop, units.end());
  for (int64_t i = 0; i < drop; ++i)
    for (int64_t c = bounds[units[i].second];
         c < bounds[units[i].second + 1]; ++c)
      pruned[c] = 1;
  dropped += drop;
}

/// Sweeps rows [begin, begin + count) over U: each column's result (an
/// integer, or the kept float, or 0 when pruned) goes to `result`, its
/// scaled error to the columns after it, and the sum of the squared scaled
/// errors of each row to `loss`. The rows' values are kept as
/// `weights / scale - shift`, where `shift` collects the errors fed back so
/// far, so that a column that receives none is rounded exactly as
/// round-to-nearest rounds it.
void sweepRows(llvm::ArrayRef<float> weights, int64_t columns,
               const Sweep &sweep, const std::vector<bool> &dead,
               const MatrixMap &u, int64_t blockSize, int64_t begin,
               int64_t count, std::vector<float> &result,
               std::vector<double> &loss) {
  Matrix shift = Matrix::Zero(count, columns);
  Matrix errors(count, blockSize);
  bool rounds = !sweep.scales.empty();
  std::vector<ChannelBudget> budgets;
  if (rounds && *sweep.accumulator)
    for (int64_t r = 0; r < count; ++r)
      budgets.emplace_back(**sweep.accumulator, sweep.biases[begin + r]);
  // Weights that are 0 stay 0, as do the units pruning chooses.
  std::vector<char> pruned(count * columns);
  for (int64_t r = 0; r < count; ++r)
    for (int64_t c = 0; c < columns; ++c)
      pruned[r * columns + c] = weights[(begin + r) * columns + c] == 0.0f;
  std::vector<size_t> nextUnit(count, 0);
  std::vector<int64_t> seen(count, 0), dropped(count, 0);
  auto valueOf = [&](int64_t r, int64_t c) {
    if (dead[c])
      return 0.0;
    double w = weights[(begin + r) * columns + c];
    if (rounds)
      w /= double(sweep.scales[begin + r]);
    return w - double(shift(r, c));
  };
  for (int64_t first = 0; first < columns; first += blockSize) {
    int64_t width = std::min(blockSize, columns - first);
    if (sweep.prune)
      for (int64_t r = 0; r < count; ++r)
        selectPruned(
            sweep, u, first, width,
            [&](int64_t c) { return valueOf(r, c); }, nextUnit[r], seen[r],
            dropped[r],
            llvm::MutableArrayRef<char>(pruned).slice(r * columns, columns));
    for (int64_t i = 0; i < width; ++i) {
      int64_t c = first + i;
      double d = u(c, c);
      for (int64_t r = 0; r < count; ++r) {
        int64_t row = begin + r;
        double value = valueOf(r, c);
        double q = 0.0;
        if (!pruned[r * columns + c])
          q = rounds ? double(roundWeight(value, sweep.bits)) : value;
        if (!budgets.empty()) {
          // Clipped to the room the row has left, whatever comes later.
          auto [lo, hi] = budgets[r].allowed();
          if (sweep.bits > 1)
            q = double(std::clamp<int64_t>(int64_t(q), lo, hi));
          budgets[r].take(int64_t(q));
        }
        result[row * columns + c] = float(q);
        errors(r, i) = float((value - q) / d);
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

/// Checks the inputs, marks dead columns, damps H and turns it into U, the
/// upper Cholesky factor of its inverse. Returns false if anything is not
/// finite or the damped H is not positive definite.
bool prepareFactor(llvm::ArrayRef<float> weights, MatrixMap h, double damping,
                   std::vector<bool> &dead, mlir::MLIRContext *context) {
  int64_t columns = h.rows();
  for (int64_t c = 0; c < columns; ++c)
    if (!h.col(c).tail(columns - c).allFinite())
      return false;
  if (!llvm::all_of(weights, [](float w) { return std::isfinite(w); }))
    return false;
  // Dead inputs (always 0) get H_ii = 1: their row and column are 0, so
  // they stay out of every other column's update.
  dead.assign(columns, false);
  double diagonalSum = 0.0;
  for (int64_t c = 0; c < columns; ++c) {
    if (h(c, c) == 0.0f) {
      h(c, c) = 1.0f;
      dead[c] = true;
    }
    diagonalSum += h(c, c);
  }
  float damp = float(damping * diagonalSum / double(columns));
  h.diagonal().array() += damp;
  return true;
}

/// Runs `sweep` over all rows, in parallel blocks of rows.
std::vector<float> sweepAllRows(llvm::ArrayRef<float> weights, int64_t rows,
                                int64_t columns, const Sweep &sweep,
                                const std::vector<bool> &dead,
                                const MatrixMap &u, int64_t blockSize,
                                mlir::MLIRContext *context,
                                std::vector<double> &loss) {
  std::vector<float> result(weights.size());
  loss.assign(rows, 0.0);
  int64_t tasks = (rows + kRowsPerTask - 1) / kRowsPerTask;
  parallelForIndices(context, 0, tasks, [&](size_t t) {
    int64_t begin = int64_t(t) * kRowsPerTask;
    sweepRows(weights, columns, sweep, dead, u, std::max<int64_t>(1, blockSize),
              begin, std::min(kRowsPerTask, rows - begin), result, loss);
  });
  return result;
}
} // namespace

/// The unit bounds of `options` for a matrix of `columns`: its unit starts
/// (every column when it has none), then `columns`.
static std::vector<int64_t> getUnitBounds(const GptqOptions &options,
                                          int64_t columns) {
  std::vector<int64_t> bounds = options.pruneUnitStarts;
  if (bounds.empty())
    for (int64_t c = 0; c < columns; ++c)
      bounds.push_back(c);
  bounds.push_back(columns);
  return bounds;
}

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
  std::vector<bool> dead;
  if (!prepareFactor(weights, h, options.damp, dead, context))
    return std::nullopt;

  // With a budget, round-to-nearest is kept for a row where it fits and
  // its loss (w - q)^T H (w - q) (in units of the row's scale, damped H) is
  // below GPTQ's, which is the sum of the squared scaled errors of its
  // sweep: clipping can make the greedy sweep lose to it. Not when pruning
  // in the sweep, which round-to-nearest does not do.
  std::vector<double> nearestLoss;
  std::vector<int8_t> nearest;
  if (options.accumulator && !options.prune) {
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

  std::vector<int64_t> bounds = getUnitBounds(options, columns);
  Sweep sweep;
  sweep.scales = scales;
  sweep.bits = bits;
  sweep.accumulator = &options.accumulator;
  sweep.biases = biases;
  sweep.prune = options.prune;
  sweep.unitBounds = bounds;
  std::vector<double> loss;
  std::vector<float> swept = sweepAllRows(weights, rows, columns, sweep, dead,
                                          h, options.blockSize, context, loss);
  std::vector<int8_t> result(swept.begin(), swept.end());
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

std::optional<std::vector<float>>
compress::sparseGptPrune(llvm::ArrayRef<float> weights, int64_t rows,
                         int64_t columns, llvm::MutableArrayRef<float> hessian,
                         const GptqOptions &options,
                         mlir::MLIRContext *context) {
  assert(int64_t(weights.size()) == rows * columns &&
         int64_t(hessian.size()) == columns * columns && "shape mismatch");
  if (rows == 0 || columns == 0)
    return std::vector<float>(weights.begin(), weights.end());
  useSerialBlas();
  MatrixMap h(hessian.data(), columns, columns);
  std::vector<bool> dead;
  if (!prepareFactor(weights, h, options.damp, dead, context) ||
      !invertCholeskyUpper(h, context))
    return std::nullopt;
  std::vector<int64_t> bounds = getUnitBounds(options, columns);
  Sweep sweep;
  sweep.prune = options.prune;
  sweep.unitBounds = bounds;
  std::vector<double> loss;
  return sweepAllRows(weights, rows, columns, sweep, dead, h,
                      options.blockSize, context, loss);
}

namespace {
/// Runs `sweep` (gptqRound or sparseGptPrune) on each matrix of a `kind`
/// layer's weights of `shape`, with pruning units along the reduction
/// dimension, and puts the results back in the weights' layout.
template <typename T, typename SweepFn>
std::optional<std::vector<T>>
sweepLayer(LayerKind kind, llvm::ArrayRef<float> weights,
           llvm::ArrayRef<int64_t> shape,
           llvm::MutableArrayRef<float> hessians, GptqOptions options,
           SweepFn sweep) {
  std::optional<LayerMatrices> m = getLayerMatrices(kind, shape);
  if (!m || int64_t(weights.size()) != m->groups * m->rows * m->columns ||
      int64_t(hessians.size()) != m->groups * m->columns * m->columns)
    return std::nullopt;
  if (options.prune)
    options.pruneUnitStarts =
        getPruneUnitStarts(kind, shape, options.prune->pattern);
  std::vector<T> result(weights.size());
  std::vector<float> matrix(m->rows * m->columns);
  for (int64_t g = 0; g < m->groups; ++g) {
    // One input channel of a depthwise convolution, or the whole layer.
    for (int64_t r = 0; r < m->rows; ++r)
      for (int64_t c = 0; c < m->columns; ++c)
        matrix[r * m->columns + c] = weights[m->index(g, r, c)];
    std::optional<std::vector<T>> swept =
        sweep(*m, g, matrix,
              hessians.slice(g * m->columns * m->columns,
                             m->columns * m->columns),
              options);
    if (!swept)
      return std::nullopt;
    for (int64_t r = 0; r < m->rows; ++r)
      for (int64_t c = 0; c < m->columns; ++c)
        result[m->index(g, r, c)] = (*swept)[r * m->columns + c];
  }
  return result;
}
} // namespace

std::optional<std::vector<int8_t>> compress::gptqRoundLayer(
    LayerKind kind, llvm::ArrayRef<float> weights,
    llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<float> scales,
    unsigned bits, llvm::MutableArrayRef<float> hessians,
    const GptqOptions &options, mlir::MLIRContext *context,
    llvm::ArrayRef<int64_t> biases) {
  std::optional<LayerMatrices> m = getLayerMatrices(kind, shape);
  if (!m ||
      int64_t(scales.size()) !=
          (kind == LayerKind::DepthwiseConv2D ? m->groups : m->rows) ||
      (options.accumulator &&
       int64_t(biases.size()) != m->groups * m->rows))
    return std::nullopt;
  std::vector<float> rowScales(m->rows);
  std::vector<int64_t> rowBiases;
  return sweepLayer<int8_t>(
      kind, weights, shape, hessians, options,
      [&](const LayerMatrices &m, int64_t g, llvm::ArrayRef<float> matrix,
          llvm::MutableArrayRef<float> hessian, const GptqOptions &options) {
        for (int64_t r = 0; r < m.rows; ++r)
          rowScales[r] = scales[m.scaleOf(g, r)];
        if (options.accumulator)
          rowBiases.assign(biases.begin() + g * m.rows,
                           biases.begin() + (g + 1) * m.rows);
        return gptqRound(matrix, m.rows, m.columns, rowScales, bits, hessian,
                         options, context, rowBiases);
      });
}

std::optional<std::vector<float>> compress::sparseGptPruneLayer(
    LayerKind kind, llvm::ArrayRef<float> weights,
    llvm::ArrayRef<int64_t> shape, llvm::MutableArrayRef<float> hessians,
    const GptqOptions &options, mlir::MLIRContext *context) {
  return sweepLayer<float>(
      kind, weights, shape, hessians, options,
      [&](const LayerMatrices &m, int64_t, llvm::ArrayRef<float> matrix,
          llvm::MutableArrayRef<float> hessian, const GptqOptions &options) {
        return sparseGptPrune(matrix, m.rows, m.columns, hessian, options,
                              context);
      });
}
