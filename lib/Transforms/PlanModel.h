//===- PlanModel.h - compress-plan's option model and reports ---*- C++ -*-===//
//
// Shared by the files of compress-plan: what the pass knows about a layer
// (LayerFacts), how one (weight bits, activation bits, sparsity) option of
// it is measured (PlanModel.cpp), and the JSON report and Pareto chart of a
// plan (PlanReport.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_TRANSFORMS_PLANMODEL_H
#define COMPRESS_LIB_TRANSFORMS_PLANMODEL_H

#include "compress/Analysis/BitPlanner.h"
#include "compress/Analysis/Pruning.h"
#include "compress/Analysis/WeightLayers.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace compress::plan {

/// What the weights of a layer option are: weight bits, the activation
/// bits an accumulator constraint depends on (0 without one), sparsity in
/// percent.
using WeightOptionKey = std::tuple<unsigned, unsigned, unsigned>;

/// The weight term of Omega of an option and its weights' stored bytes
/// (with scales and bias).
struct WeightCost {
  double omega = 0.0;
  int64_t bytes = 0;
};

/// How options are measured: as compress-quantize will quantize, and
/// compress-prune prune, the weights.
struct WeightModel {
  qint::WeightClip clip = qint::WeightClip::Max;
  unsigned accumulatorBits = 0;
  PrunePattern pattern = PrunePattern::Unstructured;
};

/// What the planner needs to know about a layer, read from the IR.
struct LayerFacts {
  WeightLayer layer;
  double trace = 0.0, activationTrace = 0.0;
  std::vector<float> weights;
  llvm::SmallVector<int64_t> shape;
  int64_t outputChannels = 0;
  int64_t macs = 0;
  /// The weight term of Omega and the stored bytes, by weight bits, by
  /// activation bits with accumulator-bits (where the constraint depends
  /// on the input's range; else 0), and by sparsity percent. Omega is
  /// infinite where the weights cannot fit the accumulator.
  std::map<WeightOptionKey, WeightCost> weightCosts;
  /// The float bias of each output channel, if the layer has a constant
  /// one (conv2d and depthwise_conv2d).
  std::vector<float> bias;
  /// Calibrated range of the input, if any.
  std::optional<std::pair<double, double>> inputRange;
  /// The activation trace of the input tensor as a whole: the largest of
  /// its readers' for the first reader, 0 for the others, so that the
  /// noise of a tensor read by several layers counts once.
  double inputTrace = 0.0;
};

/// What compressing a layer with `weightBits`, `activationBits` and
/// `sparsity` percent costs and the error it is predicted to add.
PlanOption measureOption(LayerFacts &f, unsigned weightBits,
                         unsigned activationBits, unsigned sparsity,
                         const WeightModel &model);
/// `f`'s weights pruned by magnitude to `sparsity` percent, as the plan's
/// options predict them.
std::vector<float> pruneForPlan(const LayerFacts &f, unsigned sparsity,
                                const WeightModel &model);
/// The cached weight cost of an option of `f` (computed on first use, from
/// `pruned` when given: f's weights pruned to `sparsity`).
const WeightCost &getWeightCost(LayerFacts &f, unsigned weightBits,
                                unsigned activationBits, unsigned sparsity,
                                const WeightModel &model,
                                llvm::ArrayRef<float> pruned = {});

/// Where compress-plan writes its reports (empty: not written).
struct PlanReportFiles {
  std::string report;
  std::string paretoSvg;
  /// The budget's compression ratio, for the report (0: none given).
  double compressionRatio = 0.0;
};

/// Writes the JSON report and the Pareto chart, whichever `files` asks
/// for; errors are emitted on `anchor`.
mlir::LogicalResult
writePlanReports(mlir::Operation *anchor, const PlanReportFiles &files,
                 const WeightModel &model, const PlanProblem &problem,
                 const Plan &plan, llvm::MutableArrayRef<LayerFacts> facts,
                 int64_t floatBytes, std::optional<int64_t> sizeBudget);

} // namespace compress::plan

#endif // COMPRESS_LIB_TRANSFORMS_PLANMODEL_H
