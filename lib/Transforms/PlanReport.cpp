//===- PlanReport.cpp - compress-plan's JSON report and Pareto chart ------===//
//
// Compares the chosen plan with uniform bit widths and the Pareto frontier
// (with and, when plans may prune, without sparsity), as JSON and as SVG.
//
//===----------------------------------------------------------------------===//

#include "PlanModel.h"

#include "compress/Analysis/ParetoPlot.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace compress;
using namespace compress::plan;

namespace {

/// The uniform-width baselines the report compares the plan with: every
/// layer at one weight width and the widest activations, pins ignored.
struct UniformPlans {
  unsigned activationBits = 0;
  SmallVector<unsigned> weightBits;
  /// One plan per entry of `weightBits`.
  std::vector<Plan> plans;
};

/// Writes the reports of one plan.
class ReportWriter {
public:
  ReportWriter(Operation *anchor, const PlanReportFiles &files,
               const WeightModel &model)
      : anchor(anchor), files(files), model(model) {}

  LogicalResult write(const PlanProblem &problem, const Plan &plan,
                      MutableArrayRef<LayerFacts> facts, int64_t floatBytes,
                      std::optional<int64_t> sizeBudget);

private:
  LogicalResult writeJson(const PlanProblem &problem, const Plan &plan,
                          ArrayRef<LayerFacts> facts,
                          const UniformPlans &uniform, ArrayRef<Plan> frontier,
                          ArrayRef<Plan> denseFrontier, int64_t floatBytes,
                          std::optional<int64_t> sizeBudget);
  LogicalResult writeChart(const Plan &plan, ArrayRef<LayerFacts> facts,
                           const UniformPlans &uniform, ArrayRef<Plan> frontier,
                           ArrayRef<Plan> denseFrontier, int64_t floatBytes,
                           std::optional<int64_t> sizeBudget);

  Operation *anchor;
  const PlanReportFiles &files;
  const WeightModel &model;
};

} // namespace

//===----------------------------------------------------------------------===//
// Reports
//===----------------------------------------------------------------------===//

/// Measures the uniform-width baselines. They are measured on a problem
/// without pins, in which every layer offers every width: a pinned layer
/// gets the options it would have had (cached in `facts`).
static UniformPlans measureUniformPlans(const PlanProblem &problem,
                                        MutableArrayRef<LayerFacts> facts,
                                        const WeightModel &model) {
  UniformPlans uniform;
  SmallVector<unsigned> widths;
  for (const PlanLayer &layer : problem.layers)
    for (const PlanOption &o : layer.options) {
      uniform.activationBits =
          std::max(uniform.activationBits, o.activationBits);
      widths.push_back(o.weightBits);
    }
  llvm::sort(widths);
  widths.erase(llvm::unique(widths), widths.end());

  PlanProblem open = problem;
  for (PlanLayer &layer : open.layers)
    layer.allowedOptions.clear();
  for (unsigned bits : widths) {
    std::vector<int> choice;
    bool fits = true;
    for (auto [index, f] : llvm::enumerate(facts)) {
      PlanLayer &layer = open.layers[index];
      auto it = llvm::find_if(layer.options, [&](const PlanOption &o) {
        return o.weightBits == bits && o.sparsity == 0.0 &&
               o.activationBits == uniform.activationBits;
      });
      if (it == layer.options.end()) {
        layer.options.push_back(measureOption(f, bits, uniform.activationBits,
                                              /*sparsity=*/0, model));
        it = std::prev(layer.options.end());
      }
      fits &= std::isfinite(it->error);
      choice.push_back(int(it - layer.options.begin()));
    }
    // A width some layer's weights cannot fit the accumulator with is no
    // baseline.
    if (!fits)
      continue;
    uniform.plans.push_back(evaluatePlan(open, choice));
    uniform.weightBits.push_back(bits);
  }
  return uniform;
}

LogicalResult ReportWriter::write(const PlanProblem &problem, const Plan &plan,
                                  MutableArrayRef<LayerFacts> facts,
                                  int64_t floatBytes,
                                  std::optional<int64_t> sizeBudget) {
  if (files.report.empty() && files.paretoSvg.empty())
    return success();
  UniformPlans uniform = measureUniformPlans(problem, facts, model);
  PlanProblem sweep = problem;
  sweep.sizeBudget.reset();
  llvm::Expected<std::vector<Plan>> frontier = paretoFrontier(sweep);
  if (!frontier)
    return anchor->emitError("cannot sweep the Pareto frontier: ")
           << llvm::toString(frontier.takeError());
  // When plans may prune, the frontier of the plans that do not, to show
  // what sparsity buys.
  std::vector<Plan> denseFrontier;
  bool prunes = llvm::any_of(sweep.layers, [](const PlanLayer &layer) {
    return llvm::any_of(layer.options,
                        [](const PlanOption &o) { return o.sparsity > 0; });
  });
  if (prunes) {
    PlanProblem dense = sweep;
    for (PlanLayer &layer : dense.layers) {
      std::vector<int> allowed;
      for (auto [index, option] : llvm::enumerate(layer.options))
        if (option.sparsity == 0 &&
            (layer.allowedOptions.empty() ||
             llvm::is_contained(layer.allowedOptions, int(index))))
          allowed.push_back(int(index));
      layer.allowedOptions = std::move(allowed);
    }
    llvm::Expected<std::vector<Plan>> denseSweep = paretoFrontier(dense);
    if (!denseSweep)
      return anchor->emitError("cannot sweep the Pareto frontier "
                               "without sparsity: ")
             << llvm::toString(denseSweep.takeError());
    denseFrontier = std::move(*denseSweep);
  }
  if (!files.report.empty() &&
      failed(writeJson(problem, plan, facts, uniform, *frontier, denseFrontier,
                       floatBytes, sizeBudget)))
    return failure();
  if (!files.paretoSvg.empty() &&
      failed(writeChart(plan, facts, uniform, *frontier, denseFrontier,
                        floatBytes, sizeBudget)))
    return failure();
  return success();
}

/// The report's entry for every layer: the chosen option, the facts behind
/// it and every option the planner had.
static llvm::json::Array layersJson(const PlanProblem &problem,
                                    const Plan &plan,
                                    ArrayRef<LayerFacts> facts) {
  llvm::json::Array layers;
  for (auto [layer, f, choice] :
       llvm::zip(problem.layers, facts, plan.choice)) {
    const PlanOption &o = layer.options[choice];
    llvm::json::Array options;
    for (const PlanOption &option : layer.options) {
      // Keyed by the activation bits too when an accumulator constrains
      // the weights.
      unsigned sparsity = unsigned(std::lround(option.sparsity * 100.0));
      auto it = f.weightCosts.find(
          {option.weightBits, option.activationBits, sparsity});
      if (it == f.weightCosts.end())
        it = f.weightCosts.find({option.weightBits, 0, sparsity});
      double weightOmega = it == f.weightCosts.end() ? 0.0 : it->second.omega;
      options.push_back(llvm::json::Object{
          {"weight_bits", int64_t(option.weightBits)},
          {"activation_bits", int64_t(option.activationBits)},
          {"sparsity", option.sparsity},
          {"bytes", option.bytes},
          {"omega", option.error},
          {"weight_omega", weightOmega},
          {"activation_omega", option.error - weightOmega},
      });
    }
    layers.push_back(llvm::json::Object{
        {"name", layer.name},
        {"options", std::move(options)},
        {"weight_bits", int64_t(o.weightBits)},
        {"activation_bits", int64_t(o.activationBits)},
        {"sparsity", o.sparsity},
        {"bytes", o.bytes},
        {"bops", o.bops},
        {"omega", o.error},
        {"trace", f.trace},
        {"activation_trace", f.activationTrace},
        {"weights", f.layer.numWeights},
    });
  }
  return layers;
}

/// The report's entries for the uniform baselines.
static llvm::json::Array uniformJson(const PlanProblem &problem,
                                     const UniformPlans &uniform) {
  auto fits = [&](const Plan &p) {
    return (!problem.sizeBudget || p.bytes <= *problem.sizeBudget) &&
           (!problem.bopsBudget || p.bops <= *problem.bopsBudget);
  };
  llvm::json::Array baselines;
  for (auto [bits, p] : llvm::zip(uniform.weightBits, uniform.plans))
    baselines.push_back(llvm::json::Object{
        {"weight_bits", int64_t(bits)},
        {"activation_bits", int64_t(uniform.activationBits)},
        {"bytes", p.bytes},
        {"bops", p.bops},
        {"omega", p.error},
        {"fits", fits(p)},
    });
  return baselines;
}

/// The report's entries for the plans of a frontier.
static llvm::json::Array frontierJson(const PlanProblem &problem,
                                      ArrayRef<Plan> frontier) {
  llvm::json::Array points;
  for (const Plan &p : frontier) {
    llvm::json::Array weightBits, activationBits, sparsity;
    for (auto [layer, choice] : llvm::zip(problem.layers, p.choice)) {
      const PlanOption &o = layer.options[choice];
      weightBits.push_back(int64_t(o.weightBits));
      activationBits.push_back(int64_t(o.activationBits));
      sparsity.push_back(o.sparsity);
    }
    points.push_back(llvm::json::Object{
        {"bytes", p.bytes},
        {"bops", p.bops},
        {"omega", p.error},
        {"weight_bits", std::move(weightBits)},
        {"activation_bits", std::move(activationBits)},
        {"sparsity", std::move(sparsity)},
    });
  }
  return points;
}

LogicalResult
ReportWriter::writeJson(const PlanProblem &problem, const Plan &plan,
                        ArrayRef<LayerFacts> facts, const UniformPlans &uniform,
                        ArrayRef<Plan> frontier, ArrayRef<Plan> denseFrontier,
                        int64_t floatBytes, std::optional<int64_t> sizeBudget) {
  llvm::json::Object budget{{"float_weight_bytes", floatBytes}};
  if (sizeBudget)
    budget["bytes"] = *sizeBudget;
  if (files.compressionRatio != 0.0)
    budget["compression_ratio"] = files.compressionRatio;
  if (problem.bopsBudget)
    budget["bops"] = *problem.bopsBudget;
  llvm::json::Value root = llvm::json::Object{
      {"budget", std::move(budget)},
      {"plan",
       llvm::json::Object{
           {"bytes", plan.bytes},
           {"bops", plan.bops},
           {"omega", plan.error},
           {"compression_ratio", double(floatBytes) / double(plan.bytes)},
           {"layers", layersJson(problem, plan, facts)}}},
      {"uniform", uniformJson(problem, uniform)},
      {"frontier", frontierJson(problem, frontier)},
  };
  if (!denseFrontier.empty())
    root.getAsObject()->try_emplace("frontier_without_sparsity",
                                    frontierJson(problem, denseFrontier));
  std::error_code ec;
  llvm::raw_fd_ostream os(files.report, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return anchor->emitError("cannot write plan report '")
           << files.report << "': " << ec.message();
  os << llvm::formatv("{0:2}", root) << "\n";
  return success();
}

LogicalResult
ReportWriter::writeChart(const Plan &plan, ArrayRef<LayerFacts> facts,
                         const UniformPlans &uniform, ArrayRef<Plan> frontier,
                         ArrayRef<Plan> denseFrontier, int64_t floatBytes,
                         std::optional<int64_t> sizeBudget) {
  ParetoChart chart;
  chart.title =
      llvm::formatv(
          "@{0}: predicted error against weight size",
          facts.front().layer.op->getParentOfType<func::FuncOp>().getSymName())
          .str();
  for (const Plan &p : frontier)
    chart.frontier.push_back({p.bytes, p.error, ""});
  for (const Plan &p : denseFrontier)
    chart.denseFrontier.push_back({p.bytes, p.error, ""});
  for (auto [bits, p] : llvm::zip(uniform.weightBits, uniform.plans))
    chart.uniform.push_back(
        {p.bytes, p.error,
         llvm::formatv("W{0}A{1}", bits, uniform.activationBits)});
  chart.chosen = ParetoPoint{
      plan.bytes, plan.error,
      llvm::formatv("chosen ({0:f1}x)", double(floatBytes) / plan.bytes)};
  chart.sizeBudget = sizeBudget;
  std::error_code ec;
  llvm::raw_fd_ostream os(files.paretoSvg, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return anchor->emitError("cannot write Pareto plot '")
           << files.paretoSvg << "': " << ec.message();
  writeParetoSvg(os, chart);
  return success();
}

LogicalResult
plan::writePlanReports(Operation *anchor, const PlanReportFiles &files,
                       const WeightModel &model, const PlanProblem &problem,
                       const Plan &plan, MutableArrayRef<LayerFacts> facts,
                       int64_t floatBytes, std::optional<int64_t> sizeBudget) {
  return ReportWriter(anchor, files, model)
      .write(problem, plan, facts, floatBytes, sizeBudget);
}
