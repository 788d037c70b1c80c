//===- ConvAffineFolding.cpp - Fold batch norm into convolutions ----------===//
//
// Frontends lower inference-mode batch norm to a chain of `tosa.sub`,
// `tosa.mul` and `tosa.add` ops with per-channel constants after the
// convolution. Each of them is an affine map per output channel, so it folds
// into the convolution: a multiplication scales that channel's weights and
// bias, an addition or subtraction shifts its bias. What is left is one
// convolution whose weights already include the batch-norm scale, which is
// what quantization needs to see.
//
// The scale itself, gamma * rsqrt(var + eps), is first combined into one
// constant gamma / sqrt(var + eps) in float32, the way PyTorch's, TFLite's
// and the ONNX exporters' batch-norm folding computes it; the weights are
// then scaled once. A model whose exporter folded batch norm and the same
// model with batch norm explicit thus get the same weights, bit for bit.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/WeightLayers.h"
#include "compress/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace compress;

namespace {

/// The operands of a convolution that absorb a per-channel affine map.
struct ConvParameters {
  OpOperand *weight;
  OpOperand *bias;
  /// Output channels vary fastest in the weights (depthwise HWCM layout,
  /// channel = c * M + m) rather than slowest (OHWI and ODHWI).
  bool channelsInnermost;
};

/// y = scale[c] * conv + offset[c] for output channel c.
struct ChannelAffine {
  SmallVector<double> scale;
  SmallVector<double> offset;
};

} // namespace

template <typename ConvOp>
static FailureOr<ConvParameters> getParameters(ConvOp conv,
                                               bool channelsInnermost) {
  // The fold scales the weights as they are; a non-zero zero point would be
  // subtracted from them (or the input) first.
  if (!matchPattern(conv.getInputZp(), m_AnyZeroFloat()) ||
      !matchPattern(conv.getWeightZp(), m_AnyZeroFloat()))
    return failure();
  return ConvParameters{&conv.getWeightMutable(), &conv.getBiasMutable(),
                        channelsInnermost};
}

/// Returns the weight and bias operands of a float convolution, or fails
/// for any other op.
static FailureOr<ConvParameters> getConvParameters(Operation *op) {
  return llvm::TypeSwitch<Operation *, FailureOr<ConvParameters>>(op)
      .Case<tosa::Conv2DOp, tosa::Conv3DOp, tosa::TransposeConv2DOp>(
          [](auto conv) { return getParameters(conv, false); })
      .Case<tosa::DepthwiseConv2DOp>(
          [](auto conv) { return getParameters(conv, true); })
      .Default([](Operation *) { return failure(); });
}

/// Reads the values of a float tensor constant.
static FailureOr<SmallVector<double>> readFloats(Value value) {
  auto constOp = value.getDefiningOp<tosa::ConstOp>();
  if (!constOp)
    return failure();
  ElementsAttr attr = constOp.getValues();
  if (!isa<FloatType>(attr.getElementType()))
    return failure();
  SmallVector<double> values;
  values.reserve(attr.getNumElements());
  if (attr.getElementType().isF32()) {
    if (std::optional<std::vector<float>> floats = readFloatConstant(value)) {
      values.append(floats->begin(), floats->end());
      return values;
    }
  }
  auto floats = attr.tryGetValues<APFloat>();
  if (!floats)
    return failure();
  for (const APFloat &value : *floats)
    values.push_back(value.convertToDouble());
  return values;
}

/// Creates a `tosa.const` of `type` from `values`, rounded to its element
/// type.
static Value createFloatConstant(PatternRewriter &rewriter, Location loc,
                                 RankedTensorType type,
                                 ArrayRef<double> values) {
  auto elementType = cast<FloatType>(type.getElementType());
  DenseElementsAttr attr;
  if (elementType.isF32()) {
    SmallVector<float> floats(values.begin(), values.end());
    attr = DenseElementsAttr::get(type, ArrayRef(floats));
  } else {
    SmallVector<APFloat> floats;
    for (double value : values) {
      APFloat rounded(value);
      bool losesInfo;
      rounded.convert(elementType.getFloatSemantics(),
                      APFloat::rmNearestTiesToEven, &losesInfo);
      floats.push_back(rounded);
    }
    attr = DenseElementsAttr::get(type, floats);
  }
  return tosa::ConstOp::create(rewriter, loc, type, attr);
}

/// Reads a constant that broadcasts against a `resultType` tensor along its
/// last (channel) dimension only: shape 1x...x1xC, 1x...x1, or a splat.
/// Returns one value per channel.
static FailureOr<SmallVector<double>>
readPerChannel(Value value, RankedTensorType resultType) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() != resultType.getRank() || type.getRank() == 0)
    return failure();
  FailureOr<SmallVector<double>> values = readFloats(value);
  if (failed(values) || values->empty())
    return failure();
  int64_t channels = resultType.getShape().back();
  if (llvm::all_equal(*values))
    return SmallVector<double>(channels, values->front());
  if (!llvm::all_of(type.getShape().drop_back(),
                    [](int64_t size) { return size == 1; }) ||
      type.getShape().back() != channels)
    return failure();
  return values;
}

/// Replaces `op`, whose result is `affine` applied to the result of a
/// convolution, by that convolution with `affine` folded into its weights
/// and bias.
static LogicalResult foldIntoConv(Operation *op, Value convResult,
                                  const ConvParameters &params,
                                  const ChannelAffine &affine,
                                  PatternRewriter &rewriter) {
  Operation *conv = convResult.getDefiningOp();
  Value weight = params.weight->get();
  Value bias = params.bias->get();
  FailureOr<SmallVector<double>> weights = readFloats(weight);
  FailureOr<SmallVector<double>> biases = readFloats(bias);
  if (failed(weights) || failed(biases))
    return rewriter.notifyMatchFailure(conv,
                                       "weights or bias not float constants");
  // Constants have static shapes.
  auto weightType = cast<RankedTensorType>(weight.getType());
  auto biasType = cast<RankedTensorType>(bias.getType());

  int64_t channels = affine.scale.size();
  int64_t numWeights = weights->size();
  if (numWeights % channels != 0 ||
      (biases->size() != 1 && static_cast<int64_t>(biases->size()) != channels))
    return rewriter.notifyMatchFailure(conv, "unexpected channel count");
  int64_t perChannel = numWeights / channels;
  for (int64_t i = 0; i < numWeights; ++i) {
    int64_t channel = params.channelsInnermost ? i % channels : i / perChannel;
    (*weights)[i] *= affine.scale[channel];
  }
  SmallVector<double> newBiases(channels);
  for (int64_t c = 0; c < channels; ++c) {
    double oldBias = (*biases)[biases->size() == 1 ? 0 : c];
    newBiases[c] = affine.scale[c] * oldBias + affine.offset[c];
  }

  Location loc = conv->getLoc();
  rewriter.setInsertionPoint(conv);
  Value newWeight = createFloatConstant(rewriter, loc, weightType, *weights);
  Value newBias = createFloatConstant(
      rewriter, loc,
      RankedTensorType::get({channels}, biasType.getElementType()), newBiases);
  rewriter.modifyOpInPlace(conv, [&] {
    params.weight->set(newWeight);
    params.bias->set(newBias);
  });
  rewriter.replaceOp(op, convResult);
  return success();
}

/// Checks that `value` is the result of a float convolution that only `op`
/// uses, and that `op` does not broadcast it to a larger shape. Returns the
/// convolution's weight and bias operands.
static FailureOr<ConvParameters> matchFoldableConv(Operation *op, Value value,
                                                   PatternRewriter &rewriter) {
  Operation *conv = value.getDefiningOp();
  FailureOr<ConvParameters> params =
      conv ? getConvParameters(conv) : FailureOr<ConvParameters>(failure());
  if (failed(params))
    return rewriter.notifyMatchFailure(op, "operand is not a float conv "
                                           "with zero zero-points");
  if (!value.hasOneUse())
    return rewriter.notifyMatchFailure(op, "conv result has other uses");
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || !isa<FloatType>(type.getElementType()))
    return rewriter.notifyMatchFailure(op, "conv result not static float");
  if (op->getResult(0).getType() != type)
    return rewriter.notifyMatchFailure(op, "broadcasts the conv result");
  return params;
}

namespace {

/// mul(conv, c) or mul(c, conv): scales weights and bias per channel.
struct FoldMulIntoConv : public OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rewriter) const override {
    if (!matchPattern(op.getShift(), m_Zero()))
      return rewriter.notifyMatchFailure(op, "non-zero shift");
    for (auto [convSide, constSide] :
         {std::pair(op.getInput1(), op.getInput2()),
          std::pair(op.getInput2(), op.getInput1())}) {
      FailureOr<ConvParameters> params =
          matchFoldableConv(op, convSide, rewriter);
      if (failed(params))
        continue;
      FailureOr<SmallVector<double>> scale =
          readPerChannel(constSide, cast<RankedTensorType>(convSide.getType()));
      if (failed(scale))
        return rewriter.notifyMatchFailure(op, "not a per-channel constant");
      ChannelAffine affine{*scale, SmallVector<double>(scale->size(), 0.0)};
      return foldIntoConv(op, convSide, *params, affine, rewriter);
    }
    return rewriter.notifyMatchFailure(op, "no foldable conv operand");
  }
};

/// add(conv, c), add(c, conv), sub(conv, c) and sub(c, conv): shift the
/// bias per channel (the last one also negates the weights).
template <typename OpTy>
struct FoldAddIntoConv : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    constexpr bool isSub = std::is_same_v<OpTy, tosa::SubOp>;
    for (bool convOnLeft : {true, false}) {
      Value convSide = convOnLeft ? op.getInput1() : op.getInput2();
      Value constSide = convOnLeft ? op.getInput2() : op.getInput1();
      FailureOr<ConvParameters> params =
          matchFoldableConv(op, convSide, rewriter);
      if (failed(params))
        continue;
      FailureOr<SmallVector<double>> offset =
          readPerChannel(constSide, cast<RankedTensorType>(convSide.getType()));
      if (failed(offset))
        return rewriter.notifyMatchFailure(op, "not a per-channel constant");
      double convSign = isSub && !convOnLeft ? -1.0 : 1.0;
      double constSign = isSub && convOnLeft ? -1.0 : 1.0;
      ChannelAffine affine{SmallVector<double>(offset->size(), convSign),
                           *offset};
      for (double &value : affine.offset)
        value *= constSign;
      return foldIntoConv(op, convSide, *params, affine, rewriter);
    }
    return rewriter.notifyMatchFailure(op, "no foldable conv operand");
  }
};

/// mul(mul(x, rsqrt(v)), g), with v and g float32 constants of one shape
/// (or single values), becomes mul(x, s) with s = g / sqrt(v) evaluated in
/// float32: one rounding for the square root and one for the division, as
/// frameworks fold batch norm's scale. Rooted at the rsqrt with a benefit
/// above constant folding, so that it runs before rsqrt(v) becomes a
/// constant, which would round twice, and the scale would then reach the
/// weights in two multiplications, rounding twice more.
struct CombineBatchNormScale : public OpRewritePattern<tosa::RsqrtOp> {
  CombineBatchNormScale(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(tosa::RsqrtOp rsqrt,
                                PatternRewriter &rewriter) const override {
    auto varianceType = dyn_cast<RankedTensorType>(rsqrt.getType());
    std::optional<std::vector<float>> v;
    if (varianceType && varianceType.getElementType().isF32())
      v = readFloatConstant(rsqrt.getInput1());
    if (!v)
      return rewriter.notifyMatchFailure(rsqrt, "not rsqrt of an f32 constant");
    if (!rsqrt->hasOneUse())
      return rewriter.notifyMatchFailure(rsqrt, "rsqrt has several uses");
    auto inner = dyn_cast<tosa::MulOp>(*rsqrt->user_begin());
    if (!inner || !matchPattern(inner.getShift(), m_Zero()) ||
        !inner->hasOneUse())
      return rewriter.notifyMatchFailure(rsqrt, "not read by one mul");
    Value x = inner.getInput1() == rsqrt.getResult() ? inner.getInput2()
                                                     : inner.getInput1();
    auto outer = dyn_cast<tosa::MulOp>(*inner->user_begin());
    if (!outer || !matchPattern(outer.getShift(), m_Zero()))
      return rewriter.notifyMatchFailure(rsqrt, "product not scaled again");
    Value gammaValue = outer.getInput1() == inner.getResult()
                           ? outer.getInput2()
                           : outer.getInput1();
    auto gammaType = dyn_cast<RankedTensorType>(gammaValue.getType());
    std::optional<std::vector<float>> g;
    if (gammaType && gammaType.getElementType().isF32())
      g = readFloatConstant(gammaValue);
    if (!g)
      return rewriter.notifyMatchFailure(rsqrt, "gamma is not a constant");
    bool sameShape = gammaType.getShape() == varianceType.getShape();
    if (gammaType.getRank() != varianceType.getRank() ||
        (!sameShape && g->size() != 1 && v->size() != 1))
      return rewriter.notifyMatchFailure(
          rsqrt, "gamma is not f32 of the variance's shape or a single value");

    // s takes the shape of whichever has more than one value.
    RankedTensorType scaleType =
        v->size() >= g->size() ? varianceType : gammaType;
    SmallVector<float> scale(scaleType.getNumElements());
    for (size_t i = 0; i < scale.size(); ++i) {
      float root = std::sqrt((*v)[v->size() == 1 ? 0 : i]);
      scale[i] = (*g)[g->size() == 1 ? 0 : i] / root;
    }
    Value scaleConst = tosa::ConstOp::create(
        rewriter, rsqrt.getLoc(), scaleType,
        DenseElementsAttr::get(scaleType, ArrayRef(scale)));
    rewriter.replaceOpWithNewOp<tosa::MulOp>(outer, outer.getType(), x,
                                             scaleConst, outer.getShift());
    return success();
  }
};

} // namespace

void compress::populateConvAffineFoldingPatterns(RewritePatternSet &patterns) {
  patterns.addWithLabel<FoldMulIntoConv, FoldAddIntoConv<tosa::AddOp>,
                        FoldAddIntoConv<tosa::SubOp>>({"batch-norm"},
                                                      patterns.getContext());
  patterns.addWithLabel<CombineBatchNormScale>({"batch-norm-scale"},
                                               patterns.getContext());
}
