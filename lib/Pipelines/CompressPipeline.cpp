//===- CompressPipeline.cpp - The compress-pipeline named pipeline --------===//
//
// Post-training quantization end to end, built from the same passes a user
// can run one by one: the options map 1:1 onto pass options, so
// `--compress-pipeline="..."` and the explicit pass list give identical IR.
//
//===----------------------------------------------------------------------===//

#include "compress/Pipelines/Pipelines.h"
#include "compress/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void compress::buildCompressPipeline(OpPassManager &pm,
                                     const CompressPipelineOptions &options) {
  pm.addNestedPass<func::FuncOp>(createCleanupPass());

  CalibratePassOptions calibrate;
  calibrate.calibration = options.calibration;
  calibrate.samples = options.samples;
  calibrate.method = options.calibrationMethod;
  calibrate.percentile = options.percentile;
  calibrate.bits = options.activationBits;
  pm.addPass(createCalibratePass(calibrate));

  QuantizePassOptions quantize;
  quantize.weightBits = options.weightBits;
  quantize.activationBits = options.activationBits;
  quantize.weightClip = options.weightClip;
  quantize.rounding = options.rounding;
  quantize.report = options.report;
  quantize.calibration = options.calibration;
  pm.addPass(createQuantizePass(quantize));

  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}
