//===- Prune.cpp - The compress-prune pass --------------------------------===//
//
// Zeroes a fraction of the float weights of every layer
// (compress/Analysis/Pruning.h): by magnitude, or by SparseGPT over the
// Hessians of the layers' inputs on calibration samples (Gptq.h). Each
// layer's weight constant is replaced by its pruned copy; nothing else
// changes, and the zeros are what the later passes read as pruned.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/Gptq.h"
#include "compress/Analysis/LayerHessians.h"
#include "compress/Analysis/Pruning.h"
#include "compress/Analysis/WeightLayers.h"
#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Support/Samples.h"
#include "compress/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

#include <cmath>

namespace compress {
#define GEN_PASS_DEF_PRUNEPASS
#include "compress/Transforms/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;

namespace {
struct PrunePass : public compress::impl::PrunePassBase<PrunePass> {
  using PrunePassBase::PrunePassBase;

  /// Rejects options no run could use, before any pass runs.
  LogicalResult initialize(MLIRContext *context) override {
    Location loc = UnknownLoc::get(context);
    if (sparsity < 0 || sparsity > 99)
      return emitError(loc) << "compress-prune: sparsity must be a percent "
                               "in [0, 99], got "
                            << int64_t(sparsity);
    if (pattern == PrunePattern::TwoFour && sparsity != 50 && sparsity != 0)
      return emitError(loc) << "compress-prune: pattern=2:4 zeroes 50% of "
                               "the weights; sparsity must be 0 or 50, got "
                            << int64_t(sparsity);
    if (method == PruneMethod::Hessian && calibration.empty())
      return emitError(loc, "compress-prune: method=hessian needs "
                            "calibration= samples to collect the Hessian of "
                            "each layer's inputs");
    if (method == PruneMethod::Magnitude && !calibration.empty())
      return emitError(loc, "compress-prune: calibration= is read by "
                            "method=hessian only");
    if (samples < 1)
      return emitError(loc) << "compress-prune: samples must be positive, got "
                            << int64_t(samples);
    if (!(damp >= 0.0) || !std::isfinite(damp))
      return emitError(loc) << "compress-prune: damp must be non-negative, "
                               "got "
                            << double(damp);
    return success();
  }

  /// The pruned `weights` of `layer`, or nothing after an error.
  std::optional<std::vector<float>>
  pruneLayer(const WeightLayer &layer, ArrayRef<float> weights,
             const PruneSpec &spec, LayerHessians *hessians) {
    auto shape = cast<RankedTensorType>(layer.weights.getType()).getShape();
    if (!hessians)
      return pruneByMagnitude(layer.kind, weights, shape, spec);
    std::optional<LayerHessian> hessian = hessians->take(layer.op);
    if (!hessian) {
      layer.op->emitError("no input Hessian was collected for layer '")
          << layer.name << "'";
      return std::nullopt;
    }
    GptqOptions options;
    options.damp = damp;
    options.prune = spec;
    std::optional<std::vector<float>> pruned = sparseGptPruneLayer(
        layer.kind, weights, shape, hessian->values, options, &getContext());
    if (!pruned)
      layer.op->emitError("pruning layer '")
          << layer.name
          << "' failed: the damped Hessian of its inputs is not positive "
             "definite";
    return pruned;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    PruneSpec spec{pattern, double(sparsity) / 100.0};
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isExternal())
        continue;
      // Each layer to prune and how much: its plan says, if it has one.
      auto planAttr = getContext()
                          .getLoadedDialect<CompressionDialect>()
                          ->getPlanAttrHelper();
      SmallVector<std::pair<WeightLayer, PruneSpec>> layers;
      for (WeightLayer &layer : collectWeightLayers(func)) {
        PruneSpec layerSpec = spec;
        if (LayerPlanAttr plan = planAttr.getAttr(layer.op))
          layerSpec.sparsity = plan.getSparsity().convertToDouble();
        if (layerSpec.sparsity != 0.0 &&
            !llvm::is_contained(keepDense, layer.name))
          layers.push_back({std::move(layer), layerSpec});
      }
      if (layers.empty())
        continue;
      std::optional<LayerHessians> hessians;
      if (method == PruneMethod::Hessian) {
        FailureOr<LayerHessians> collected =
            LayerHessians::collectOnSamples(func, calibration, samples);
        if (failed(collected))
          return signalPassFailure();
        hessians = std::move(*collected);
      }
      for (const auto &[layer, layerSpec] : layers) {
        // collectWeightLayers took only float32 constants.
        std::vector<float> weights = *readFloatConstant(layer.weights);
        std::optional<std::vector<float>> pruned = pruneLayer(
            layer, weights, layerSpec, hessians ? &*hessians : nullptr);
        if (!pruned)
          return signalPassFailure();
        numWeightsZeroed += countZeros(*pruned) - countZeros(weights);
        ++numLayersPruned;
        // A copy for this layer: the old constant may have other users.
        OpBuilder builder(layer.op);
        auto type = cast<RankedTensorType>(layer.weights.getType());
        Operation *old = layer.weights.getDefiningOp();
        Value replacement = tosa::ConstOp::create(
            builder, old->getLoc(), type,
            DenseElementsAttr::get(type, ArrayRef<float>(*pruned)));
        layer.op->replaceUsesOfWith(layer.weights, replacement);
        if (old->use_empty())
          old->erase();
      }
    }
  }
};
} // namespace
