//===- Quantize.cpp - Calibrated float TOSA to qint integer kernels -------===//
//
// Rewrites each function of a cleaned-up, calibrated float TOSA module into
// an integer program with FunctionQuantizer (FunctionQuantizer.cpp). This
// file holds the pass: its options, the GPTQ Hessians it collects first and
// the report it writes last (QuantizeReport.cpp).
//
// With `rounding=gptq`, the entry function first runs in float on
// calibration samples to collect each layer's input Hessian
// (compress/Analysis/LayerHessians.h); the layer's weights are then rounded
// by GPTQ (compress/Analysis/Gptq.h) with the scales
// round-to-nearest would use.
//
// With `report=`, the pass also measures every layer's SQNR: it keeps a
// float copy of the function and runs both versions on calibration samples
// with the reference evaluator, comparing each layer's dequantized integer
// output with the float value it replaces.
//
//===----------------------------------------------------------------------===//

#include "FunctionQuantizer.h"

#include "compress/Evaluator/Evaluator.h"
#include "compress/Support/Npy.h"
#include "compress/Support/Samples.h"
#include "compress/Transforms/Passes.h"

#include <cmath>

namespace compress {
#define GEN_PASS_DEF_QUANTIZEPASS
#include "compress/Transforms/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;
using namespace compress::qint;
using namespace compress::quantize;

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct QuantizePass : public compress::impl::QuantizePassBase<QuantizePass> {
  using QuantizePassBase::QuantizePassBase;

  /// Rejects options no run could use, before any pass runs.
  LogicalResult initialize(MLIRContext *context) override {
    Location loc = UnknownLoc::get(context);
    if (weightBits < 1 || weightBits > 8)
      return emitError(loc) << "compress-quantize: weight-bits must be in "
                               "[1, 8], got "
                            << int64_t(weightBits);
    if (!((activationBits >= 4 && activationBits <= 8) ||
          activationBits == 16))
      return emitError(loc)
             << "compress-quantize: activation-bits must be in [4, 8] or 16, "
                "got "
             << int64_t(activationBits);
    if (rounding == WeightRounding::Gptq && calibration.empty())
      return emitError(loc, "compress-quantize: rounding=gptq needs "
                            "calibration= samples to collect the Hessian of "
                            "each layer's inputs");
    if (gptqSamples < 1)
      return emitError(loc) << "compress-quantize: gptq-samples must be "
                               "positive, got "
                            << int64_t(gptqSamples);
    if (!(gptqDamp >= 0.0) || !std::isfinite(gptqDamp))
      return emitError(loc) << "compress-quantize: gptq-damp must be "
                               "non-negative, got "
                            << double(gptqDamp);
    if (!report.empty() && calibration.empty())
      return emitError(loc, "compress-quantize: report= needs calibration= "
                            "samples to measure the SQNR of each layer");
    if (reportSamples < 1)
      return emitError(loc) << "compress-quantize: report-samples must be "
                               "positive, got "
                            << int64_t(reportSamples);
    if (prune && rounding != WeightRounding::Gptq)
      return emitError(loc) << "compress-quantize: prune needs rounding=gptq, "
                               "whose sweep prunes";
    if (accumulatorBits != 0 && (accumulatorBits < 2 || accumulatorBits > 32))
      return emitError(loc) << "compress-quantize: accumulator-bits must be "
                               "0 or in [2, 32], got "
                            << int64_t(accumulatorBits);
    return success();
  }

  /// The options as FunctionQuantizer takes them.
  Options quantizerOptions() const {
    Options options;
    options.weightBits = weightBits;
    options.activationBits = activationBits;
    options.clip = weightClip;
    options.rescaleRounding = rescaleRounding;
    options.gptq = rounding == WeightRounding::Gptq;
    options.gptqOptions.damp = gptqDamp;
    options.accumulatorBits = unsigned(accumulatorBits);
    if (prune)
      options.prunePattern = prunePattern;
    return options;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Options options = quantizerOptions();
    func::FuncOp entry;
    std::optional<Tensor> data;
    if (!report.empty() || options.gptq) {
      auto found = findEntryFunction(module, "");
      if (!found) {
        module.emitError(llvm::toString(found.takeError()));
        return signalPassFailure();
      }
      entry = *found;
    }
    // Collected before any rewriting: GPTQ wants each layer's float input.
    std::optional<LayerHessians> hessians;
    if (options.gptq) {
      FailureOr<LayerHessians> collected =
          LayerHessians::collectOnSamples(entry, calibration, gptqSamples);
      if (failed(collected))
        return signalPassFailure();
      hessians = std::move(*collected);
    }
    if (!report.empty()) {
      auto read = readNpy(calibration, reportSamples);
      if (!read) {
        module.emitError(llvm::toString(read.takeError()));
        return signalPassFailure();
      }
      data = std::move(*read);
    }

    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isExternal())
        continue;
      OwningOpRef<func::FuncOp> floatCopy;
      DenseMap<Operation *, Operation *> twins;
      if (func == entry && !report.empty()) {
        floatCopy = func.clone();
        for (auto [a, b] : llvm::zip(func.getBody().front(),
                                     floatCopy->getBody().front()))
          twins[&a] = &b;
      }
      FunctionQuantizer quantizer(func, options, floatCopy ? &twins : nullptr,
                                  func == entry && hessians ? &*hessians
                                                            : nullptr);
      if (failed(quantizer.run()))
        return signalPassFailure();
      numLayersQuantized += quantizer.layers.size();
      numLayersGptq += llvm::count_if(quantizer.layers, [](const LayerInfo &l) {
        return l.rounding == "gptq";
      });
      numOpsLeftFloat += quantizer.leftFloat.size();
      if (func != entry || report.empty())
        continue;
      int64_t samples = std::min<int64_t>(reportSamples, data->dim(0));
      if (failed(measureSqnr(*floatCopy, func, *data, samples,
                             quantizer.layers)) ||
          failed(writeReport(report, quantizer, options, samples, func)))
        return signalPassFailure();
    }
  }
};
} // namespace
