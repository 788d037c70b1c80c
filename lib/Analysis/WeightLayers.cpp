//===- WeightLayers.cpp - The weight-bearing ops of a float graph ---------===//

#include "compress/Analysis/WeightLayers.h"
#include "compress/Evaluator/Evaluator.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cstring>

using namespace mlir;

/// The weight operand of a layer kind, or null.
static Value getWeightOperand(Operation *op) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(
          [](auto conv) { return conv.getWeight(); })
      .Case<tosa::MatMulOp>([](tosa::MatMulOp matmul) { return matmul.getB(); })
      .Default([](Operation *) { return Value(); });
}

/// The element count of a statically shaped float32 tensor type, or 0.
static int64_t staticF32Elements(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() || !tensor.getElementType().isF32())
    return 0;
  return tensor.getNumElements();
}

std::optional<compress::LayerKind> compress::getLayerKind(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<LayerKind>>(op)
      .Case<tosa::Conv2DOp>([](auto) { return LayerKind::Conv2D; })
      .Case<tosa::DepthwiseConv2DOp>(
          [](auto) { return LayerKind::DepthwiseConv2D; })
      .Case<tosa::MatMulOp>([](auto) { return LayerKind::Matmul; })
      .Default([](Operation *) { return std::nullopt; });
}

bool compress::keepsQuantization(Operation *op) {
  return isa<tosa::MaxPool2dOp, tosa::AvgPool2dOp, tosa::ReshapeOp,
             tosa::TransposeOp, tosa::SliceOp, tosa::PadOp, tosa::TileOp,
             tosa::ReverseOp>(op);
}

Value compress::quantizationSource(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (!keepsQuantization(def))
      break;
    value = def->getOperand(0);
  }
  return value;
}

std::optional<std::vector<float>> compress::readFloatConstant(Value value) {
  ElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) ||
      !attr.getElementType().isF32())
    return std::nullopt;
  if (std::optional<ArrayRef<char>> data = getResourceData(attr)) {
    std::vector<float> result(attr.getNumElements());
    std::memcpy(result.data(), data->data(), data->size());
    return result;
  }
  if (isa<DenseResourceElementsAttr>(attr))
    return std::nullopt;
  if (auto values = attr.tryGetValues<float>())
    return std::vector<float>(values->begin(), values->end());
  std::vector<float> result;
  result.reserve(attr.getNumElements());
  for (const APFloat &v : attr.getValues<APFloat>())
    result.push_back(v.convertToFloat());
  return result;
}

SmallVector<compress::WeightLayer>
compress::collectWeightLayers(func::FuncOp func) {
  SmallVector<WeightLayer> layers;
  llvm::StringMap<unsigned> counts;
  func.walk([&](Operation *op) {
    Value weights = getWeightOperand(op);
    Attribute weightsAttr;
    if (!weights || !matchPattern(weights, m_Constant(&weightsAttr)))
      return;
    // A resource whose blob was elided has no values to compress.
    if (isa<DenseResourceElementsAttr>(weightsAttr) &&
        !getResourceData(weightsAttr))
      return;
    int64_t numWeights = staticF32Elements(weights.getType());
    if (!numWeights)
      return;
    StringRef kind = op->getName().stripDialect();
    WeightLayer layer{(kind + "_" + Twine(counts[kind]++)).str(),
                      *getLayerKind(op),
                      op,
                      weights,
                      numWeights,
                      isa<tosa::Conv2DOp>(op) ? 0 : 2};
    Value input = op->getOperand(0);
    if (int64_t numInputs = staticF32Elements(input.getType())) {
      layer.input = input;
      layer.numInputs = numInputs;
    }
    layers.push_back(std::move(layer));
  });
  return layers;
}
