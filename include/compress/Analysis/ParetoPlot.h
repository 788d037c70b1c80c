//===- ParetoPlot.h - Size/error trade-off as an SVG chart ------*- C++ -*-===//
//
// Draws a planner's Pareto frontier: weight size on x, predicted error on
// a logarithmic y axis, with uniform bit widths and the chosen plan marked
// (and, when plans may prune, the frontier of plans without sparsity),
// as a self-contained SVG that any browser or converter renders.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_ANALYSIS_PARETOPLOT_H
#define COMPRESS_ANALYSIS_PARETOPLOT_H

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace compress {

struct ParetoPoint {
  int64_t bytes = 0;
  double error = 0.0;
  /// Shown next to labelled points (uniform widths, the chosen plan).
  std::string label;
};

struct ParetoChart {
  std::string title;
  /// Optimal plans, by increasing size.
  std::vector<ParetoPoint> frontier;
  /// Optimal plans among those without sparsity, when the plans may prune
  /// (empty otherwise), drawn dashed.
  std::vector<ParetoPoint> denseFrontier;
  /// Every layer at one width, for comparison.
  std::vector<ParetoPoint> uniform;
  std::optional<ParetoPoint> chosen;
  /// Drawn as a vertical line when set.
  std::optional<int64_t> sizeBudget;
};

/// Writes `chart` as an SVG document. Errors of 0 are drawn at the bottom
/// of the logarithmic axis.
void writeParetoSvg(llvm::raw_ostream &os, const ParetoChart &chart);

} // namespace compress

#endif // COMPRESS_ANALYSIS_PARETOPLOT_H
