//===- FakeQuantize.cpp - The compress-fake-quantize pass -----------------===//
//
// Replaces the float weights of chosen layers by the values their
// quantization stands for, so that the float graph measures the effect of
// quantizing just those weights.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/Passes.h"

#include "compress/Analysis/WeightLayers.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"
#include "compress/Support/Samples.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringSet.h"

namespace compress {
#define GEN_PASS_DEF_FAKEQUANTIZEPASS
#include "compress/Transforms/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;
using namespace compress::qint;

namespace {

struct FakeQuantizePass
    : public compress::impl::FakeQuantizePassBase<FakeQuantizePass> {
  using FakeQuantizePassBase::FakeQuantizePassBase;
  /// Rejects options no run could use, before any pass runs.
  LogicalResult initialize(MLIRContext *context) override;
  void runOnOperation() override;
};

} // namespace

LogicalResult FakeQuantizePass::initialize(MLIRContext *context) {
  if (bits < 1 || bits > 8)
    return emitError(UnknownLoc::get(context),
                     "compress-fake-quantize: bits must be 1..8, got ")
           << bits.getValue();
  return success();
}

void FakeQuantizePass::runOnOperation() {
  ModuleOp module = getOperation();
  auto fail = [&](const Twine &message) {
    module.emitError(message);
    signalPassFailure();
  };
  WeightClip clip = weightClip;

  llvm::Expected<func::FuncOp> func = findEntryFunction(module, entry);
  if (!func)
    return fail(llvm::toString(func.takeError()));
  SmallVector<WeightLayer> all = collectWeightLayers(*func);
  llvm::StringSet<> known;
  for (const WeightLayer &layer : all)
    known.insert(layer.name);
  for (const std::string &name : layers)
    if (!known.contains(name)) {
      std::string names;
      for (const WeightLayer &layer : all)
        names += (names.empty() ? "" : ", ") + layer.name;
      return fail("@" + func->getSymName() + " has no layer '" + name +
                  "' (layers: " + names + ")");
    }
  llvm::StringSet<> chosen;
  for (const std::string &name : layers)
    chosen.insert(name);

  OpBuilder builder(&getContext());
  for (const WeightLayer &layer : all) {
    if (!chosen.empty() && !chosen.contains(layer.name))
      continue;
    std::vector<float> weights = *readFloatConstant(layer.weights);
    auto type = cast<RankedTensorType>(layer.weights.getType());
    std::vector<float> approx = dequantizeWeights(
        quantizeWeights(weights, type.getShape(), layer.scaleAxis, bits, clip),
        type.getShape(), layer.scaleAxis);
    // A new constant for this layer alone: the original may feed others.
    builder.setInsertionPoint(layer.op);
    auto constant = tosa::ConstOp::create(
        builder, layer.weights.getLoc(), type,
        DenseElementsAttr::get(type, ArrayRef<float>(approx)));
    layer.op->replaceUsesOfWith(layer.weights, constant);
  }
}
