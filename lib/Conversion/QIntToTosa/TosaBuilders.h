//===- TosaBuilders.h - TOSA op sequences of the qint export ----*- C++ -*-===//
//
// Internal to the qint-to-TOSA export: the constants, clamps and rescales
// the patterns build, and the i32 form of accumulators narrower than i32.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_CONVERSION_QINTTOTOSA_TOSABUILDERS_H
#define LIB_CONVERSION_QINTTOTOSA_TOSABUILDERS_H

#include "compress/Dialect/QInt/IR/QInt.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/PatternMatch.h"

#include <cstdint>
#include <string>

namespace compress::qint_to_tosa {

/// The signed range of an integer element type.
std::pair<int64_t, int64_t> signedRange(mlir::Type elementType);
/// A constant of `value` shaped [1, ..., 1] with `rank` dimensions: TOSA's
/// elementwise ops broadcast only between operands of equal rank.
mlir::Value createSplat(mlir::OpBuilder &builder, mlir::Location loc,
                        int64_t rank, mlir::TypedAttr value);
/// The rank-1 zero-point operand TOSA ops take, of the element type of the
/// tensor it applies to.
mlir::Value createZeroPoint(mlir::OpBuilder &builder, mlir::Location loc,
                            mlir::Type elementType, int64_t zeroPoint);
/// The `tosa.mul` shift operand for float operands, which must be 0.
mlir::Value createNoShift(mlir::OpBuilder &builder, mlir::Location loc);
/// Clamps integer `value` to [lo, hi] (with `tosa.maximum` and
/// `tosa.minimum` above i16, where TOSA has no integer `tosa.clamp`).
mlir::Value createIntClamp(mlir::OpBuilder &builder, mlir::Location loc,
                           mlir::Value value, int64_t lo, int64_t hi);

/// One rescale as qint defines it (`qint.requantize`, and each of the three
/// steps of `qint.add`):
/// `clamp(apply_scale_32(in - inputZp, ...) + outputZp, clampMin, clampMax)`.
struct RescaleSpec {
  int64_t inputZp;
  llvm::ArrayRef<int32_t> multipliers;
  llvm::ArrayRef<int8_t> shifts;
  RescaleRounding rounding;
  int64_t outputZp;
  int64_t clampMin, clampMax;
};

/// Builds `spec` as a `tosa.rescale` of `input` to `resultType`, with the
/// exact steps TOSA needs around it (see the definition).
mlir::Value createRescale(mlir::OpBuilder &builder, mlir::Location loc,
                          mlir::Value input, const RescaleSpec &spec,
                          mlir::RankedTensorType resultType);

/// An accumulator narrower than i32 wrapped to its `width` in i32 (two
/// shifts); wider ones unchanged.
mlir::Value wrapToWidth(mlir::OpBuilder &builder, mlir::Location loc,
                        mlir::Value value, unsigned width);
/// The type TOSA computes an accumulator of `type` in: i32 for narrower
/// ones.
mlir::RankedTensorType tosaAccumulatorType(mlir::RankedTensorType type);
/// The constant bias `original` of an accumulator narrower than i32,
/// widened to i32; `converted` for others.
mlir::Value widenBias(mlir::OpBuilder &builder, mlir::Location loc,
                      mlir::Value original, mlir::Value converted);

} // namespace compress::qint_to_tosa

#endif // LIB_CONVERSION_QINTTOTOSA_TOSABUILDERS_H
