//===- Pruning.cpp - Choosing which weights of a layer to zero ------------===//

#include "compress/Analysis/Pruning.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>
#include <utility>

using namespace compress;

std::optional<LayerMatrices>
compress::getLayerMatrices(LayerKind kind, llvm::ArrayRef<int64_t> shape) {
  if (shape.size() != (kind == LayerKind::Matmul ? 3u : 4u))
    return std::nullopt;
  LayerMatrices m;
  switch (kind) {
  case LayerKind::Conv2D: {
    // [O, KH, KW, I]: a row is one filter, contiguous.
    m.rows = shape[0];
    int64_t columns = m.columns = shape[1] * shape[2] * shape[3];
    m.index = [=](int64_t, int64_t r, int64_t c) { return r * columns + c; };
    m.scaleOf = [](int64_t, int64_t r) { return r; };
    break;
  }
  case LayerKind::Matmul: {
    // [1, K, N]: a row is one column of the weights.
    if (shape[0] != 1)
      return std::nullopt;
    int64_t rows = m.rows = shape[2];
    m.columns = shape[1];
    m.index = [=](int64_t, int64_t r, int64_t c) { return c * rows + r; };
    m.scaleOf = [](int64_t, int64_t r) { return r; };
    break;
  }
  case LayerKind::DepthwiseConv2D: {
    // [KH, KW, C, M]: input channel c holds M rows of KH*KW taps.
    int64_t groups = m.groups = shape[2];
    int64_t rows = m.rows = shape[3];
    m.columns = shape[0] * shape[1];
    m.index = [=](int64_t g, int64_t r, int64_t c) {
      return (c * groups + g) * rows + r;
    };
    m.scaleOf = [](int64_t g, int64_t) { return g; };
    break;
  }
  }
  return m;
}

std::optional<int64_t> compress::getReductionAxis(LayerKind kind) {
  switch (kind) {
  case LayerKind::Conv2D:
    return 3;
  case LayerKind::Matmul:
    return 1;
  case LayerKind::DepthwiseConv2D:
    return std::nullopt;
  }
  return std::nullopt;
}

std::vector<int64_t> compress::getPruneUnitStarts(LayerKind kind,
                                                  llvm::ArrayRef<int64_t> shape,
                                                  PrunePattern pattern) {
  std::optional<LayerMatrices> m = getLayerMatrices(kind, shape);
  if (!m)
    return {};
  std::vector<int64_t> starts;
  std::optional<int64_t> axis = getReductionAxis(kind);
  if (pattern == PrunePattern::Unstructured || !axis) {
    for (int64_t c = 0; c < m->columns; ++c)
      starts.push_back(c);
    return starts;
  }
  // Blocks of 4 along the innermost reduction dimension: the input
  // channels of each tap of a convolution, K of a matmul.
  int64_t run = kind == LayerKind::Conv2D ? shape[*axis] : m->columns;
  for (int64_t tap = 0; tap < m->columns; tap += run)
    for (int64_t c = 0; c < run; c += 4)
      starts.push_back(tap + c);
  return starts;
}

std::optional<std::vector<float>>
compress::pruneByMagnitude(LayerKind kind, llvm::ArrayRef<float> weights,
                           llvm::ArrayRef<int64_t> shape,
                           const PruneSpec &spec) {
  std::optional<LayerMatrices> m = getLayerMatrices(kind, shape);
  if (!m || int64_t(weights.size()) != m->groups * m->rows * m->columns)
    return std::nullopt;
  std::vector<int64_t> starts = getPruneUnitStarts(kind, shape, spec.pattern);
  starts.push_back(m->columns);
  size_t unitsPerRow = starts.size() - 1;
  // Each row's units ranked by their sums of squares, as SparseGPT prunes
  // each row: the same count per row whatever the scales of the rows
  // (which batch norm folding makes differ). TwoFour ranks single weights
  // inside each group instead.
  auto drop = std::llround(std::clamp(spec.sparsity, 0.0, 1.0) *
                           double(unitsPerRow));
  std::vector<float> result(weights.begin(), weights.end());
  std::vector<float> row(m->columns);
  std::vector<std::pair<double, int64_t>> scores;
  for (int64_t g = 0; g < m->groups; ++g)
    for (int64_t r = 0; r < m->rows; ++r) {
      for (int64_t c = 0; c < m->columns; ++c)
        row[c] = weights[m->index(g, r, c)];
      auto zero = [&](int64_t begin, int64_t end) {
        for (int64_t c = begin; c < end; ++c)
          result[m->index(g, r, c)] = 0.0f;
      };
      if (spec.pattern == PrunePattern::TwoFour) {
        for (size_t u = 0; u < unitsPerRow; ++u) {
          // Smallest magnitude first; equal ones in column order.
          scores.clear();
          for (int64_t c = starts[u]; c < starts[u + 1]; ++c)
            scores.push_back({std::fabs(row[c]), c});
          std::sort(scores.begin(), scores.end());
          for (int64_t i = 0, e = int64_t(scores.size()) - 2; i < e; ++i)
            zero(scores[i].second, scores[i].second + 1);
        }
        continue;
      }
      scores.clear();
      for (size_t u = 0; u < unitsPerRow; ++u) {
        double sum = 0.0;
        for (int64_t c = starts[u]; c < starts[u + 1]; ++c)
          sum += double(row[c]) * double(row[c]);
        scores.push_back({sum, int64_t(u)});
      }
      std::nth_element(scores.begin(), scores.begin() + drop, scores.end());
      for (int64_t i = 0; i < drop; ++i)
        zero(starts[scores[i].second], starts[scores[i].second + 1]);
    }
  return result;
}

int64_t compress::countZeros(llvm::ArrayRef<float> weights) {
  return llvm::count_if(weights, [](float w) { return w == 0.0f; });
}
