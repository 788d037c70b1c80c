//===- Sensitivity.cpp - The compress-sensitivity pass --------------------===//
//
// Estimates how much each layer's loss curvature amplifies weight noise --
// the average Hessian trace `Tr(H) / n` of its weights, as in HAWQ-V2 --
// and records it as a `#compress.sensitivity` attribute on the layer's op,
// where bit-width planning reads it. Quantizing a layer with trace `t` and
// weight noise of variance `s^2` costs about `t * n * s^2 / 2` in loss, so
// layers with large traces deserve more bits. The input activation's trace
// is recorded too: the planner weighs activation noise with it.
//
// The estimators (`fisher`, `hutchinson`) and the reader of traces computed
// elsewhere (`import:FILE.json`) live in compress/Analysis/Sensitivity.h;
// the pass checks its options, loads the samples, calls one of them and
// writes the attributes.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/Passes.h"

#include "compress/Analysis/Sensitivity.h"
#include "compress/Analysis/WeightLayers.h"
#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Support/Samples.h"

namespace compress {
#define GEN_PASS_DEF_SENSITIVITYPASS
#include "compress/Transforms/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;

namespace {

struct SensitivityPass
    : public compress::impl::SensitivityPassBase<SensitivityPass> {
  using SensitivityPassBase::SensitivityPassBase;

  /// Rejects options no run could use, before any pass runs.
  LogicalResult initialize(MLIRContext *context) override;
  void runOnOperation() override;

private:
  /// Traces of `layers` by the method the options choose.
  FailureOr<SensitivityEstimate> estimate(func::FuncOp func,
                                          ArrayRef<WeightLayer> layers);
};

} // namespace

LogicalResult SensitivityPass::initialize(MLIRContext *context) {
  Location loc = UnknownLoc::get(context);
  if (method.kind != SensitivityMethod::Kind::Import && calibration.empty())
    return emitError(loc, "compress-sensitivity: the ")
           << method.kindName()
           << " method needs sample inputs: calibration=FILE.npy";
  if (samples < 0)
    return emitError(loc,
                     "compress-sensitivity: samples must be non-negative, got ")
           << samples.getValue();
  if (probes < 1)
    return emitError(loc, "compress-sensitivity: probes must be at least 1, "
                          "got ")
           << probes.getValue();
  if (!(tolerance >= 0))
    return emitError(loc, "compress-sensitivity: tolerance must be "
                          "non-negative, got ")
           << tolerance.getValue();
  return success();
}

FailureOr<SensitivityEstimate>
SensitivityPass::estimate(func::FuncOp func, ArrayRef<WeightLayer> layers) {
  if (method.kind == SensitivityMethod::Kind::Import)
    return importTraces(func, layers, method.importPath);

  FailureOr<SampleSet> sampleSet =
      loadSamples(getOperation(), func, calibration, samples);
  if (failed(sampleSet))
    return failure();
  SensitivityOptions options;
  options.seed = seed;
  options.probes = probes;
  options.tolerance = tolerance;
  if (method.kind == SensitivityMethod::Kind::Hutchinson)
    return computeHutchinsonTraces(func, layers, *sampleSet, calibration,
                                   options);
  return computeFisherTraces(func, layers, *sampleSet, calibration, options);
}

void SensitivityPass::runOnOperation() {
  ModuleOp module = getOperation();
  llvm::Expected<func::FuncOp> entryFunc = findEntryFunction(module, entry);
  if (!entryFunc) {
    module.emitError(llvm::toString(entryFunc.takeError()));
    return signalPassFailure();
  }
  func::FuncOp func = *entryFunc;
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  FailureOr<SensitivityEstimate> estimated = estimate(func, layers);
  if (failed(estimated))
    return signalPassFailure();

  MLIRContext *ctx = &getContext();
  auto sensitivityAttr =
      ctx->getLoadedDialect<CompressionDialect>()->getSensitivityAttrHelper();
  StringRef attrMethod = method.kindName();
  for (auto [layer, trace] : llvm::zip(layers, estimated->traces)) {
    sensitivityAttr.setAttr(
        layer.op, SensitivityAttr::get(ctx, APFloat(trace.weights),
                                       APFloat(trace.activations), attrMethod,
                                       estimated->numSamples));
    ++numLayersAnnotated;
  }
}
