//===- CompressPipeline.cpp - The compress-pipeline named pipeline --------===//
//
// Post-training quantization end to end, built from the same passes a user
// can run one by one: the options map 1:1 onto pass options, with the same
// defaults, so `--compress-pipeline="..."` and the explicit pass list give
// identical IR. Bad option values fail before any pass runs: enum values
// while the options are parsed, the rest here or in the passes'
// initialize().
//
//===----------------------------------------------------------------------===//

#include "compress/Pipelines/Pipelines.h"
#include "compress/Dialect/QInt/Transforms/Passes.h"
#include "compress/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

/// The largest entry of `values`, or `fallback` when it is empty.
static int64_t widest(ArrayRef<int64_t> values, int64_t fallback) {
  return values.empty() ? fallback : *llvm::max_element(values);
}

compress::WeightRounding
compress::CompressPipelineOptions::effectiveRounding() const {
  if (rounding.hasValue())
    return rounding;
  // Planned widths go below 8 bits, where GPTQ rounding pays off; without
  // a plan the default stays round-to-nearest, as for int8.
  return plans() ? WeightRounding::Gptq : WeightRounding::Nearest;
}

LogicalResult compress::verifyCompressPipelineOptions(
    const CompressPipelineOptions &options,
    function_ref<LogicalResult(const Twine &)> emitError) {
  // The widest widths become compress-calibrate's `bits` and
  // compress-quantize's widths, whose messages would name those options.
  for (int64_t bits : options.weightBits)
    if (bits < 1 || bits > 8)
      return emitError("weight-bits must be 1..8, got " + Twine(bits));
  for (int64_t bits : options.activationBits)
    if (!((bits >= 4 && bits <= 8) || bits == 16))
      return emitError("activation-bits must be 4..8 or 16, got " +
                       Twine(bits));
  if (options.sensitivitySamples < 0)
    return emitError("sensitivity-samples must be non-negative, got " +
                     Twine(options.sensitivitySamples.getValue()));
  if (options.probes < 1)
    return emitError("probes must be at least 1, got " +
                     Twine(options.probes.getValue()));
  if (options.prunes() && !options.plans())
    return emitError("sparsity= is a choice of the plan: give a budget "
                     "(target-size, compression-ratio or bops-budget)");
  if (options.pruneSamples < 1)
    return emitError("prune-samples must be positive, got " +
                     Twine(options.pruneSamples.getValue()));
  if (!(options.tolerance >= 0.0))
    return emitError("tolerance must be non-negative, got " +
                     llvm::formatv("{0}", options.tolerance.getValue()));
  // Options only planning reads would otherwise be dropped without a word.
  if (!options.plans()) {
    std::pair<bool, StringRef> planOnly[] = {
        {options.keepFirstLast8Bit.hasValue(), "keep-first-last-8bit"},
        {options.sensitivity.hasValue(), "sensitivity"},
        {options.sensitivitySamples.hasValue(), "sensitivity-samples"},
        {options.seed.hasValue(), "seed"},
        {options.probes.hasValue(), "probes"},
        {options.tolerance.hasValue(), "tolerance"},
        {options.sparsityPattern.hasValue(), "sparsity-pattern"},
        {options.prune.hasValue(), "prune"},
        {options.pruneSamples.hasValue(), "prune-samples"},
        {options.planReport.hasValue(), "plan-report"},
        {options.paretoSvg.hasValue(), "pareto-svg"}};
    for (auto [given, name] : planOnly)
      if (given)
        return emitError(name + Twine(" is read only when planning: give a "
                                      "budget (target-size, "
                                      "compression-ratio or bops-budget)"));
  }
  return success();
}

void compress::buildCompressPipeline(OpPassManager &pm,
                                     const CompressPipelineOptions &options) {
  bool plans = options.plans();
  // Without a plan each list holds one width; with one, calibration
  // optimises ranges for the widest activations and tensors no plan covers
  // get that width too.
  int64_t activationBits = widest(options.activationBits, 8);

  CleanupPassOptions cleanup;
  cleanup.maxFoldElements = options.maxFoldElements;
  pm.addNestedPass<func::FuncOp>(createCleanupPass(cleanup));

  CalibratePassOptions calibrate;
  calibrate.calibration = options.calibration;
  calibrate.samples = options.samples;
  calibrate.method = options.calibrationMethod;
  calibrate.percentile = options.percentile;
  calibrate.bits = activationBits;
  pm.addPass(createCalibratePass(calibrate));

  if (plans) {
    SensitivityPassOptions sensitivity;
    sensitivity.method = options.sensitivity;
    sensitivity.calibration = options.calibration;
    sensitivity.samples = options.sensitivitySamples;
    sensitivity.seed = options.seed;
    sensitivity.probes = options.probes;
    sensitivity.tolerance = options.tolerance;
    pm.addPass(createSensitivityPass(sensitivity));

    PlanPassOptions plan;
    plan.weightBits.assign(options.weightBits.begin(), options.weightBits.end());
    plan.activationBits.assign(options.activationBits.begin(),
                               options.activationBits.end());
    plan.targetSize = options.targetSize;
    plan.compressionRatio = options.compressionRatio;
    plan.bopsBudget = options.bopsBudget;
    plan.keepFirstLast8Bit = options.keepFirstLast8Bit;
    plan.weightClip = options.weightClip;
    plan.accumulatorBits = options.accumulatorBits;
    plan.report = options.planReport;
    plan.paretoSvg = options.paretoSvg;
    plan.sparsity.assign(options.sparsity.begin(), options.sparsity.end());
    plan.sparsityPattern = options.sparsityPattern;
    pm.addPass(createPlanPass(plan));
  }
  // SparseGPT prunes in GPTQ's sweep, so that pruning and rounding errors
  // are compensated together; otherwise (magnitude, or no GPTQ) a pass of
  // its own prunes first.
  bool pruneInSweep = plans && options.prunes() &&
                      options.prune == PruneMethod::Hessian &&
                      options.effectiveRounding() == WeightRounding::Gptq;
  if (plans && options.prunes() && !pruneInSweep) {
    // Each layer to its planned sparsity, then ranges again: pruning
    // changes every activation after the first pruned layer.
    PrunePassOptions prune;
    prune.sparsity = 0;
    prune.pattern = options.sparsityPattern;
    prune.method = options.prune;
    if (options.prune == PruneMethod::Hessian) {
      prune.calibration = options.calibration;
      prune.samples = options.pruneSamples;
    }
    prune.damp = options.gptqDamp;
    pm.addPass(createPrunePass(prune));
    pm.addPass(createCalibratePass(calibrate));
  }

  QuantizePassOptions quantize;
  quantize.weightBits = widest(options.weightBits, 8);
  quantize.activationBits = activationBits;
  quantize.weightClip = options.weightClip;
  quantize.rescaleRounding = options.rescaleRounding;
  quantize.rounding = options.effectiveRounding();
  quantize.gptqSamples = options.gptqSamples;
  quantize.gptqDamp = options.gptqDamp;
  quantize.report = options.report;
  quantize.reportSamples = options.reportSamples;
  quantize.calibration = options.calibration;
  quantize.accumulatorBits = options.accumulatorBits;
  quantize.prune = pruneInSweep;
  quantize.prunePattern = options.sparsityPattern;
  pm.addPass(createQuantizePass(quantize));
  if (options.accumulatorBits != 0) {
    // Proves what the quantizer made true and types the accumulators iP.
    qint::NarrowAccumulatorsPassOptions narrow;
    narrow.accumulatorBits = options.accumulatorBits;
    pm.addPass(qint::createNarrowAccumulatorsPass(narrow));
  }
  pm.addNestedPass<func::FuncOp>(qint::createPackWeightsPass());

  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}
