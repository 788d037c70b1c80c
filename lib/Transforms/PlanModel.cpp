//===- PlanModel.cpp - What a compress-plan option costs ------------------===//
//
// HAWQ-V2's Omega for one layer option: the layer's Hessian trace times
// the squared perturbation of its weights quantized (and pruned) as
// compress-quantize and compress-prune would, plus the activation
// quantization noise weighted by the input's trace; and the bytes the
// option's weights are stored in.
//
//===----------------------------------------------------------------------===//

#include "PlanModel.h"

#include "compress/Analysis/AccumulatorBudget.h"
#include "compress/Dialect/QInt/IR/QInt.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace compress;
using namespace compress::plan;
using namespace compress::qint;

/// The squared error of a layer's `weights` (its float weights pruned to
/// `sparsity` percent by pruneForPlan, or unpruned) quantized per channel
/// to `bits` bits, as compress-quantize would do it, against the float
/// weights, and the bytes they are stored in (with scales and bias). With
/// `model.accumulatorBits`, made to fit that accumulator for inputs
/// quantized to `activationBits` (scales grown as round-to-nearest needs;
/// infinite if they cannot fit).
static WeightCost weightCost(const LayerFacts &facts, unsigned bits,
                             const WeightModel &model, unsigned activationBits,
                             unsigned sparsity, ArrayRef<float> weights) {
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

std::vector<float> plan::pruneForPlan(const LayerFacts &f, unsigned sparsity,
                                      const WeightModel &model) {
  return *pruneByMagnitude(f.layer.kind, f.weights, f.shape,
                           {model.pattern, double(sparsity) / 100.0});
}

const WeightCost &plan::getWeightCost(LayerFacts &f, unsigned weightBits,
                                      unsigned activationBits,
                                      unsigned sparsity,
                                      const WeightModel &model,
                                      ArrayRef<float> pruned) {
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

PlanOption plan::measureOption(LayerFacts &f, unsigned weightBits,
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
