//===- FunctionQuantizer.cpp - One function from float TOSA to qint -------===//
//
// Rewrites one function of a cleaned-up, calibrated float TOSA module into
// an integer program. The rewrite walks the function once in order and
// keeps, for every float value it has quantized, the integer value and its
// affine parameters; an op is rewritten when it can consume integers, and
// float values are materialised again (qint.dequantize) only where a float
// op or the return needs them. Layer-level fusion (conv + bias + ReLU,
// matmul + reshape + bias add + ReLU, add + ReLU) happens here because the
// output parameters of a layer are those of the last fused op.
//
//===----------------------------------------------------------------------===//

#include "FunctionQuantizer.h"

#include "compress/Analysis/Pruning.h"
#include "compress/Analysis/WeightLayers.h"
#include "compress/Dialect/QInt/Utils/IntegerRanges.h"
#include "compress/Dialect/Compression/IR/Compression.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace compress;
using namespace compress::qint;
using namespace compress::quantize;

/// True if `value` is a float constant that is zero everywhere.
static bool isZeroConstant(Value value) {
  auto values = readFloatConstant(value);
  return values && llvm::all_of(*values, [](float v) { return v == 0.0f; });
}

/// The sole user of `value`, if it has exactly one use.
static Operation *soleUser(Value value) {
  return value.hasOneUse() ? *value.getUsers().begin() : nullptr;
}


FailureOr<AffineParams> FunctionQuantizer::paramsFor(Value value) {
  unsigned bits = activationBitsFor(value);
  if (ValueRangeAttr range = getCalibratedRange(value))
    return chooseAffineParams(range.getMin().convertToDouble(),
                              range.getMax().convertToDouble(), bits);
  // A constant needs no calibration: its values are its range.
  if (auto values = readFloatConstant(value)) {
    auto [lo, hi] = std::minmax_element(values->begin(), values->end());
    return chooseAffineParams(values->empty() ? 0.0 : *lo,
                              values->empty() ? 0.0 : *hi, bits);
  }
  hadError = true;
  if (auto arg = dyn_cast<BlockArgument>(value))
    return func.emitError() << "argument #" << arg.getArgNumber()
                            << " has no calibrated range (compress.range); "
                               "run compress-calibrate before "
                               "compress-quantize";
  return value.getDefiningOp()->emitError(
      "value has no calibrated range (compress.range); run "
      "compress-calibrate before compress-quantize");
}

unsigned FunctionQuantizer::activationBitsFor(Value value) {
  // A plan gives the width of a layer's input; a tensor read by several
  // planned layers takes the widest of their choices (compress-plan ties
  // them to one).
  // Layers behind pooling or data movement read the same quantized tensor.
  unsigned bits = 0;
  SmallVector<Value> worklist{value};
  while (!worklist.empty()) {
    Value current = worklist.pop_back_val();
    for (Operation *user : current.getUsers()) {
      if (LayerPlanAttr plan = compression->getPlanAttrHelper().getAttr(user))
        bits = std::max<unsigned>(bits, plan.getActivationBits());
      else if (keepsQuantization(user) && user->getOperand(0) == current)
        worklist.push_back(user->getResult(0));
    }
  }
  return bits ? bits : options.activationBits;
}

unsigned FunctionQuantizer::weightBitsFor(Operation *op) {
  if (LayerPlanAttr plan = compression->getPlanAttrHelper().getAttr(op))
    return plan.getWeightBits();
  return options.weightBits;
}

RankedTensorType FunctionQuantizer::intType(Value value,
                                            const AffineParams &params) {
  auto type = cast<RankedTensorType>(value.getType());
  return type.clone(builder.getIntegerType(params.bits <= 8 ? 8 : 16));
}

FailureOr<QValue> FunctionQuantizer::getQuantized(Value value) {
  auto it = quantized.find(value);
  if (it != quantized.end())
    return it->second;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.getElementType().isF32())
    return failure();
  FailureOr<AffineParams> params = paramsFor(value);
  if (failed(params))
    return failure();
  OpBuilder::InsertionGuard guard(builder);
  if (auto arg = dyn_cast<BlockArgument>(value))
    builder.setInsertionPointToStart(arg.getOwner());
  else
    builder.setInsertionPointAfter(value.getDefiningOp());
  auto op = QuantizeOp::create(
      builder, value.getLoc(), intType(value, *params), value,
      builder.getF64FloatAttr(params->scale),
      builder.getI64IntegerAttr(params->zeroPoint),
      builder.getI64IntegerAttr(params->qmin),
      builder.getI64IntegerAttr(params->qmax));
  QValue result{op.getResult(), *params};
  quantized[value] = result;
  return result;
}

tosa::ClampOp FunctionQuantizer::fusibleClamp(Value value) {
  auto clamp = dyn_cast_or_null<tosa::ClampOp>(soleUser(value));
  if (!clamp || !isa<FloatAttr>(clamp.getMinValAttr()))
    return nullptr;
  return clamp;
}

std::pair<int64_t, int64_t>
FunctionQuantizer::clampBounds(const AffineParams &params,
                               tosa::ClampOp clamp) {
  int64_t lo = params.qmin, hi = params.qmax;
  if (clamp) {
    double fmin = cast<FloatAttr>(clamp.getMinValAttr()).getValueAsDouble();
    double fmax = cast<FloatAttr>(clamp.getMaxValAttr()).getValueAsDouble();
    lo = std::max(lo, params.quantize(fmin));
    hi = std::min(hi, params.quantize(fmax));
    hi = std::max(hi, lo);
  }
  return {lo, hi};
}

Value FunctionQuantizer::requantize(Location loc, Value acc,
                                    ArrayRef<double> factors, Type resultType,
                                    const AffineParams &out,
                                    tosa::ClampOp clamp) {
  SmallVector<int32_t> multipliers;
  SmallVector<int8_t> shifts;
  for (double factor : factors) {
    // Factors are products of scales: far below 2^29 for any sane model;
    // one that is not gets the largest representable factor.
    FixedPointScale f = toFixedPoint(factor).value_or(
        FixedPointScale{INT32_MAX, 2});
    multipliers.push_back(f.multiplier);
    shifts.push_back(f.shift);
  }
  // One factor for all channels is per-tensor scaling.
  if (llvm::all_equal(multipliers) && llvm::all_equal(shifts)) {
    multipliers.resize(1);
    shifts.resize(1);
  }
  auto [lo, hi] = clampBounds(out, clamp);
  return RequantizeOp::create(
      builder, loc, resultType, acc,
      builder.getDenseI32ArrayAttr(multipliers),
      builder.getDenseI8ArrayAttr(shifts), builder.getI64IntegerAttr(0),
      builder.getI64IntegerAttr(out.zeroPoint),
      RescaleRoundingAttr::get(builder.getContext(), options.rescaleRounding),
      builder.getI64IntegerAttr(lo), builder.getI64IntegerAttr(hi));
}

void FunctionQuantizer::recordLayer(Operation *kernel, Operation *floatOp,
                                    Operation *intOp, LayerInfo info,
                                    const LayerConstants &constants) {
  StringRef kind = kernel->getName().stripDialect();
  info.name = (kind + "_" + Twine(layerCounts[kind]++)).str();
  info.kind = kind.str();
  info.weightBytes = constants.storedBytes;
  info.storage = constants.storage;
  info.sparsity = constants.sparsity;
  StringAttr name = builder.getStringAttr(info.name);
  auto layerAttr = compression->getLayerAttrHelper();
  if (floatCopyOps)
    if (Operation *twin = floatCopyOps->lookup(floatOp))
      layerAttr.setAttr(twin, name);
  layerAttr.setAttr(intOp, name);
  floatWeightBytes += info.floatWeightBytes;
  weightBytes += info.weightBytes;
  layers.push_back(std::move(info));
}

std::pair<int64_t, int64_t> FunctionQuantizer::provenRange(Value value) {
  // A quantize, requantize or add bounds its result by its clamp, whatever
  // its operands: its own inference gives the range the analysis would,
  // without analysing the function again for every layer.
  Operation *def = value.getDefiningOp();
  if (isa_and_nonnull<QuantizeOp, RequantizeOp, AddOp>(def)) {
    SmallVector<IntegerValueRange> operands;
    for (Value operand : def->getOperands())
      operands.push_back(
          isa<IntegerType>(getElementTypeOrSelf(operand.getType()))
              ? IntegerValueRange(ConstantIntRanges::maxRange(
                    getElementTypeOrSelf(operand.getType())
                        .getIntOrFloatBitWidth()))
              : IntegerValueRange());
    std::optional<ConstantIntRanges> inferred;
    cast<InferIntRangeInterface>(def).inferResultRangesFromOptional(
        operands, [&](Value result, const IntegerValueRange &range) {
          if (result == value && !range.isUninitialized())
            inferred = range.getValue();
        });
    if (inferred)
      return {inferred->smin().getSExtValue(), inferred->smax().getSExtValue()};
  }
  IntegerRanges ranges;
  // Without the analysis only the type bounds the value.
  ConstantIntRanges range =
      succeeded(ranges.run(func))
          ? ranges.rangeOf(value)
          : ConstantIntRanges::maxRange(
                getElementTypeOrSelf(value.getType()).getIntOrFloatBitWidth());
  return {range.smin().getSExtValue(), range.smax().getSExtValue()};
}

FunctionQuantizer::LayerConstants FunctionQuantizer::buildLayerConstants(
    Operation *layer, ArrayRef<float> weights, RankedTensorType type,
    int64_t axis, unsigned bits, ArrayRef<float> bias, int64_t channels,
    int64_t channelsPerScale, const QValue &input, double outputScale) {
  Location loc = layer->getLoc();
  double inputScale = input.params.scale;
  QuantizedWeights qw =
      quantizeWeights(weights, type.getShape(), axis, bits, options.clip);
  // Channel c's integer bias at weight scale `scale`.
  auto biasOf = [&](int64_t c, double scale) -> int64_t {
    return bias.empty() ? 0
                        : quantizeBias(bias[bias.size() == 1 ? 0 : c],
                                       inputScale * scale);
  };
  std::optional<AccumulatorBudget> budget;
  ChannelLayout layout = ChannelLayout::of(*getLayerKind(layer), type.getShape());
  if (options.accumulatorBits) {
    auto [lo, hi] = provenRange(input.value);
    // Padding reads the zero point: a term of 0, which the budget's range
    // always contains.
    int64_t zp = input.params.zeroPoint;
    budget = AccumulatorBudget(options.accumulatorBits, lo - zp, hi - zp);
  }

  LayerConstants result;
  result.rounding = "nearest";
  // The naive accumulator-aware baseline, and the scales GPTQ then rounds
  // on: each scale grown until round-to-nearest's channels fit.
  if (budget && !fitByScaling(weights, layout, bits, *budget, biasOf,
                              qw.scales, qw.values)) {
    layer->emitError() << "the weights cannot fit accumulator-bits="
                       << options.accumulatorBits
                       << (bits == 1 ? ": binary weights keep their "
                                       "magnitude at any scale"
                                     : ": growing the scales does not make "
                                       "every channel fit");
    hadError = true;
  }
  // The pruning the layer's plan asks for, if any.
  std::optional<PruneSpec> prune;
  if (options.prunePattern)
    if (LayerPlanAttr plan = compression->getPlanAttrHelper().getAttr(layer))
      if (double sparsity = plan.getSparsity().convertToDouble(); sparsity > 0)
        prune = PruneSpec{*options.prunePattern, sparsity};
  bool pruned = false;
  if (std::optional<LayerHessian> hessian =
          hessians ? hessians->take(layer) : std::nullopt) {
    // With a budget, each weight is clipped to its channel's room as it is
    // rounded, and the error fed back to the columns after it.
    GptqOptions gptqOptions = options.gptqOptions;
    gptqOptions.prune = prune;
    std::vector<int64_t> biases;
    if (budget) {
      for (int64_t c = 0; c < channels; ++c)
        biases.push_back(biasOf(c, qw.scales[c / channelsPerScale]));
      gptqOptions.accumulator = budget;
    }
    if (auto values = gptqRoundLayer(
            *getLayerKind(layer), weights, type.getShape(), qw.scales, bits,
            hessian->values, gptqOptions, builder.getContext(), biases)) {
      qw.values = std::move(*values);
      result.rounding = "gptq";
      pruned = true;
    } else
      layer->emitWarning("GPTQ failed: the damped Hessian of the layer's "
                         "inputs is not positive definite; weights "
                         "rounded to nearest")
          << (prune ? " and pruned by magnitude" : "");
  }
  if (prune && !pruned) {
    // Zeroing integers only narrows every accumulator's range, so a budget
    // the rounded weights met still holds.
    std::optional<std::vector<float>> kept = pruneByMagnitude(
        *getLayerKind(layer), weights, type.getShape(), *prune);
    assert(kept && "the layer's shape fits its kind");
    for (auto [value, weight] : llvm::zip_equal(qw.values, *kept))
      if (weight == 0.0f)
        value = 0;
  }
  SmallVector<int32_t> biasValues;
  for (int64_t c = 0; c < channels; ++c) {
    double scale = qw.scales[c / channelsPerScale];
    result.factors.push_back(inputScale * scale / outputScale);
    biasValues.push_back(int32_t(biasOf(c, scale)));
  }
  if (budget) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int64_t c = 0; c < channels; ++c) {
      auto [clo, chi] = budget->range(layout.channel(qw.values, c), biasValues[c]);
      lo = std::min(lo, clo);
      hi = std::max(hi, chi);
    }
    result.accumulatorBound = {lo, hi};
  }
  auto valuesType = type.clone(builder.getI8Type());
  result.weights = WeightsOp::create(
      builder, loc, valuesType,
      DenseElementsAttr::get(valuesType, ArrayRef<int8_t>(qw.values)),
      builder.getI64IntegerAttr(bits), builder.getDenseF32ArrayAttr(qw.scales),
      builder.getI64IntegerAttr(axis), builder.getBoolAttr(true),
      WeightLayoutAttr::get(builder.getContext(), WeightLayout::dense),
      /*mask=*/nullptr, /*block=*/nullptr);
  auto biasType = RankedTensorType::get({channels}, builder.getI32Type());
  result.bias = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(biasType, ArrayRef(biasValues)));
  // The layout compress-pack-weights will store the weights in.
  result.storage =
      chooseWeightStorage(qw.values, type.getShape(), bits,
                          /*isSigned=*/true,
                          getReductionAxis(*getLayerKind(layer)));
  result.storedBytes = result.storage.bytes +
                       int64_t(qw.scales.size()) * 4 + channels * 4;
  if (!qw.values.empty())
    result.sparsity =
        double(llvm::count(qw.values, 0)) / double(qw.values.size());
  return result;
}

LogicalResult FunctionQuantizer::quantizeConv(Operation *op) {
  bool depthwise = isa<tosa::DepthwiseConv2DOp>(op);
  Value input = op->getOperand(0), weightsValue = op->getOperand(1);
  auto weights = readFloatConstant(weightsValue);
  auto bias = readFloatConstant(op->getOperand(2));
  if (!weights || !bias || !isZeroConstant(op->getOperand(3)) ||
      !isZeroConstant(op->getOperand(4)))
    return failure();
  FailureOr<QValue> x = getQuantized(input);
  if (failed(x))
    return failure();

  auto wType = cast<RankedTensorType>(weightsValue.getType());
  unsigned bits = weightBitsFor(op);
  Value result = op->getResult(0);
  tosa::ClampOp clamp = fusibleClamp(result);
  Value layerOutput = clamp ? clamp.getResult() : result;
  FailureOr<AffineParams> out = paramsFor(layerOutput);
  if (failed(out))
    return failure();

  // Per output channel: axis 0 of OHWI; for depthwise [KH, KW, C, M] the
  // channel multiplier groups share the scale of their input channel.
  auto resultType = cast<RankedTensorType>(result.getType());
  int64_t channels = resultType.getShape().back();
  builder.setInsertionPoint(op);
  Location loc = op->getLoc();
  LayerConstants layer = buildLayerConstants(
      op, *weights, wType, depthwise ? 2 : 0, bits, *bias, channels,
      depthwise ? wType.getDimSize(3) : 1, *x, out->scale);
  auto pad = cast<DenseI64ArrayAttr>(op->getAttr("pad"));
  auto accType = resultType.clone(builder.getI32Type());
  Operation *acc;
  auto stride = cast<DenseI64ArrayAttr>(op->getAttr("stride"));
  auto dilation = cast<DenseI64ArrayAttr>(op->getAttr("dilation"));
  auto zp = builder.getI64IntegerAttr(x->params.zeroPoint);
  if (depthwise)
    acc = DepthwiseConv2DOp::create(builder, loc, accType, x->value,
                                    layer.weights, layer.bias, zp, pad, stride,
                                    dilation);
  else
    acc = Conv2DOp::create(builder, loc, accType, x->value, layer.weights,
                           layer.bias, zp, pad, stride, dilation);
  Value y = requantize(loc, acc->getResult(0), layer.factors,
                       intType(layerOutput, *out), *out, clamp);

  quantized[layerOutput] = {y, *out};
  markReplaced(op);
  if (clamp)
    markReplaced(clamp);
  recordLayer(acc, layerOutput.getDefiningOp(), y.getDefiningOp(),
              {"", "", bits, out->bits, layer.rounding,
               int64_t(weights->size() + bias->size()) * 4, 0, *out, 0.0, 0.0,
               layer.accumulatorBound},
              layer);
  return success();
}

FunctionQuantizer::FullyConnectedTail
FunctionQuantizer::matchFullyConnectedTail(tosa::MatMulOp op, int64_t n) {
  // A fully-connected layer as frontends emit it: matmul -> reshape to
  // [M, N] -> add of a constant bias -> optional clamp.
  FullyConnectedTail tail;
  tail.output = op.getResult();
  tail.reshape = dyn_cast_or_null<tosa::ReshapeOp>(soleUser(op.getResult()));
  if (tail.reshape)
    tail.biasAdd =
        dyn_cast_or_null<tosa::AddOp>(soleUser(tail.reshape.getResult()));
  if (tail.biasAdd) {
    Value other = tail.biasAdd.getInput1() == tail.reshape.getResult()
                      ? tail.biasAdd.getInput2()
                      : tail.biasAdd.getInput1();
    tail.bias = readFloatConstant(other);
    if (!tail.bias ||
        (tail.bias->size() != size_t(n) && tail.bias->size() != 1) ||
        tail.biasAdd.getType() != tail.reshape.getType())
      tail.bias.reset();
  }
  if (tail.bias)
    tail.output = tail.biasAdd.getResult();
  tail.clamp = fusibleClamp(tail.output);
  if (tail.clamp)
    tail.output = tail.clamp.getResult();
  return tail;
}

LogicalResult FunctionQuantizer::quantizeMatmul(tosa::MatMulOp op) {
  auto weights = readFloatConstant(op.getB());
  auto bType = cast<RankedTensorType>(op.getB().getType());
  if (!weights || bType.getDimSize(0) != 1 || !isZeroConstant(op.getAZp()) ||
      !isZeroConstant(op.getBZp()))
    return failure();
  FailureOr<QValue> x = getQuantized(op.getA());
  if (failed(x))
    return failure();
  int64_t n = bType.getDimSize(2);

  auto [reshape, biasAdd, bias, clamp, layerOutput] =
      matchFullyConnectedTail(op, n);
  FailureOr<AffineParams> out = paramsFor(layerOutput);
  if (failed(out))
    return failure();

  unsigned bits = weightBitsFor(op);
  builder.setInsertionPoint(op);
  Location loc = op.getLoc();
  LayerConstants layer = buildLayerConstants(
      op, *weights, bType, 2, bits,
      bias ? ArrayRef<float>(*bias) : ArrayRef<float>(), n, 1, *x,
      out->scale);
  auto accType = op.getType().clone(builder.getI32Type());
  auto acc = MatmulOp::create(builder, loc, accType, x->value, layer.weights,
                              layer.bias,
                              builder.getI64IntegerAttr(x->params.zeroPoint),
                              builder.getI64IntegerAttr(0));
  auto outType = cast<RankedTensorType>(op.getType());
  Value y = requantize(loc, acc, layer.factors, outType.clone(intType(layerOutput,
                                                                *out)
                                                            .getElementType()),
                       *out, clamp);
  Operation *producer = y.getDefiningOp();
  if (bias) {
    // The reshape to [M, N] moves to the integer side.
    auto reshapedType = intType(reshape.getResult(), *out);
    ImplicitLocOpBuilder shapeBuilder(loc, builder);
    auto reshaped = tosa::ReshapeOp::create(
        builder, loc, reshapedType, y,
        tosa::getTosaConstShape(shapeBuilder, reshapedType.getShape()));
    y = reshaped.getResult();
    markReplaced(reshape);
    markReplaced(biasAdd);
  }
  quantized[layerOutput] = {y, *out};
  markReplaced(op);
  if (clamp)
    markReplaced(clamp);
  recordLayer(acc, layerOutput.getDefiningOp(), producer,
              {"", "", bits, out->bits, layer.rounding,
               int64_t(weights->size() + (bias ? bias->size() : 0)) * 4,
               0, *out, 0.0, 0.0, layer.accumulatorBound},
              layer);
  return success();
}

LogicalResult FunctionQuantizer::quantizeAdd(tosa::AddOp op) {
  FailureOr<QValue> a = getQuantized(op.getInput1());
  if (failed(a))
    return failure();
  FailureOr<QValue> b = getQuantized(op.getInput2());
  if (failed(b))
    return failure();
  if (op.getInput1().getType() != op.getType() ||
      op.getInput2().getType() != op.getType())
    return failure(); // qint.add does not broadcast
  tosa::ClampOp clamp = fusibleClamp(op.getResult());
  Value layerOutput = clamp ? clamp.getResult() : op.getResult();
  FailureOr<AffineParams> out = paramsFor(layerOutput);
  if (failed(out))
    return failure();
  // Both sides are brought to a common scale 2^20 finer than twice the
  // larger input scale, as TFLite's integer add does: exact enough for
  // 8- and 16-bit inputs and far from overflowing i32.
  double common = 2.0 * std::max(a->params.scale, b->params.scale) /
                  double(1 << 20);
  auto fp = [](double factor) {
    return toFixedPoint(factor).value_or(FixedPointScale{INT32_MAX, 2});
  };
  FixedPointScale fa = fp(a->params.scale / common);
  FixedPointScale fb = fp(b->params.scale / common);
  FixedPointScale fo = fp(common / out->scale);
  auto [lo, hi] = clampBounds(*out, clamp);
  builder.setInsertionPoint(op);
  auto add = AddOp::create(
      builder, op.getLoc(), intType(layerOutput, *out), a->value, b->value,
      builder.getI64IntegerAttr(a->params.zeroPoint),
      builder.getI64IntegerAttr(b->params.zeroPoint),
      builder.getI32IntegerAttr(fa.multiplier),
      builder.getI8IntegerAttr(fa.shift),
      builder.getI32IntegerAttr(fb.multiplier),
      builder.getI8IntegerAttr(fb.shift),
      builder.getI32IntegerAttr(fo.multiplier),
      builder.getI8IntegerAttr(fo.shift),
      builder.getI64IntegerAttr(out->zeroPoint),
      RescaleRoundingAttr::get(builder.getContext(), options.rescaleRounding),
      builder.getI64IntegerAttr(lo), builder.getI64IntegerAttr(hi));
  quantized[layerOutput] = {add.getResult(), *out};
  markReplaced(op);
  if (clamp)
    markReplaced(clamp);
  return success();
}

/// Ops whose integer form is the same op on integers with unchanged
/// parameters: layout, shape and selection ops, and max pooling.
LogicalResult FunctionQuantizer::quantizeSameParams(Operation *op) {
  FailureOr<QValue> x = getQuantized(op->getOperand(0));
  if (failed(x))
    return failure();
  builder.setInsertionPoint(op);
  Location loc = op->getLoc();
  Value result = op->getResult(0);
  RankedTensorType type = intType(result, x->params);
  Value y;
  if (auto pool = dyn_cast<tosa::MaxPool2dOp>(op)) {
    y = MaxPool2DOp::create(builder, loc, type, x->value, pool.getKernelAttr(),
                            pool.getStrideAttr(), pool.getPadAttr());
  } else if (auto pool = dyn_cast<tosa::AvgPool2dOp>(op)) {
    if (!isZeroConstant(pool.getInputZp()) ||
        !isZeroConstant(pool.getOutputZp()))
      return failure();
    auto zp = builder.getI64IntegerAttr(x->params.zeroPoint);
    y = AvgPool2DOp::create(builder, loc, type, x->value, pool.getKernelAttr(),
                            pool.getStrideAttr(), pool.getPadAttr(), zp, zp,
                            TypeAttr::get(builder.getI32Type()));
  } else if (auto pad = dyn_cast<tosa::PadOp>(op)) {
    // Padding with the zero point pads with real 0.
    auto padValues = readFloatConstant(pad.getPadConst());
    if (!padValues || padValues->size() != 1 || (*padValues)[0] != 0.0f)
      return failure();
    auto constType =
        RankedTensorType::get({1}, type.getElementType());
    Value padConst = tosa::ConstOp::create(
        builder, loc, constType,
        DenseElementsAttr::get(constType,
                               builder.getIntegerAttr(type.getElementType(),
                                                      x->params.zeroPoint)));
    y = tosa::PadOp::create(builder, loc, type, x->value, pad.getPadding(),
                            padConst);
  } else {
    IRMapping mapping;
    mapping.map(op->getOperand(0), x->value);
    Operation *clone = builder.clone(*op, mapping);
    clone->getResult(0).setType(type);
    y = clone->getResult(0);
  }
  quantized[result] = {y, x->params};
  markReplaced(op);
  return success();
}

LogicalResult FunctionQuantizer::quantizeClamp(tosa::ClampOp op) {
  FailureOr<QValue> x = getQuantized(op.getInput());
  if (failed(x) || !isa<FloatAttr>(op.getMinValAttr()))
    return failure();
  auto [lo, hi] = clampBounds(x->params, op);
  builder.setInsertionPoint(op);
  RankedTensorType type = intType(op.getResult(), x->params);
  auto clamp = tosa::ClampOp::create(
      builder, op.getLoc(), type, x->value,
      builder.getIntegerAttr(type.getElementType(), lo),
      builder.getIntegerAttr(type.getElementType(), hi),
      op.getNanModeAttr());
  quantized[op.getResult()] = {clamp.getResult(), x->params};
  markReplaced(op);
  return success();
}

LogicalResult FunctionQuantizer::quantizeConcat(tosa::ConcatOp op) {
  FailureOr<AffineParams> out = paramsFor(op.getResult());
  if (failed(out))
    return failure();
  SmallVector<Value> inputs;
  builder.setInsertionPoint(op);
  for (Value input : op.getInput1()) {
    FailureOr<QValue> x = getQuantized(input);
    if (failed(x))
      return failure();
    if (x->params.scale == out->scale &&
        x->params.zeroPoint == out->zeroPoint && x->params.bits == out->bits) {
      inputs.push_back(x->value);
      continue;
    }
    // Inputs at other scales are brought to the output's parameters.
    FixedPointScale f = toFixedPoint(x->params.scale / out->scale)
                             .value_or(FixedPointScale{INT32_MAX, 2});
    inputs.push_back(RequantizeOp::create(
        builder, op.getLoc(), intType(input, *out), x->value,
        builder.getDenseI32ArrayAttr({f.multiplier}),
        builder.getDenseI8ArrayAttr({f.shift}),
        builder.getI64IntegerAttr(x->params.zeroPoint),
        builder.getI64IntegerAttr(out->zeroPoint),
        RescaleRoundingAttr::get(builder.getContext(), options.rescaleRounding),
        builder.getI64IntegerAttr(out->qmin),
        builder.getI64IntegerAttr(out->qmax)));
  }
  auto concat = tosa::ConcatOp::create(builder, op.getLoc(),
                                       intType(op.getResult(), *out), inputs,
                                       op.getAxisAttr());
  quantized[op.getResult()] = {concat.getResult(), *out};
  markReplaced(op);
  return success();
}

LogicalResult FunctionQuantizer::run() {
  if (failed(quantizeOps()))
    return failure();
  return replaceQuantizedOps();
}

LogicalResult FunctionQuantizer::quantizeOps() {
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    ops.push_back(&op);
  for (Operation *op : ops) {
    if (llvm::is_contained(replaced, op) || isa<func::ReturnOp>(op) ||
        op->hasTrait<OpTrait::ConstantLike>())
      continue;
    bool floatOp = llvm::any_of(op->getResultTypes(), [](Type t) {
      auto ranked = dyn_cast<RankedTensorType>(t);
      return ranked && ranked.getElementType().isF32();
    });
    if (!floatOp)
      continue;
    // Subgraphs of constants stay float: they feed weights, not kernels.
    if (llvm::all_of(op->getOperands(), [](Value v) {
          return matchPattern(v, m_Constant());
        }))
      continue;
    // Errors come from missing ranges; an op that cannot take integers
    // simply stays float.
    LogicalResult result =
        TypeSwitch<Operation *, LogicalResult>(op)
            .Case<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(
                [&](Operation *conv) { return quantizeConv(conv); })
            .Case([&](tosa::MatMulOp matmul) { return quantizeMatmul(matmul); })
            .Case([&](tosa::AddOp add) { return quantizeAdd(add); })
            .Case([&](tosa::ClampOp clamp) { return quantizeClamp(clamp); })
            .Case([&](tosa::ConcatOp concat) { return quantizeConcat(concat); })
            .Default([&](Operation *other) {
              return keepsQuantization(other) ? quantizeSameParams(other)
                                              : failure();
            });
    if (hadError)
      return failure();
    if (succeeded(result))
      continue;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << op->getLoc();
    leftFloat.push_back({op->getName().getStringRef().str(), text});
    if (compression->getPlanAttrHelper().isAttrPresent(op))
      op->emitWarning("left in float although compress-plan planned it: no "
                      "integer form for this op here, so the plan's size and "
                      "error do not hold for it");
    else
      op->emitRemark("left in float: no integer form for this op here");
  }
  return success();
}

LogicalResult FunctionQuantizer::replaceQuantizedOps() {
  // Float users of quantized values (ops left float, the return) read a
  // dequantized copy.
  llvm::SmallPtrSet<Operation *, 32> replacedSet(replaced.begin(),
                                                 replaced.end());
  for (Operation *op : replaced)
    for (Value result : op->getResults()) {
      auto it = quantized.find(result);
      Value dequantized;
      for (OpOperand &use : llvm::make_early_inc_range(result.getUses())) {
        if (replacedSet.contains(use.getOwner()))
          continue;
        if (it == quantized.end())
          return op->emitError("quantized value has no integer form");
        if (!dequantized) {
          builder.setInsertionPointAfterValue(it->second.value);
          dequantized = DequantizeOp::create(
              builder, op->getLoc(), result.getType(), it->second.value,
              builder.getF64FloatAttr(it->second.params.scale),
              builder.getI64IntegerAttr(it->second.params.zeroPoint));
        }
        use.set(dequantized);
      }
    }
  // Users before producers: walk the block backwards, since the order ops
  // were recorded in is not program order (a fused layer records its tail
  // ops before its kernel).
  for (Operation &op :
       llvm::make_early_inc_range(llvm::reverse(func.getBody().front())))
    if (replacedSet.contains(&op))
      op.erase();
  // Float constants that only fed rewritten ops are dead now.
  for (Operation &op : llvm::make_early_inc_range(
           llvm::reverse(func.getBody().front())))
    if (op.use_empty() && !isa<func::ReturnOp>(op) && isMemoryEffectFree(&op))
      op.erase();
  return success();
}
