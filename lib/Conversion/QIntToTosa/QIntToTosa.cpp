//===- QIntToTosa.cpp - Export the qint dialect to TOSA -------------------===//
//
// Rewrites every `qint` op into standard integer TOSA that computes the same
// integers.
//
// `qint` was designed to map 1:1 onto TOSA wherever TOSA can express the
// program, and this file is that mapping. Exactness is the contract: what
// the VNNI kernels do not take (and everything, with kernels=tosa) reaches
// LLVM through this export and upstream's TOSA lowering, and its results
// must equal the reference evaluator's bit for bit. So where TOSA
// is stricter than `qint` (non-zero zero points only on i8 rescales, windows
// that tile the padded input exactly) the export adds exact steps around the
// TOSA op, and where TOSA cannot express an op at all (an accumulator other
// than i32) it refuses with an error on that op instead of approximating.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/QIntToTosa/QIntToTosa.h"

#include "PackedWeights.h"

#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Dialect/QInt/IR/QInt.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cstdint>

namespace compress {
#define GEN_PASS_DEF_CONVERTQINTTOTOSAPASS
#include "compress/Conversion/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;
using namespace compress::qint;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The signed range of an integer element type.
static std::pair<int64_t, int64_t> signedRange(Type elementType) {
  unsigned width = elementType.getIntOrFloatBitWidth();
  return {APInt::getSignedMinValue(width).getSExtValue(),
          APInt::getSignedMaxValue(width).getSExtValue()};
}

/// A constant of `value` shaped [1, ..., 1] with `rank` dimensions: TOSA's
/// elementwise ops broadcast only between operands of equal rank.
static Value createSplat(OpBuilder &builder, Location loc, int64_t rank,
                         TypedAttr value) {
  auto type =
      RankedTensorType::get(SmallVector<int64_t>(rank, 1), value.getType());
  return tosa::ConstOp::create(
      builder, loc, type,
      DenseElementsAttr::get(type, ArrayRef<Attribute>(value)));
}

/// The rank-1 zero-point operand TOSA ops take, of the element type of the
/// tensor it applies to.
static Value createZeroPoint(OpBuilder &builder, Location loc, Type elementType,
                             int64_t zeroPoint) {
  std::optional<Value> zp =
      tosa::createZeroPointTensor(builder, loc, elementType, zeroPoint);
  assert(zp && "integer element types always have a zero-point tensor");
  return *zp;
}

/// The `tosa.mul` shift operand for float operands, which must be 0.
static Value createNoShift(OpBuilder &builder, Location loc) {
  return createSplat(builder, loc, /*rank=*/1, builder.getI8IntegerAttr(0));
}

/// Clamps integer `value` to [lo, hi]. TOSA's integer profile has
/// `tosa.clamp` for i8 and i16 only; wider values are clamped with
/// `tosa.maximum` and `tosa.minimum`, which it allows on i32 and which
/// compute the same.
static Value createIntClamp(OpBuilder &builder, Location loc, Value value,
                            int64_t lo, int64_t hi) {
  auto type = cast<RankedTensorType>(value.getType());
  Type elementType = type.getElementType();
  if (elementType.getIntOrFloatBitWidth() <= 16)
    return tosa::ClampOp::create(builder, loc, type, value,
                                 builder.getIntegerAttr(elementType, lo),
                                 builder.getIntegerAttr(elementType, hi));
  int64_t rank = type.getRank();
  Value atLeast = tosa::MaximumOp::create(
      builder, loc, type, value,
      createSplat(builder, loc, rank, builder.getIntegerAttr(elementType, lo)));
  return tosa::MinimumOp::create(
      builder, loc, type, atLeast,
      createSplat(builder, loc, rank, builder.getIntegerAttr(elementType, hi)));
}

/// Clamps `value` to [lo, hi] unless that is the whole range of its element
/// type, where the clamp would do nothing.
static Value clampIfNarrower(OpBuilder &builder, Location loc, Value value,
                             int64_t lo, int64_t hi) {
  auto [min, max] = signedRange(
      cast<RankedTensorType>(value.getType()).getElementType());
  if (lo == min && hi == max)
    return value;
  return createIntClamp(builder, loc, value, lo, hi);
}

namespace {

/// One rescale as qint defines it (`qint.requantize`, and each of the three
/// steps of `qint.add`):
/// `clamp(apply_scale_32(in - inputZp, ...) + outputZp, clampMin, clampMax)`.
struct RescaleSpec {
  int64_t inputZp;
  ArrayRef<int32_t> multipliers;
  ArrayRef<int8_t> shifts;
  RescaleRounding rounding;
  int64_t outputZp;
  int64_t clampMin, clampMax;
};

} // namespace

/// Builds `spec` as a `tosa.rescale` of `input` to `resultType`.
///
/// tosa.rescale takes a non-zero zero point only on an i8 side. qint allows
/// one on i16 and i32 too, and defines the arithmetic around it exactly as
/// upstream's lowering of tosa.rescale computes it: the input zero point is
/// subtracted in i32 (wrapping) and the output zero point added in i32
/// (wrapping) before the clamp. Those two steps are then spelled out with
/// tosa.sub and tosa.add on i32 around a rescale with zero points of 0,
/// which computes the same integers; the clamped i32 result narrows exactly.
static Value createRescale(OpBuilder &builder, Location loc, Value input,
                           const RescaleSpec &spec,
                           RankedTensorType resultType) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  Type i32 = builder.getI32Type();

  int64_t inputZp = spec.inputZp;
  if (inputZp != 0 && !inputType.getElementType().isInteger(8)) {
    if (!inputType.getElementType().isInteger(32))
      input = tosa::CastOp::create(builder, loc, inputType.clone(i32), input);
    input = tosa::SubOp::create(
        builder, loc, inputType.clone(i32), input,
        createSplat(builder, loc, rank, builder.getI32IntegerAttr(inputZp)));
    inputZp = 0;
  }
  bool addOutputZpInI32 =
      spec.outputZp != 0 && !resultType.getElementType().isInteger(8);
  RankedTensorType rescaledType =
      addOutputZpInI32 ? resultType.clone(i32) : resultType;

  auto channelsType = [&](Type elementType) {
    return RankedTensorType::get({int64_t(spec.multipliers.size())},
                                 elementType);
  };
  Value multiplier = tosa::ConstOp::create(
      builder, loc, channelsType(i32),
      DenseElementsAttr::get(channelsType(i32), spec.multipliers));
  Type i8 = builder.getI8Type();
  Value shift = tosa::ConstOp::create(
      builder, loc, channelsType(i8),
      DenseElementsAttr::get(channelsType(i8), spec.shifts));
  Value inputZpValue =
      createZeroPoint(builder, loc, getElementTypeOrSelf(input), inputZp);
  Value outputZpValue =
      createZeroPoint(builder, loc, rescaledType.getElementType(),
                      addOutputZpInI32 ? 0 : spec.outputZp);
  Value result = tosa::RescaleOp::create(
      builder, loc, rescaledType, input, multiplier, shift, inputZpValue,
      outputZpValue, /*scale32=*/true,
      spec.rounding == RescaleRounding::Double
          ? tosa::RoundingMode::DOUBLE_ROUND
          : tosa::RoundingMode::SINGLE_ROUND,
      /*per_channel=*/spec.multipliers.size() > 1,
      /*input_unsigned=*/false, /*output_unsigned=*/false);
  if (addOutputZpInI32)
    result = tosa::AddOp::create(
        builder, loc, rescaledType, result,
        createSplat(builder, loc, rank,
                    builder.getI32IntegerAttr(spec.outputZp)));
  result = clampIfNarrower(builder, loc, result, spec.clampMin, spec.clampMax);
  if (rescaledType != resultType)
    result = tosa::CastOp::create(builder, loc, resultType, result);
  return result;
}

namespace {

/// How a convolution or pooling is made to tile its padded input exactly.
struct ExactWindows {
  SmallVector<int64_t, 4> pad;
  /// Trailing input rows and columns that no window reads, removed.
  int64_t drop[2] = {0, 0};
  /// Output rows and columns appended by extra trailing padding, computed
  /// only to make the tiling exact and sliced off again.
  int64_t extra[2] = {0, 0};
};

} // namespace

/// qint, like the frameworks it imports from, ignores an incomplete last
/// window; TOSA requires `(in + pad_before + pad_after - extent) % stride ==
/// 0` instead (`extent` is the dilated kernel size). The elements after the
/// last window are read by no window, so removing them changes no result
/// (not even avg_pool2d's divisor, which counts the in-bounds elements of a
/// window): they come off the trailing padding first, then off the input.
/// Only a convolution whose windows along an axis all lie in the leading
/// padding (qint bounds a convolution's padding only by the output size)
/// would lose its whole input that way; it gets padding up to one more
/// window instead, whose output is dropped. Pooling never gets there: its
/// padding is smaller than the kernel, so every window reads the input.
///
/// Fails, with the reason, when the remainder is unknown: a dynamic spatial
/// size with a stride above 1.
static FailureOr<ExactWindows> fitWindows(RankedTensorType inputType,
                                          ArrayRef<int64_t> extent,
                                          ArrayRef<int64_t> stride,
                                          ArrayRef<int64_t> pad,
                                          std::string *reason = nullptr) {
  ExactWindows fit{SmallVector<int64_t, 4>(pad)};
  for (int axis = 0; axis < 2; ++axis) {
    if (stride[axis] == 1)
      continue;
    int64_t size = inputType.getDimSize(1 + axis);
    if (ShapedType::isDynamic(size)) {
      if (reason)
        *reason = "a dynamic spatial size with a stride above 1 may leave an "
                  "incomplete last window, which TOSA does not allow";
      return failure();
    }
    int64_t &padAfter = fit.pad[2 * axis + 1];
    // The verifier guarantees at least one window, so the span is >= 0.
    int64_t span = size + pad[2 * axis] + padAfter - extent[axis];
    int64_t excess = span % stride[axis];
    int64_t fromPad = std::min(excess, padAfter);
    if (excess - fromPad < size) {
      padAfter -= fromPad;
      fit.drop[axis] = excess - fromPad;
    } else if (excess != 0) {
      padAfter += stride[axis] - excess;
      fit.extra[axis] = 1;
    }
  }
  return fit;
}

/// The leading `shape` part of `value` (an NHWC tensor at least that large).
static Value sliceLeading(PatternRewriter &rewriter, Location loc, Value value,
                          ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  Value start = tosa::getTosaConstShape(rewriter, loc, {0, 0, 0, 0});
  Value size =
      tosa::getTosaConstShape(rewriter, loc, tosa::convertFromMlirShape(shape));
  return tosa::SliceOp::create(rewriter, loc, type.clone(shape), value, start,
                               size);
}

/// `shape` (NHWC) grown by `delta` rows and columns; dynamic sizes stay so.
static SmallVector<int64_t> growSpatial(ArrayRef<int64_t> shape,
                                        const int64_t delta[2]) {
  SmallVector<int64_t> grown(shape);
  for (int axis = 0; axis < 2; ++axis)
    if (!ShapedType::isDynamic(grown[1 + axis]))
      grown[1 + axis] += delta[axis];
  return grown;
}

/// `input` without the trailing rows and columns `fit` drops.
static Value dropUnread(PatternRewriter &rewriter, Location loc, Value input,
                        const ExactWindows &fit) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(input.getType()).getShape();
  const int64_t shrink[2] = {-fit.drop[0], -fit.drop[1]};
  return sliceLeading(rewriter, loc, input, growSpatial(shape, shrink));
}

/// The dilated extent of a kernel: the span of input one window covers.
static SmallVector<int64_t, 2> dilatedExtent(ArrayRef<int64_t> kernel,
                                             ArrayRef<int64_t> dilation) {
  return {(kernel[0] - 1) * dilation[0] + 1, (kernel[1] - 1) * dilation[1] + 1};
}

/// The kernel size of a convolution: OHWI weights for conv2d, HWCM for
/// depthwise_conv2d.
static SmallVector<int64_t, 2> kernelSize(Operation *op) {
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(op->getOperand(1).getType()).getShape();
  if (isa<Conv2DOp>(op))
    return {shape[1], shape[2]};
  return {shape[0], shape[1]};
}

/// Why an accumulating op with these element types has no TOSA equivalent.
static std::string accumulatorBlocker(ArrayRef<Type> operandTypes,
                                      Type accumulatorType) {
  for (Type type : operandTypes)
    if (!type.isInteger(8))
      return llvm::formatv("{0} operands accumulate in i48 in TOSA; only i8 "
                           "operands with accumulators of at most 32 bits "
                           "are exported",
                           type)
          .str();
  if (accumulatorType.getIntOrFloatBitWidth() > 32)
    return llvm::formatv("the {0} accumulator has no TOSA equivalent: TOSA "
                         "accumulates i8 products in i32",
                         accumulatorType)
        .str();
  return {};
}

/// Why an accumulator narrower than i32 cannot be exported where it is
/// read: TOSA computes it in i32, so only ops whose export reads the i32
/// value (requantize and dequantize) can take it.
static std::string narrowUsersBlocker(Value result) {
  Type accumulatorType = getElementTypeOrSelf(result.getType());
  if (accumulatorType.getIntOrFloatBitWidth() >= 32)
    return {};
  for (Operation *user : result.getUsers())
    if (!isa<RequantizeOp, DequantizeOp>(user))
      return llvm::formatv("the {0} accumulator is read by '{1}'; TOSA has "
                           "no {0}, so it is computed in i32, which only "
                           "qint.requantize and qint.dequantize can read",
                           accumulatorType, user->getName().getStringRef())
          .str();
  return {};
}

/// Why the bias of an accumulator narrower than i32 cannot be widened to
/// the i32 bias TOSA takes: it must be a constant.
static std::string narrowBiasBlocker(Value bias, Type accumulatorType) {
  DenseIntElementsAttr values;
  if (!bias || accumulatorType.getIntOrFloatBitWidth() >= 32 ||
      matchPattern(bias, m_Constant(&values)))
    return {};
  return llvm::formatv("the bias of the {0} accumulator is not a constant, "
                       "so it cannot be widened to TOSA's i32",
                       accumulatorType)
      .str();
}

/// An accumulator narrower than i32 is computed in i32, TOSA's accumulator
/// for i8 products, and wrapped to its width N by shifting left and
/// arithmetically right by 32 - N: i32 arithmetic wraps modulo 2^32, so the
/// low N bits are those of the narrow sum, and the result, an i32 tensor,
/// holds exactly the values of the narrow type.
static Value wrapToWidth(OpBuilder &builder, Location loc, Value value,
                         unsigned width) {
  if (width >= 32)
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  Value amount = createSplat(builder, loc, type.getRank(),
                             builder.getI32IntegerAttr(int32_t(32 - width)));
  value = tosa::LogicalLeftShiftOp::create(builder, loc, type, value, amount);
  return tosa::ArithmeticRightShiftOp::create(builder, loc, type, value,
                                              amount, /*round=*/false);
}

/// The type TOSA computes an accumulator of `type` in: i32 for narrower
/// ones.
static RankedTensorType tosaAccumulatorType(RankedTensorType type) {
  if (type.getElementType().getIntOrFloatBitWidth() >= 32)
    return type;
  return type.clone(IntegerType::get(type.getContext(), 32));
}

/// A bias of an accumulator narrower than i32, widened to i32 (a constant,
/// as narrowBiasBlocker requires); others unchanged.
static Value widenBias(OpBuilder &builder, Location loc, Value original,
                       Value converted) {
  auto type = cast<RankedTensorType>(original.getType());
  if (type.getElementType().getIntOrFloatBitWidth() >= 32)
    return converted;
  DenseIntElementsAttr values;
  bool constant = matchPattern(original, m_Constant(&values));
  assert(constant && "checked by narrowBiasBlocker");
  (void)constant;
  SmallVector<int32_t> wide;
  for (const APInt &v : values.getValues<APInt>())
    wide.push_back(int32_t(v.getSExtValue()));
  auto wideType = tosaAccumulatorType(type);
  return tosa::ConstOp::create(builder, loc, wideType,
                               DenseElementsAttr::get(wideType,
                                                      ArrayRef(wide)));
}

std::string compress::getQIntToTosaExportBlocker(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::string>(op)
      .Case<Conv2DOp, DepthwiseConv2DOp>([&](auto conv) {
        Type accType = conv.getOutput().getType().getElementType();
        std::string reason =
            accumulatorBlocker({conv.getInput().getType().getElementType(),
                                conv.getWeights().getType().getElementType()},
                               accType);
        if (reason.empty())
          reason = narrowBiasBlocker(conv.getBias(), accType);
        if (reason.empty())
          reason = narrowUsersBlocker(conv.getOutput());
        if (reason.empty())
          (void)fitWindows(conv.getInput().getType(),
                           dilatedExtent(kernelSize(op), conv.getDilation()),
                           conv.getStride(), conv.getPad(), &reason);
        return reason;
      })
      .Case([](MatmulOp matmul) {
        Type accType = matmul.getOutput().getType().getElementType();
        std::string reason = accumulatorBlocker(
            {matmul.getLhs().getType().getElementType(),
             matmul.getRhs().getType().getElementType()},
            accType);
        if (reason.empty())
          reason = narrowBiasBlocker(matmul.getBias(), accType);
        if (reason.empty())
          reason = narrowUsersBlocker(matmul.getOutput());
        return reason;
      })
      .Case([](MaxPool2DOp pool) {
        std::string reason;
        (void)fitWindows(pool.getInput().getType(), pool.getKernel(),
                         pool.getStride(), pool.getPad(), &reason);
        return reason;
      })
      .Case([](AvgPool2DOp pool) {
        int64_t inputZp = pool.getInputZpAttr().getInt();
        int64_t outputZp = pool.getOutputZpAttr().getInt();
        Type elementType = pool.getInput().getType().getElementType();
        if (!elementType.isInteger(8) && (inputZp != 0 || outputZp != 0))
          return llvm::formatv("tosa.avg_pool2d takes zero points only on "
                               "i8, got input_zp {0} and output_zp {1} on {2}",
                               inputZp, outputZp, elementType)
              .str();
        std::string reason;
        (void)fitWindows(pool.getInput().getType(), pool.getKernel(),
                         pool.getStride(), pool.getPad(), &reason);
        return reason;
      })
      .Case([](DequantizeOp dequantize) {
        Type elementType = dequantize.getInput().getType().getElementType();
        unsigned width = elementType.getIntOrFloatBitWidth();
        if (width > 32)
          return llvm::formatv("the {0} input has no TOSA equivalent: TOSA "
                               "converts integers of at most 32 bits to float",
                               elementType)
              .str();
        int64_t zp = dequantize.getZeroPointAttr().getInt();
        if (width == 32 && zp != 0)
          return llvm::formatv("q - zero_point ({0}) can overflow i32, the "
                               "widest integer TOSA subtracts in",
                               zp)
              .str();
        return std::string();
      })
      .Default([](Operation *) { return std::string(); });
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

/// Bails out of a pattern when TOSA cannot express `op`.
LogicalResult checkExportable(Operation *op, PatternRewriter &rewriter) {
  std::string reason = getQIntToTosaExportBlocker(op);
  if (!reason.empty())
    return rewriter.notifyMatchFailure(op, reason);
  return success();
}

struct WeightsOpConversion : OpConversionPattern<WeightsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(WeightsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Packed weights stay packed in the exported program and are decoded
    // when it runs; dense values are what tosa.const means.
    if (op.getLayout() == WeightLayout::packed) {
      rewriter.replaceOp(op, createPackedWeightsDecoding(rewriter, op));
      return success();
    }
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(op, op.getType(),
                                               op.getValues());
    return success();
  }
};

/// conv2d and depthwise_conv2d: the same operands, attributes and
/// restrictions in qint and in TOSA.
template <typename QIntOp, typename TosaOp>
struct ConvolutionConversion : OpConversionPattern<QIntOp> {
  using OpConversionPattern<QIntOp>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<QIntOp>::OpAdaptor;

  LogicalResult
  matchAndRewrite(QIntOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkExportable(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    FailureOr<ExactWindows> fit =
        fitWindows(op.getInput().getType(),
                   dilatedExtent(kernelSize(op), op.getDilation()),
                   op.getStride(), op.getPad());
    assert(succeeded(fit) && "checked by checkExportable");
    Value input = dropUnread(rewriter, loc, adaptor.getInput(), *fit);
    unsigned accWidth =
        op.getOutput().getType().getElementType().getIntOrFloatBitWidth();
    RankedTensorType resultType = tosaAccumulatorType(op.getOutput().getType());
    Value bias = adaptor.getBias();
    if (bias)
      bias = widenBias(rewriter, loc, op.getBias(), bias);
    if (!bias) {
      // TOSA's bias is [OC], or [1] broadcast to every channel.
      int64_t channels = resultType.getDimSize(3);
      auto biasType = RankedTensorType::get(
          {ShapedType::isDynamic(channels) ? 1 : channels},
          resultType.getElementType());
      bias = tosa::ConstOp::create(
          rewriter, loc, biasType,
          DenseElementsAttr::get(
              biasType, ArrayRef<Attribute>(rewriter.getI32IntegerAttr(0))));
    }
    Type i8 = rewriter.getI8Type();
    Value inputZp =
        createZeroPoint(rewriter, loc, i8, op.getInputZpAttr().getInt());
    Value weightZp = createZeroPoint(rewriter, loc, i8, 0);
    Value result = TosaOp::create(
        rewriter, loc,
        resultType.clone(growSpatial(resultType.getShape(), fit->extra)), input,
        adaptor.getWeights(), bias, inputZp, weightZp, fit->pad, op.getStride(),
        op.getDilation(), resultType.getElementType());
    result = sliceLeading(rewriter, loc, result, resultType.getShape());
    rewriter.replaceOp(op, wrapToWidth(rewriter, loc, result, accWidth));
    return success();
  }
};

struct MatmulOpConversion : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkExportable(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    unsigned accWidth =
        op.getOutput().getType().getElementType().getIntOrFloatBitWidth();
    RankedTensorType resultType = tosaAccumulatorType(op.getOutput().getType());
    Type i8 = rewriter.getI8Type();
    Value lhsZp =
        createZeroPoint(rewriter, loc, i8, op.getLhsZpAttr().getInt());
    Value rhsZp =
        createZeroPoint(rewriter, loc, i8, op.getRhsZpAttr().getInt());
    Value result =
        tosa::MatMulOp::create(rewriter, loc, resultType, adaptor.getLhs(),
                               adaptor.getRhs(), lhsZp, rhsZp);
    if (Value bias = adaptor.getBias()) {
      bias = widenBias(rewriter, loc, op.getBias(), bias);
      // tosa.matmul has no bias: add it, broadcast over batch and rows.
      int64_t columns = cast<RankedTensorType>(bias.getType()).getDimSize(0);
      Value shape = tosa::getTosaConstShape(
          rewriter, loc, tosa::convertFromMlirShape({1, 1, columns}));
      Value row = tosa::ReshapeOp::create(
          rewriter, loc,
          RankedTensorType::get({1, 1, columns}, resultType.getElementType()),
          bias, shape);
      result = tosa::AddOp::create(rewriter, loc, resultType, result, row);
    }
    rewriter.replaceOp(op, wrapToWidth(rewriter, loc, result, accWidth));
    return success();
  }
};

struct RequantizeOpConversion : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RescaleSpec spec{op.getInputZpAttr().getInt(),
                     op.getMultiplier(),
                     op.getShift(),
                     op.getRounding(),
                     op.getOutputZpAttr().getInt(),
                     op.getClampMinAttr().getInt(),
                     op.getClampMaxAttr().getInt()};
    rewriter.replaceOp(op,
                       createRescale(rewriter, op.getLoc(), adaptor.getInput(),
                                     spec, op.getOutput().getType()));
    return success();
  }
};

struct AddOpConversion : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getOutput().getType();
    RankedTensorType i32Type = resultType.clone(rewriter.getI32Type());
    auto [i32Min, i32Max] = signedRange(rewriter.getI32Type());
    // The I32Attr/I8Attr getters return unsigned values: read the
    // attributes' signed values.
    auto toI32 = [&](Value operand, int64_t zp, IntegerAttr multiplierAttr,
                     IntegerAttr shiftAttr) {
      int32_t multiplier = int32_t(multiplierAttr.getInt());
      int8_t shift = int8_t(shiftAttr.getInt());
      RescaleSpec spec{zp,
                       multiplier,
                       shift,
                       op.getRounding(),
                       /*outputZp=*/0,
                       i32Min,
                       i32Max};
      return createRescale(rewriter, loc, operand, spec, i32Type);
    };
    Value lhs = toI32(adaptor.getLhs(), op.getLhsZpAttr().getInt(),
                      op.getLhsMultiplierAttr(), op.getLhsShiftAttr());
    Value rhs = toI32(adaptor.getRhs(), op.getRhsZpAttr().getInt(),
                      op.getRhsMultiplierAttr(), op.getRhsShiftAttr());
    Value sum = tosa::AddOp::create(rewriter, loc, i32Type, lhs, rhs);
    int32_t multiplier = int32_t(op.getOutputMultiplierAttr().getInt());
    int8_t shift = int8_t(op.getOutputShiftAttr().getInt());
    RescaleSpec spec{0,
                     multiplier,
                     shift,
                     op.getRounding(),
                     op.getOutputZpAttr().getInt(),
                     op.getClampMinAttr().getInt(),
                     op.getClampMaxAttr().getInt()};
    rewriter.replaceOp(op, createRescale(rewriter, loc, sum, spec, resultType));
    return success();
  }
};

struct MaxPool2DOpConversion : OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkExportable(op, rewriter)))
      return failure();
    FailureOr<ExactWindows> fit = fitWindows(
        op.getInput().getType(), op.getKernel(), op.getStride(), op.getPad());
    assert(succeeded(fit) && "checked by checkExportable");
    assert(fit->extra[0] == 0 && fit->extra[1] == 0 &&
           "every pooling window reads the input");
    Value input = dropUnread(rewriter, op.getLoc(), adaptor.getInput(), *fit);
    rewriter.replaceOpWithNewOp<tosa::MaxPool2dOp>(op, op.getOutput().getType(),
                                                   input, op.getKernel(),
                                                   op.getStride(), fit->pad);
    return success();
  }
};

struct AvgPool2DOpConversion : OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkExportable(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    FailureOr<ExactWindows> fit = fitWindows(
        op.getInput().getType(), op.getKernel(), op.getStride(), op.getPad());
    assert(succeeded(fit) && "checked by checkExportable");
    assert(fit->extra[0] == 0 && fit->extra[1] == 0 &&
           "every pooling window reads the input");
    Value input = dropUnread(rewriter, loc, adaptor.getInput(), *fit);
    Type elementType = op.getInput().getType().getElementType();
    Value inputZp = createZeroPoint(rewriter, loc, elementType,
                                    op.getInputZpAttr().getInt());
    Value outputZp = createZeroPoint(rewriter, loc, elementType,
                                     op.getOutputZpAttr().getInt());
    rewriter.replaceOpWithNewOp<tosa::AvgPool2dOp>(
        op, op.getOutput().getType(), input, inputZp, outputZp, op.getKernel(),
        op.getStride(), fit->pad, op.getAccType());
    return success();
  }
};

/// The op's definition, step by step: tosa.mul by float(1 / scale),
/// tosa.cast to i32 (round half to even, saturating), tosa.clamp to the
/// bounds shifted by the zero point, tosa.add of the zero point and an exact
/// narrowing tosa.cast.
struct QuantizeOpConversion : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    int64_t rank = inputType.getRank();
    Type i32 = rewriter.getI32Type();
    RankedTensorType i32Type = inputType.clone(i32);
    // The reciprocal is computed in f64 and rounded once to f32.
    float inverse = float(1.0 / op.getScale().convertToDouble());
    Value inverseValue =
        createSplat(rewriter, loc, rank, rewriter.getF32FloatAttr(inverse));
    Value noShift = createNoShift(rewriter, loc);
    Value scaled = tosa::MulOp::create(
        rewriter, loc, inputType, adaptor.getInput(), inverseValue, noShift);
    Value rounded = tosa::CastOp::create(rewriter, loc, i32Type, scaled);
    int64_t zp = op.getZeroPointAttr().getInt();
    auto [qmin, qmax] = op.getClampBounds();
    Value clamped = createIntClamp(rewriter, loc, rounded, qmin - zp, qmax - zp);
    Value shifted = tosa::AddOp::create(
        rewriter, loc, i32Type, clamped,
        createSplat(rewriter, loc, rank, rewriter.getI32IntegerAttr(zp)));
    rewriter.replaceOpWithNewOp<tosa::CastOp>(op, op.getOutput().getType(),
                                              shifted);
    return success();
  }
};

/// `float(q - zero_point) * float(scale)`: tosa.cast to i32 (exact for the
/// narrower inputs), tosa.sub of the zero point (exact: it cannot overflow
/// for i8 and i16, and is 0 for i32), tosa.cast to f32 (one rounding) and
/// tosa.mul by the f32 scale.
struct DequantizeOpConversion : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkExportable(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType resultType = op.getOutput().getType();
    int64_t rank = inputType.getRank();
    RankedTensorType i32Type = inputType.clone(rewriter.getI32Type());
    // A narrowed accumulator arrives as i32 already.
    Value value = adaptor.getInput();
    if (value.getType() != i32Type)
      value = tosa::CastOp::create(rewriter, loc, i32Type, value);
    value =
        tosa::SubOp::create(rewriter, loc, i32Type, value,
                            createSplat(rewriter, loc, rank,
                                        rewriter.getI32IntegerAttr(int32_t(
                                            op.getZeroPointAttr().getInt()))));
    value = tosa::CastOp::create(rewriter, loc, resultType, value);
    float scale = float(op.getScale().convertToDouble());
    Value scaleValue =
        createSplat(rewriter, loc, rank, rewriter.getF32FloatAttr(scale));
    Value noShift = createNoShift(rewriter, loc);
    rewriter.replaceOpWithNewOp<tosa::MulOp>(op, resultType, value, scaleValue,
                                             noShift);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

struct ConvertQIntToTosaPass
    : public compress::impl::ConvertQIntToTosaPassBase<ConvertQIntToTosaPass> {
  using ConvertQIntToTosaPassBase::ConvertQIntToTosaPassBase;

  void runOnOperation() override {
    Operation *root = getOperation();
    // Report every op TOSA cannot express, with the reason, before touching
    // the IR: the conversion driver would only say it failed to legalize.
    bool exportable = true;
    unsigned numQIntOps = 0;
    root->walk([&](Operation *op) {
      if (!isa_and_nonnull<QIntDialect>(op->getDialect()))
        return;
      ++numQIntOps;
      std::string reason = getQIntToTosaExportBlocker(op);
      if (reason.empty())
        return;
      op->emitOpError("cannot be exported to TOSA: ") << reason;
      exportable = false;
    });
    if (!exportable)
      return signalPassFailure();

    ConversionTarget target(getContext());
    target.addIllegalDialect<QIntDialect>();
    target.addLegalDialect<tosa::TosaDialect>();
    RewritePatternSet patterns(&getContext());
    populateQIntToTosaConversionPatterns(patterns);
    if (failed(applyPartialConversion(root, target, std::move(patterns))))
      return signalPassFailure();
    numOpsExported += numQIntOps;
    stripCompressionAttributes(root);
  }

  /// Removes `compress.*` discardable attributes, including function
  /// argument attributes: consumers of the export do not know the dialect.
  static void stripCompressionAttributes(Operation *root) {
    // By name, not by getNameDialect(): the dialect need not be loaded
    // when the attributes were parsed, e.g. a `compress.layer` string.
    auto isOurs = [](NamedAttribute attr) {
      StringRef name = attr.getName().getValue();
      return name.consume_front(CompressionDialect::getDialectNamespace()) &&
             name.starts_with(".");
    };
    root->walk([&](Operation *op) {
      for (NamedAttribute attr : llvm::to_vector(op->getDiscardableAttrs()))
        if (isOurs(attr))
          op->removeDiscardableAttr(attr.getName());
      if (auto func = dyn_cast<FunctionOpInterface>(op))
        for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
          for (NamedAttribute attr : llvm::to_vector(func.getArgAttrs(i)))
            if (isOurs(attr))
              func.removeArgAttr(i, attr.getName());
    });
  }
};

} // namespace

void compress::populateQIntToTosaConversionPatterns(
    RewritePatternSet &patterns) {
  patterns
      .add<WeightsOpConversion, ConvolutionConversion<Conv2DOp, tosa::Conv2DOp>,
           ConvolutionConversion<DepthwiseConv2DOp, tosa::DepthwiseConv2DOp>,
           MatmulOpConversion, RequantizeOpConversion, AddOpConversion,
           MaxPool2DOpConversion, AvgPool2DOpConversion, QuantizeOpConversion,
           DequantizeOpConversion>(patterns.getContext());
}
