//===- PackedWeights.cpp - Run-time decoding of packed weights ------------===//
//
// Exports `qint.weights` with `layout = packed` without unpacking it at
// compile time, so that the compiled program stores the compressed bytes.
//
// Every group of 8 consecutive weights occupies exactly `bits` bytes of the
// bitstream, and weight j of every group sits at the same bit offset
// `j * bits` within its group. So the bytes, padded with zero bytes to a
// whole number of groups, are viewed as a [G, bits] constant; each of the 8
// weight positions is decoded for all G groups at once from one or two
// byte columns with elementwise integer ops (slice, concat, cast, bitwise
// and, or, shifts), in [G, 8], which is already row-major order. Each step is a single op on all 8 positions at once,
// with a [1, 8] row of per-position shift amounts: upstream's lowering
// does not fuse elementwise ops, so every op costs a loop nest of code,
// and a per-position decoding would cost more code than packing saves.
// Only ops of TOSA's integer profile on i8 and i32 are used, and no op has
// two constant operands that upstream folders would collapse back into the
// unpacked weights.
//
//===----------------------------------------------------------------------===//

#include "PackedWeights.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"

#include <algorithm>

using namespace mlir;
using namespace compress;
using namespace compress::qint;

/// A constant of `values` shaped [1, values.size()], which broadcasts
/// against [G, values.size()].
static Value createRow(PatternRewriter &rewriter, Location loc,
                       ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get({1, int64_t(values.size())},
                                    rewriter.getI32Type());
  return tosa::ConstOp::create(rewriter, loc, type,
                               DenseElementsAttr::get(type, values));
}

static Value createRow(PatternRewriter &rewriter, Location loc,
                       int32_t value) {
  return createRow(rewriter, loc, ArrayRef<int32_t>(value));
}

/// The stored bytes of `op`, padded with zero bytes to `groups` whole
/// groups of 8 weights, as unsigned values: one [G, 1] i32 column per byte
/// of a group.
static SmallVector<Value> createByteColumns(PatternRewriter &rewriter,
                                            WeightsOp op, int64_t groups) {
  Location loc = op.getLoc();
  int64_t bits = op.getBitsAttr().getInt();
  Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
  SmallVector<int8_t> bytes;
  bytes.reserve(groups * bits);
  for (const APInt &v : op.getValues().getValues<APInt>())
    bytes.push_back(int8_t(v.getSExtValue()));
  bytes.resize(groups * bits, 0);
  auto bytesType = RankedTensorType::get({groups, bits}, i8);
  Value packed = tosa::ConstOp::create(
      rewriter, loc, bytesType,
      DenseElementsAttr::get(bytesType, ArrayRef<int8_t>(bytes)));

  // The bytes as unsigned values in i32: the cast sign-extends, the mask
  // drops the extension. Then each byte column, [G, 1].
  auto wideType = RankedTensorType::get({groups, bits}, i32);
  Value wide = tosa::CastOp::create(rewriter, loc, wideType, packed);
  Value unsignedBytes = tosa::BitwiseAndOp::create(rewriter, loc, wideType,
                                                   wide, createRow(rewriter, loc, 255));
  auto columnType = RankedTensorType::get({groups, 1}, i32);
  SmallVector<Value> columns;
  if (bits == 1)
    columns.push_back(unsignedBytes);
  for (int64_t c = 0; bits > 1 && c < bits; ++c)
    columns.push_back(tosa::SliceOp::create(
        rewriter, loc, columnType, unsignedBytes,
        tosa::getTosaConstShape(rewriter, loc, {0, c}),
        tosa::getTosaConstShape(rewriter, loc, {groups, 1})));
  return columns;
}

/// Decodes the weight at bit `offsets[j]` of each [G, 8] 16-bit `word`:
/// sign-extended for signed widths, 2 * f - 1 for signed binary.
static Value createFieldDecoding(PatternRewriter &rewriter, Location loc,
                                 Value word, ArrayRef<int32_t> offsets,
                                 int64_t bits, bool isSigned) {
  auto groupType = cast<RankedTensorType>(word.getType());
  Value field;
  if (isSigned && bits > 1) {
    // Move each field's top bit to bit 31, then shift back arithmetically.
    SmallVector<int32_t> toTop;
    for (int32_t offset : offsets)
      toTop.push_back(32 - offset - int32_t(bits));
    Value top = tosa::LogicalLeftShiftOp::create(
        rewriter, loc, groupType, word, createRow(rewriter, loc, toTop));
    field = tosa::ArithmeticRightShiftOp::create(
        rewriter, loc, groupType, top, createRow(rewriter, loc, 32 - bits),
        /*round=*/false);
  } else {
    Value shifted = tosa::LogicalRightShiftOp::create(
        rewriter, loc, groupType, word, createRow(rewriter, loc, offsets));
    field = tosa::BitwiseAndOp::create(
        rewriter, loc, groupType, shifted,
        createRow(rewriter, loc, int32_t((1 << bits) - 1)));
    if (isSigned) {
      // Binary: field 0 is -1, field 1 is +1, so the weight is 2 * f - 1.
      Value twice = tosa::LogicalLeftShiftOp::create(
          rewriter, loc, groupType, field, createRow(rewriter, loc, 1));
      field = tosa::SubOp::create(rewriter, loc, groupType, twice,
                                  createRow(rewriter, loc, 1));
    }
  }
  return field;
}

/// The decoded [G, 8] i32 fields as the `count` weights of `type`.
static Value createWeightsShape(PatternRewriter &rewriter, Location loc,
                                Value field, int64_t count,
                                RankedTensorType type) {
  int64_t groups = cast<RankedTensorType>(field.getType()).getDimSize(0);
  Type i8 = rewriter.getI8Type();
  // [G, 8] i32 -> i8 -> [G * 8] -> the first `count` -> the result shape.
  Value weights = tosa::CastOp::create(
      rewriter, loc, RankedTensorType::get({groups, 8}, i8), field);
  weights = tosa::ReshapeOp::create(
      rewriter, loc, RankedTensorType::get({groups * 8}, i8), weights,
      tosa::getTosaConstShape(rewriter, loc, {groups * 8}));
  if (groups * 8 != count)
    weights = tosa::SliceOp::create(
        rewriter, loc, RankedTensorType::get({count}, i8), weights,
        tosa::getTosaConstShape(rewriter, loc, {0}),
        tosa::getTosaConstShape(rewriter, loc, {count}));
  if (type.getRank() != 1)
    weights = tosa::ReshapeOp::create(
        rewriter, loc, type, weights,
        tosa::getTosaConstShape(rewriter, loc, type.getShape()));
  return weights;
}

Value compress::createPackedWeightsDecoding(PatternRewriter &rewriter,
                                            WeightsOp op) {
  Location loc = op.getLoc();
  RankedTensorType type = op.getType();
  int64_t bits = op.getBitsAttr().getInt();
  bool isSigned = op.getIsSigned();
  int64_t count = op.getNumWeights();
  int64_t groups = (count + 7) / 8;
  if (count == 0)
    return tosa::ConstOp::create(
        rewriter, loc, type, DenseElementsAttr::get(type, ArrayRef<int8_t>()));
  Type i32 = rewriter.getI32Type();

  SmallVector<Value> columns = createByteColumns(rewriter, op, groups);

  // Position j of a group holds the field at bit `offset` of byte column
  // `first`, continued in the next column when it straddles a byte
  // boundary. Gather, for all 8 positions, the first byte and the next one
  // into [G, 8] tensors, so that every later step is one op on all
  // positions with a per-position constant row.
  SmallVector<Value> firstBytes, nextBytes;
  SmallVector<int32_t> offsets;
  bool anyStraddles = false;
  for (int64_t j = 0; j < 8; ++j) {
    int64_t bit = j * bits, first = bit / 8, offset = bit % 8;
    firstBytes.push_back(columns[first]);
    // A field that ends in its first byte takes any column as the next
    // byte: the shifts and masks below discard it.
    nextBytes.push_back(columns[std::min(first + 1, bits - 1)]);
    offsets.push_back(int32_t(offset));
    anyStraddles |= offset + bits > 8;
  }
  auto groupType = RankedTensorType::get({groups, 8}, i32);
  auto concat = [&](ArrayRef<Value> parts) -> Value {
    return tosa::ConcatOp::create(rewriter, loc, groupType, parts,
                                  rewriter.getI32IntegerAttr(1));
  };
  // Each position's 16-bit word: first byte | next byte << 8.
  Value word = concat(firstBytes);
  if (anyStraddles) {
    Value next = tosa::LogicalLeftShiftOp::create(rewriter, loc, groupType,
                                                  concat(nextBytes),
                                                  createRow(rewriter, loc, 8));
    word = tosa::BitwiseOrOp::create(rewriter, loc, groupType, word, next);
  }

  Value field =
      createFieldDecoding(rewriter, loc, word, offsets, bits, isSigned);
  return createWeightsShape(rewriter, loc, field, count, type);
}
