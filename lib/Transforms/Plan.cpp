//===- Plan.cpp - The compress-plan pass ----------------------------------===//
//
// Turns per-layer sensitivities into per-layer bit widths. For every layer
// and every candidate (weight bits, activation bits) the pass measures what
// the option costs (packed bytes, BOPs) and predicts the error it adds
// (HAWQ-V2's Omega: the average Hessian trace times the squared
// quantization perturbation), then hands those numbers to the exact planner
// (compress/Analysis/BitPlanner.h) and writes its answer back as
// `#compress.plan` attributes for compress-quantize. How an option is
// measured is in PlanModel.cpp, the report and chart in PlanReport.cpp.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/Passes.h"

#include "PlanModel.h"

#include "compress/Analysis/BitPlanner.h"
#include "compress/Analysis/Pruning.h"
#include "compress/Analysis/WeightLayers.h"
#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"
#include "compress/Support/Parallel.h"
#include "compress/Support/Samples.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace compress {
#define GEN_PASS_DEF_PLANPASS
#include "compress/Transforms/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;
using namespace compress::plan;
using namespace compress::qint;

/// Parses a byte count such as `120000`, `117.5KB` or `1.5MiB` (K and M
/// are powers of 1024).
static std::optional<int64_t> parseByteSize(StringRef text) {
  text = text.trim();
  size_t digits = 0;
  while (digits < text.size() &&
         (llvm::isDigit(text[digits]) || text[digits] == '.'))
    ++digits;
  double value;
  if (digits == 0 || text.take_front(digits).getAsDouble(value))
    return std::nullopt;
  std::string suffix = text.drop_front(digits).trim().lower();
  double scale;
  if (suffix.empty() || suffix == "b")
    scale = 1;
  else if (suffix == "k" || suffix == "kb" || suffix == "kib")
    scale = 1024;
  else if (suffix == "m" || suffix == "mb" || suffix == "mib")
    scale = 1024.0 * 1024.0;
  else
    return std::nullopt;
  double bytes = std::floor(value * scale);
  if (!std::isfinite(bytes) || bytes < 1 || bytes > 9e18)
    return std::nullopt;
  return int64_t(bytes);
}

namespace {

struct PlanPass : public compress::impl::PlanPassBase<PlanPass> {
  using PlanPassBase::PlanPassBase;
  /// Rejects options no run could use, before any pass runs.
  LogicalResult initialize(MLIRContext *context) override;
  void runOnOperation() override;

private:
  FailureOr<LayerFacts> readLayer(const WeightLayer &layer);
  /// Reads every layer's facts and sets each input's activation trace;
  /// `sharedInputs` receives the groups of layers that read one tensor.
  FailureOr<std::vector<LayerFacts>>
  readLayers(ArrayRef<WeightLayer> layers,
             std::vector<std::vector<int>> &sharedInputs);
  /// The planner's problem: every layer's options and the budgets, with
  /// the layers that read one tensor tied together.
  PlanProblem buildProblem(MutableArrayRef<LayerFacts> facts,
                           ArrayRef<int64_t> wBits, ArrayRef<int64_t> aBits,
                           ArrayRef<int64_t> sparsities,
                           std::optional<int64_t> sizeBudget,
                           std::vector<std::vector<int>> sharedInputs);
  /// Writes the chosen widths back as `#compress.plan` attributes.
  void writePlanAttrs(const PlanProblem &problem, const Plan &plan,
                      ArrayRef<LayerFacts> facts);
  WeightModel model;
};

} // namespace

FailureOr<LayerFacts> PlanPass::readLayer(const WeightLayer &layer) {
  LayerFacts facts;
  facts.layer = layer;
  Operation *op = layer.op;
  auto *compression = getContext().getLoadedDialect<CompressionDialect>();
  SensitivityAttr sensitivity =
      compression->getSensitivityAttrHelper().getAttr(op);
  if (!sensitivity)
    return op->emitError("layer '")
           << layer.name
           << "' has no sensitivity (compress.sensitivity); run "
              "compress-sensitivity before compress-plan";
  facts.trace = sensitivity.getTrace().convertToDouble();
  facts.activationTrace = sensitivity.getActivationTrace().convertToDouble();

  // collectWeightLayers took only float32 constants.
  facts.weights = *readFloatConstant(layer.weights);
  auto weightType = cast<RankedTensorType>(layer.weights.getType());
  facts.shape.assign(weightType.getShape().begin(),
                     weightType.getShape().end());
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t outputs = resultType.getNumElements();
  // Layouts: conv2d [O, KH, KW, I], depthwise [KH, KW, C, M] (scales per
  // input channel C), matmul [1, K, N].
  if (isa<tosa::Conv2DOp>(op)) {
    facts.outputChannels = facts.shape[0];
    facts.macs = outputs * facts.shape[1] * facts.shape[2] * facts.shape[3];
  } else if (isa<tosa::DepthwiseConv2DOp>(op)) {
    facts.outputChannels = facts.shape[2] * facts.shape[3];
    facts.macs = outputs * facts.shape[0] * facts.shape[1];
  } else {
    facts.outputChannels = facts.shape[2];
    facts.macs = outputs * facts.shape[1];
  }
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op)) {
    if (std::optional<std::vector<float>> bias =
            readFloatConstant(op->getOperand(2)))
      facts.bias.assign(bias->begin(), bias->end());
  }
  if (layer.input)
    if (ValueRangeAttr range =
            getCalibratedRange(quantizationSource(layer.input)))
      facts.inputRange = {range.getMin().convertToDouble(),
                          range.getMax().convertToDouble()};
  return facts;
}

LogicalResult PlanPass::initialize(MLIRContext *context) {
  auto fail = [&](const Twine &message) {
    return emitError(UnknownLoc::get(context), "compress-plan: " + message);
  };
  for (int64_t b : weightBits)
    if (b < 1 || b > 8)
      return fail("weight bits must be 1..8, got " + Twine(b));
  for (int64_t b : activationBits)
    if (!((b >= 4 && b <= 8) || b == 16))
      return fail("activation bits must be 4..8 or 16, got " + Twine(b));
  for (int64_t s : sparsity) {
    if (s < 0 || s > 99)
      return fail("sparsity must be a percent in [0, 99], got " + Twine(s));
    if (sparsityPattern == PrunePattern::TwoFour && s != 0 && s != 50)
      return fail("sparsity-pattern=2:4 prunes 50%; sparsity can only be 0 "
                  "or 50, got " +
                  Twine(s));
  }
  if (accumulatorBits != 0 && (accumulatorBits < 2 || accumulatorBits > 32))
    return fail("accumulator-bits must be 0 or in [2, 32], got " +
                Twine(int64_t(accumulatorBits)));
  if (!targetSize.empty() && compressionRatio != 0.0)
    return fail("give target-size or compression-ratio, not both");
  if (!targetSize.empty() && !parseByteSize(targetSize))
    return fail("target-size must be a positive size such as 120000, "
                "117KB or 1.5MB, got '" +
                targetSize + "'");
  if (compressionRatio < 0.0 || !std::isfinite(compressionRatio) ||
      (compressionRatio != 0.0 && compressionRatio < 1.0))
    return fail("compression-ratio must be at least 1, got " +
                llvm::formatv("{0}", compressionRatio.getValue()).str());
  if (bopsBudget < 0)
    return fail("bops-budget must be non-negative, got " +
                Twine(bopsBudget.getValue()));
  if (targetSize.empty() && compressionRatio == 0.0 && bopsBudget == 0)
    return fail("compress-plan needs a budget: target-size, "
                "compression-ratio or bops-budget");
  return success();
}

/// The candidate widths of an option, sorted and without duplicates;
/// `defaults` when none was given.
static SmallVector<int64_t> candidateBits(ArrayRef<int64_t> given,
                                          ArrayRef<int64_t> defaults) {
  SmallVector<int64_t> bits(given.empty() ? defaults : given);
  llvm::sort(bits);
  bits.erase(llvm::unique(bits), bits.end());
  return bits;
}

void PlanPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto fail = [&](const Twine &message) {
    module.emitError(message);
    signalPassFailure();
  };

  SmallVector<int64_t> wBits = candidateBits(*weightBits, {2, 3, 4, 5, 6, 8});
  SmallVector<int64_t> aBits = candidateBits(*activationBits, {8});
  model = {weightClip, unsigned(accumulatorBits), sparsityPattern};
  SmallVector<int64_t> sparsities = candidateBits(*sparsity, {0});

  std::optional<int64_t> sizeBudget;
  if (!targetSize.empty())
    sizeBudget = parseByteSize(targetSize);

  llvm::Expected<func::FuncOp> entryFunc = findEntryFunction(module, entry);
  if (!entryFunc)
    return fail(llvm::toString(entryFunc.takeError()));
  func::FuncOp func = *entryFunc;
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  if (layers.empty())
    return fail("@" + func.getSymName() + " has no layer to plan");

  std::vector<std::vector<int>> sharedInputs;
  FailureOr<std::vector<LayerFacts>> facts = readLayers(layers, sharedInputs);
  if (failed(facts))
    return signalPassFailure();
  if (aBits.size() > 1)
    for (const LayerFacts &f : *facts)
      if (f.layer.input && !f.inputRange) {
        f.layer.op->emitError("the input of layer '")
            << f.layer.name
            << "' has no calibrated range (compress.range), which choosing "
               "activation bits needs; run compress-calibrate before "
               "compress-plan";
        return signalPassFailure();
      }

  int64_t floatBytes = 0;
  for (const LayerFacts &f : *facts)
    floatBytes += (f.layer.numWeights + f.outputChannels) * 4;
  if (compressionRatio != 0.0)
    sizeBudget = int64_t(std::floor(double(floatBytes) / compressionRatio));

  PlanProblem problem = buildProblem(*facts, wBits, aBits, sparsities,
                                     sizeBudget, std::move(sharedInputs));
  llvm::Expected<Plan> plan = solvePlan(problem);
  if (!plan)
    return fail("no plan fits the budget: " + llvm::toString(plan.takeError()));

  writePlanAttrs(problem, *plan, *facts);
  PlanReportFiles files{report, paretoSvg, compressionRatio};
  if (failed(writePlanReports(getOperation(), files, model, problem, *plan,
                              *facts, floatBytes, sizeBudget)))
    return signalPassFailure();
}

FailureOr<std::vector<LayerFacts>>
PlanPass::readLayers(ArrayRef<WeightLayer> layers,
                     std::vector<std::vector<int>> &sharedInputs) {
  std::vector<LayerFacts> facts;
  DenseMap<Value, SmallVector<int>> readers;
  for (const WeightLayer &layer : layers) {
    FailureOr<LayerFacts> f = readLayer(layer);
    if (failed(f))
      return failure();
    if (layer.input)
      readers[quantizationSource(layer.input)].push_back(int(facts.size()));
    facts.push_back(std::move(*f));
  }
  for (auto &[input, group] : readers) {
    double trace = 0;
    for (int index : group)
      trace = std::max(trace, facts[index].activationTrace);
    facts[group.front()].inputTrace = trace;
    if (group.size() > 1)
      sharedInputs.push_back(std::vector<int>(group.begin(), group.end()));
  }
  // DenseMap order is not deterministic; the planner does not care but
  // reports and debugging do.
  llvm::sort(sharedInputs);
  return facts;
}

PlanProblem PlanPass::buildProblem(MutableArrayRef<LayerFacts> facts,
                                   ArrayRef<int64_t> wBits,
                                   ArrayRef<int64_t> aBits,
                                   ArrayRef<int64_t> sparsities,
                                   std::optional<int64_t> sizeBudget,
                                   std::vector<std::vector<int>> sharedInputs) {
  PlanProblem problem;
  problem.sizeBudget = sizeBudget;
  if (bopsBudget > 0)
    problem.bopsBudget = bopsBudget;
  auto isPinned = [&](size_t index) {
    return keepFirstLast8Bit && (index == 0 || index + 1 == facts.size());
  };
  // Pinned layers stay 8-bit and dense.
  auto candidates = [&](size_t index) {
    struct {
      SmallVector<int64_t> weightBits, activationBits, sparsities;
    } c{SmallVector<int64_t>(wBits), SmallVector<int64_t>(aBits),
        SmallVector<int64_t>(sparsities)};
    if (isPinned(index))
      c = {{8}, {8}, {0}};
    return c;
  };
  // Pruning and quantizing every layer at every candidate is most of the
  // plan's work; the layers are independent, so they run in parallel.
  parallelForIndices(&getContext(), 0, facts.size(), [&](size_t index) {
    auto c = candidates(index);
    for (int64_t sp : c.sparsities) {
      // Pruned once for every width.
      std::vector<float> pruned;
      if (sp)
        pruned = pruneForPlan(facts[index], sp, model);
      for (int64_t wb : c.weightBits)
        for (int64_t ab : c.activationBits)
          if (wb > 1 || sp == 0)
            getWeightCost(facts[index], wb, ab, sp, model, pruned);
    }
  });
  for (auto [index, f] : llvm::enumerate(facts)) {
    PlanLayer planLayer;
    planLayer.name = f.layer.name;
    auto c = candidates(index);
    for (int64_t wb : c.weightBits)
      for (int64_t ab : c.activationBits)
        for (int64_t sp : c.sparsities) {
          // Binary weights have no zero to prune to.
          if (wb == 1 && sp != 0)
            continue;
          PlanOption option = measureOption(f, wb, ab, sp, model);
          // Weights that cannot fit the accumulator are no option.
          if (std::isfinite(option.error))
            planLayer.options.push_back(option);
        }
    problem.layers.push_back(std::move(planLayer));
  }
  problem.tieGroups = std::move(sharedInputs);
  return problem;
}

void PlanPass::writePlanAttrs(const PlanProblem &problem, const Plan &plan,
                              ArrayRef<LayerFacts> facts) {
  MLIRContext *ctx = &getContext();
  auto planAttr =
      ctx->getLoadedDialect<CompressionDialect>()->getPlanAttrHelper();
  for (auto [index, f] : llvm::enumerate(facts)) {
    const PlanOption &option =
        problem.layers[index].options[plan.choice[index]];
    planAttr.setAttr(f.layer.op, LayerPlanAttr::get(ctx, option.weightBits,
                                                    option.activationBits,
                                                    APFloat(option.sparsity)));
  }
}
