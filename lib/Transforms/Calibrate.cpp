//===- Calibrate.cpp - The compress-calibrate pass ------------------------===//
//
// Runs the entry function on the calibration samples with the reference
// evaluator and records the range chosen for every float tensor as a
// `#compress.range` attribute, which quantization reads to pick each
// activation's scale and zero point. Ranges live in the IR rather than in a
// side file so that they travel with the graph through later passes and
// can be inspected and tested like any other decision.
//
// The statistics and range-selection methods are in
// compress/Analysis/Calibration.h; this file validates the options, loads
// the data and writes the attributes.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/Passes.h"

#include "compress/Analysis/Calibration.h"
#include "compress/Evaluator/Evaluator.h"
#include "compress/Support/Npy.h"
#include "compress/Support/Samples.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/raw_ostream.h"

namespace compress {
#define GEN_PASS_DEF_CALIBRATEPASS
#include "compress/Transforms/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;

namespace {

struct CalibratePass : public compress::impl::CalibratePassBase<CalibratePass> {
  using CalibratePassBase::CalibratePassBase;

  /// Rejects options no run could use, before any pass runs.
  LogicalResult initialize(MLIRContext *context) override;
  void runOnOperation() override;

private:
  /// The options as the analysis takes them.
  CalibrationOptions analysisOptions() const;
  /// Writes the ranges of arguments and of single-result ops as attributes;
  /// warns about tensors that held NaNs or infinities.
  void recordRanges(func::FuncOp func,
                    const llvm::MapVector<Value, CalibratedRange> &ranges,
                    StringRef methodName, int64_t numSamples);
};

} // namespace

LogicalResult CalibratePass::initialize(MLIRContext *context) {
  Location loc = UnknownLoc::get(context);
  if (calibration.empty())
    return emitError(loc, "compress-calibrate needs the sample inputs: "
                          "calibration=FILE.npy");
  if (!(percentile > 50.0 && percentile <= 100.0))
    return emitError(loc, "compress-calibrate: percentile must be in "
                          "(50, 100], got ")
           << percentile.getValue();
  if (bits < 2 || bits > 16)
    return emitError(loc, "compress-calibrate: bits must be in [2, 16], got ")
           << bits.getValue();
  if (samples < 0)
    return emitError(loc,
                     "compress-calibrate: samples must be non-negative, got ")
           << samples.getValue();
  return success();
}

CalibrationOptions CalibratePass::analysisOptions() const {
  CalibrationOptions options;
  options.method = method;
  options.percentile = percentile;
  options.bits = bits;
  return options;
}

void CalibratePass::runOnOperation() {
  ModuleOp module = getOperation();
  CalibrationOptions options = analysisOptions();

  llvm::Expected<func::FuncOp> entryFunc = findEntryFunction(module, entry);
  if (!entryFunc) {
    module.emitError(llvm::toString(entryFunc.takeError()));
    return signalPassFailure();
  }
  func::FuncOp func = *entryFunc;
  FailureOr<SampleSet> sampleSet =
      loadSamples(module, func, calibration, samples);
  if (failed(sampleSet))
    return signalPassFailure();
  int64_t numSamples = sampleSet->count;

  FailureOr<Program> program = Program::compile(func);
  if (failed(program))
    return signalPassFailure();

  SmallVector<Value> values = collectCalibratedValues(func);
  auto inputsFor = [&](int64_t index) {
    return sampleSet->inputs(index, calibration);
  };
  auto ranges =
      calibrateRanges(*program, values, numSamples, inputsFor, options,
                      &getContext());
  if (!ranges) {
    func.emitError("calibration failed: ")
        << llvm::toString(ranges.takeError());
    return signalPassFailure();
  }
  recordRanges(func, *ranges, rangeMethodName(options.method), numSamples);
}

void CalibratePass::recordRanges(
    func::FuncOp func, const llvm::MapVector<Value, CalibratedRange> &ranges,
    StringRef methodName, int64_t numSamples) {
  MLIRContext *ctx = &getContext();
  auto rangeAttr =
      ctx->getLoadedDialect<CompressionDialect>()->getRangeAttrHelper();
  for (const auto &[value, calibrated] : ranges) {
    // A range on an op describes its only result (see getCalibratedRange);
    // one for an op with several results would have no reader.
    if (auto result = dyn_cast<OpResult>(value))
      if (result.getOwner()->getNumResults() != 1)
        continue;
    if (!calibrated.range) {
      emitWarning(value.getLoc(), "no finite value seen; no range recorded");
      continue;
    }
    if (int64_t n = calibrated.nonFiniteCount)
      emitWarning(value.getLoc())
          << n << (n == 1 ? " value was" : " values were")
          << " NaN or infinite and left out of the range";
    auto attr = ValueRangeAttr::get(ctx, APFloat(calibrated.range->min),
                                    APFloat(calibrated.range->max),
                                    methodName, numSamples);
    ++numRangesRecorded;
    if (auto arg = dyn_cast<BlockArgument>(value))
      func.setArgAttr(arg.getArgNumber(), rangeAttr.getName(), attr);
    else
      rangeAttr.setAttr(value.getDefiningOp(), attr);
  }
}
