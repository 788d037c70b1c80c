//===- TosaBuilders.cpp - TOSA op sequences of the qint export ------------===//

#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace compress;
using namespace compress::qint;

namespace compress::qint_to_tosa {

/// The signed range of an integer element type.
std::pair<int64_t, int64_t> signedRange(Type elementType) {
  unsigned width = elementType.getIntOrFloatBitWidth();
  return {APInt::getSignedMinValue(width).getSExtValue(),
          APInt::getSignedMaxValue(width).getSExtValue()};
}

/// A constant of `value` shaped [1, ..., 1] with `rank` dimensions: TOSA's
/// elementwise ops broadcast only between operands of equal rank.
Value createSplat(OpBuilder &builder, Location loc, int64_t rank,
                  TypedAttr value) {
  auto type =
      RankedTensorType::get(SmallVector<int64_t>(rank, 1), value.getType());
  return tosa::ConstOp::create(
      builder, loc, type,
      DenseElementsAttr::get(type, ArrayRef<Attribute>(value)));
}

/// The rank-1 zero-point operand TOSA ops take, of the element type of the
/// tensor it applies to.
Value createZeroPoint(OpBuilder &builder, Location loc, Type elementType,
                      int64_t zeroPoint) {
  std::optional<Value> zp =
      tosa::createZeroPointTensor(builder, loc, elementType, zeroPoint);
  assert(zp && "integer element types always have a zero-point tensor");
  return *zp;
}

/// The `tosa.mul` shift operand for float operands, which must be 0.
Value createNoShift(OpBuilder &builder, Location loc) {
  return createSplat(builder, loc, /*rank=*/1, builder.getI8IntegerAttr(0));
}

/// Clamps integer `value` to [lo, hi]. TOSA's integer profile has
/// `tosa.clamp` for i8 and i16 only; wider values are clamped with
/// `tosa.maximum` and `tosa.minimum`, which it allows on i32 and which
/// compute the same.
Value createIntClamp(OpBuilder &builder, Location loc, Value value, int64_t lo,
                     int64_t hi) {
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

/// Builds `spec` as a `tosa.rescale` of `input` to `resultType`.
///
/// tosa.rescale takes a non-zero zero point only on an i8 side. qint allows
/// one on i16 and i32 too, and defines the arithmetic around it exactly as
/// upstream's lowering of tosa.rescale computes it: the input zero point is
/// subtracted in i32 (wrapping) and the output zero point added in i32
/// (wrapping) before the clamp. Those two steps are then spelled out with
/// tosa.sub and tosa.add on i32 around a rescale with zero points of 0,
/// which computes the same integers; the clamped i32 result narrows exactly.
Value createRescale(OpBuilder &builder, Location loc, Value input,
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

/// An accumulator narrower than i32 is computed in i32, TOSA's accumulator
/// for i8 products, and wrapped to its width N by shifting left and
/// arithmetically right by 32 - N: i32 arithmetic wraps modulo 2^32, so the
/// low N bits are those of the narrow sum, and the result, an i32 tensor,
/// holds exactly the values of the narrow type.
Value wrapToWidth(OpBuilder &builder, Location loc, Value value,
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
RankedTensorType tosaAccumulatorType(RankedTensorType type) {
  if (type.getElementType().getIntOrFloatBitWidth() >= 32)
    return type;
  return type.clone(IntegerType::get(type.getContext(), 32));
}

/// A bias of an accumulator narrower than i32, widened to i32 (a constant,
/// as narrowBiasBlocker requires); others unchanged.
Value widenBias(OpBuilder &builder, Location loc, Value original,
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

} // namespace compress::qint_to_tosa
