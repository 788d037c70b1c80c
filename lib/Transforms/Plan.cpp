//===- Plan.cpp - The compress-plan pass ----------------------------------===//
//
// Turns per-layer sensitivities into per-layer bit widths. For every layer
// and every candidate (weight bits, activation bits) the pass measures what
// the option costs (packed bytes, BOPs) and predicts the error it adds
// (HAWQ-V2's Omega: the average Hessian trace times the squared
// quantization perturbation), then hands those numbers to the exact planner
// (compress/Analysis/BitPlanner.h) and writes its answer back as
// `#compress.plan` attributes for compress-quantize.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/Passes.h"

#include "compress/Analysis/AccumulatorBudget.h"
#include "compress/Analysis/BitPlanner.h"
#include "compress/Analysis/ParetoPlot.h"
#include "compress/Analysis/Pruning.h"
#include "compress/Analysis/WeightLayers.h"
#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"
#include "compress/Support/Parallel.h"
#include "compress/Support/Samples.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>
#include <map>

namespace compress {
#define GEN_PASS_DEF_PLANPASS
#include "compress/Transforms/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;
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
  WeightClip clip = WeightClip::Max;
  unsigned accumulatorBits = 0;
  PrunePattern pattern = PrunePattern::Unstructured;
};

/// What the planner needs to know about a layer, read from the IR.
struct LayerFacts {
  WeightLayer layer;
  double trace = 0.0, activationTrace = 0.0;
  std::vector<float> weights;
  SmallVector<int64_t> shape;
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

/// The uniform-width baselines the report compares the plan with: every
/// layer at one weight width and the widest activations, pins ignored.
struct UniformPlans {
  unsigned activationBits = 0;
  SmallVector<unsigned> weightBits;
  /// One plan per entry of `weightBits`.
  std::vector<Plan> plans;
};

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
  /// Writes the JSON report and the Pareto chart, whichever was asked for.
  LogicalResult writeReport(const PlanProblem &problem, const Plan &plan,
                            MutableArrayRef<LayerFacts> facts, int64_t floatBytes,
                            std::optional<int64_t> sizeBudget);
  LogicalResult writeJsonReport(const PlanProblem &problem, const Plan &plan,
                                ArrayRef<LayerFacts> facts,
                                const UniformPlans &uniform,
                                ArrayRef<Plan> frontier,
                                ArrayRef<Plan> denseFrontier,
                                int64_t floatBytes,
                                std::optional<int64_t> sizeBudget);
  LogicalResult writeParetoChart(const Plan &plan, ArrayRef<LayerFacts> facts,
                                 const UniformPlans &uniform,
                                 ArrayRef<Plan> frontier,
                                 ArrayRef<Plan> denseFrontier,
                                 int64_t floatBytes,
                                 std::optional<int64_t> sizeBudget);
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
    ElementsAttr biasAttr;
    if (matchPattern(op->getOperand(2), m_Constant(&biasAttr)))
      for (const APFloat &v : biasAttr.getValues<APFloat>())
        facts.bias.push_back(v.convertToFloat());
  }
  if (layer.input)
    if (ValueRangeAttr range =
            getCalibratedRange(quantizationSource(layer.input)))
      facts.inputRange = {range.getMin().convertToDouble(),
                          range.getMax().convertToDouble()};
  return facts;
}

/// The squared error of a layer's `weights` (its float weights pruned to
/// `sparsity` percent by pruneForPlan, or unpruned) quantized per channel
/// to `bits` bits, as compress-quantize would do it, against the float
/// weights, and the bytes they are stored in (with scales and bias). With
/// `model.accumulatorBits`, made to fit that accumulator for inputs
/// quantized to `activationBits` (scales grown as round-to-nearest needs;
/// infinite if they cannot fit).
static WeightCost weightCost(const LayerFacts &facts, unsigned bits,
                             const WeightModel &model,
                             unsigned activationBits, unsigned sparsity,
                             ArrayRef<float> weights) {
  QuantizedWeights q = quantizeWeights(weights, facts.shape,
                                       facts.layer.scaleAxis, bits, model.clip);
  int64_t scales = facts.shape[facts.layer.scaleAxis];
  WeightCost cost;
  // Dense options count packed weights; pruned ones the smallest layout of
  // the weights pruning keeps: rounding may zero more, never fewer.
  if (sparsity) {
    std::vector<int8_t> kept;
    for (float w : weights)
      kept.push_back(w != 0.0f);
    cost.bytes = chooseWeightStorage(kept, facts.shape, bits,
                                     /*isSigned=*/true,
                                     getReductionAxis(facts.layer.kind))
                     .bytes +
                 4 * (scales + facts.outputChannels);
  } else {
    cost.bytes = quantizedLayerBytes(facts.layer.numWeights, bits, scales,
                                     facts.outputChannels);
  }
  if (model.accumulatorBits && facts.inputRange) {
    AffineParams input = chooseAffineParams(
        facts.inputRange->first, facts.inputRange->second, activationBits);
    AccumulatorBudget budget(model.accumulatorBits,
                             input.qmin - input.zeroPoint,
                             input.qmax - input.zeroPoint);
    ChannelLayout layout = ChannelLayout::of(facts.layer.kind, facts.shape);
    auto biasOf = [&](int64_t c, double scale) -> int64_t {
      return facts.bias.empty()
                 ? 0
                 : quantizeBias(facts.bias[facts.bias.size() == 1 ? 0 : c],
                                input.scale * scale);
    };
    if (!fitByScaling(weights, layout, bits, budget, biasOf, q.scales,
                      q.values)) {
      cost.omega = std::numeric_limits<double>::infinity();
      return cost;
    }
  }
  std::vector<float> approx =
      dequantizeWeights(q, facts.shape, facts.layer.scaleAxis);
  double sum = 0;
  for (auto [a, w] : llvm::zip_equal(approx, facts.weights))
    sum += (double(a) - w) * (double(a) - w);
  cost.omega = facts.trace * sum;
  return cost;
}

/// `f`'s weights pruned by magnitude to `sparsity` percent, as the plan's
/// options predict them.
static std::vector<float> pruneForPlan(const LayerFacts &f, unsigned sparsity,
                                       const WeightModel &model) {
  return *pruneByMagnitude(f.layer.kind, f.weights, f.shape,
                           {model.pattern, double(sparsity) / 100.0});
}

/// The cached weight cost of an option of `f` (computed on first use, from
/// `pruned` when given: f's weights pruned to `sparsity`).
static const WeightCost &getWeightCost(LayerFacts &f, unsigned weightBits,
                                       unsigned activationBits,
                                       unsigned sparsity,
                                       const WeightModel &model,
                                       ArrayRef<float> pruned = {}) {
  WeightOptionKey key{weightBits, model.accumulatorBits ? activationBits : 0,
                      sparsity};
  auto [it, inserted] = f.weightCosts.try_emplace(key);
  if (!inserted)
    return it->second;
  std::vector<float> own;
  if (sparsity && pruned.empty())
    pruned = own = pruneForPlan(f, sparsity, model);
  it->second = weightCost(f, weightBits, model, activationBits, sparsity,
                          sparsity ? pruned : ArrayRef<float>(f.weights));
  return it->second;
}

/// Expected squared error of quantizing a layer's input to `bits`: uniform
/// rounding noise, delta^2 / 12 per element.
static double activationNoise(const LayerFacts &facts, unsigned bits) {
  if (!facts.inputRange)
    return 0.0;
  double step = chooseAffineParams(facts.inputRange->first,
                                   facts.inputRange->second, bits)
                    .scale;
  return double(facts.layer.numInputs) * step * step / 12.0;
}

/// What compressing a layer with `weightBits`, `activationBits` and
/// `sparsity` percent costs and the error it is predicted to add.
static PlanOption measureOption(LayerFacts &f, unsigned weightBits,
                                unsigned activationBits, unsigned sparsity,
                                const WeightModel &model) {
  PlanOption option;
  option.weightBits = weightBits;
  option.activationBits = activationBits;
  option.sparsity = double(sparsity) / 100.0;
  const WeightCost &cost =
      getWeightCost(f, weightBits, activationBits, sparsity, model);
  option.bytes = cost.bytes;
  // Pruned weights still take their bit operations: no kernel skips them.
  option.bops = f.macs * weightBits * activationBits;
  option.error = cost.omega + f.inputTrace * activationNoise(f, activationBits);
  return option;
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

  PlanProblem problem =
      buildProblem(*facts, wBits, aBits, sparsities, sizeBudget,
                   std::move(sharedInputs));
  llvm::Expected<Plan> plan = solvePlan(problem);
  if (!plan)
    return fail("no plan fits the budget: " + llvm::toString(plan.takeError()));

  writePlanAttrs(problem, *plan, *facts);
  if (failed(writeReport(problem, *plan, *facts, floatBytes, sizeBudget)))
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
    planAttr.setAttr(f.layer.op,
                     LayerPlanAttr::get(ctx, option.weightBits,
                                        option.activationBits,
                                        APFloat(option.sparsity)));
  }
}

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
        layer.options.push_back(measureOption(
            f, bits, uniform.activationBits, /*sparsity=*/0, model));
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

LogicalResult PlanPass::writeReport(const PlanProblem &problem,
                                    const Plan &plan,
                                    MutableArrayRef<LayerFacts> facts,
                                    int64_t floatBytes,
                                    std::optional<int64_t> sizeBudget) {
  if (report.empty() && paretoSvg.empty())
    return success();
  UniformPlans uniform =
      measureUniformPlans(problem, facts, model);
  PlanProblem sweep = problem;
  sweep.sizeBudget.reset();
  llvm::Expected<std::vector<Plan>> frontier = paretoFrontier(sweep);
  if (!frontier)
    return getOperation().emitError("cannot sweep the Pareto frontier: ")
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
      return getOperation().emitError("cannot sweep the Pareto frontier "
                                      "without sparsity: ")
             << llvm::toString(denseSweep.takeError());
    denseFrontier = std::move(*denseSweep);
  }
  if (!report.empty() &&
      failed(writeJsonReport(problem, plan, facts, uniform, *frontier,
                             denseFrontier, floatBytes, sizeBudget)))
    return failure();
  if (!paretoSvg.empty() &&
      failed(writeParetoChart(plan, facts, uniform, *frontier, denseFrontier,
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
      double weightOmega =
          it == f.weightCosts.end() ? 0.0 : it->second.omega;
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

LogicalResult PlanPass::writeJsonReport(
    const PlanProblem &problem, const Plan &plan, ArrayRef<LayerFacts> facts,
    const UniformPlans &uniform, ArrayRef<Plan> frontier,
    ArrayRef<Plan> denseFrontier, int64_t floatBytes,
    std::optional<int64_t> sizeBudget) {
  llvm::json::Object budget{{"float_weight_bytes", floatBytes}};
  if (sizeBudget)
    budget["bytes"] = *sizeBudget;
  if (compressionRatio != 0.0)
    budget["compression_ratio"] = compressionRatio.getValue();
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
  llvm::raw_fd_ostream os(report, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return getOperation().emitError("cannot write plan report '")
           << report << "': " << ec.message();
  os << llvm::formatv("{0:2}", root) << "\n";
  return success();
}

LogicalResult PlanPass::writeParetoChart(const Plan &plan,
                                         ArrayRef<LayerFacts> facts,
                                         const UniformPlans &uniform,
                                         ArrayRef<Plan> frontier,
                                         ArrayRef<Plan> denseFrontier,
                                         int64_t floatBytes,
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
  llvm::raw_fd_ostream os(paretoSvg, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return getOperation().emitError("cannot write Pareto plot '")
           << paretoSvg << "': " << ec.message();
  writeParetoSvg(os, chart);
  return success();
}
