//===- CompressPipeline.cpp - The compress-pipeline named pipeline --------===//
//
// Post-training quantization end to end, built from the same passes a user
// can run one by one: the options map 1:1 onto pass options, so
// `--compress-pipeline="..."` and the explicit pass list give identical IR.
//
//===----------------------------------------------------------------------===//

#include "compress/Pipelines/Pipelines.h"
#include "compress/Dialect/QInt/Transforms/Passes.h"
#include "compress/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// The largest entry of `values`, or `fallback` when it is empty.
static int64_t widest(ArrayRef<int64_t> values, int64_t fallback) {
  return values.empty() ? fallback : *llvm::max_element(values);
}

void compress::buildCompressPipeline(OpPassManager &pm,
                                     const CompressPipelineOptions &options) {
  bool plans = options.plans();
  // Planned widths go below 8 bits, where GPTQ rounding pays off; without
  // a plan the default stays round-to-nearest, as for int8.
  std::string rounding = options.rounding.empty()
                             ? std::string(plans ? "gptq" : "nearest")
                             : std::string(options.rounding);
  // Without a plan each list holds one width; with one, calibration
  // optimises ranges for the widest activations and tensors no plan covers
  // get that width too.
  int64_t activationBits = widest(options.activationBits, 8);

  pm.addNestedPass<func::FuncOp>(createCleanupPass());

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
    plan.report = options.planReport;
    plan.paretoSvg = options.paretoSvg;
    pm.addPass(createPlanPass(plan));
  }

  QuantizePassOptions quantize;
  quantize.weightBits = widest(options.weightBits, 8);
  quantize.activationBits = activationBits;
  quantize.weightClip = options.weightClip;
  quantize.rescaleRounding = options.rescaleRounding;
  quantize.rounding = rounding;
  quantize.gptqSamples = options.gptqSamples;
  quantize.report = options.report;
  quantize.calibration = options.calibration;
  pm.addPass(createQuantizePass(quantize));
  pm.addNestedPass<func::FuncOp>(qint::createPackWeightsPass());

  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}
