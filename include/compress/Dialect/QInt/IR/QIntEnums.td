//===- QIntEnums.td - Integer kernel dialect enums -----------*- tablegen -*-===//
//
// The enums of the `qint` dialect that are its own. Kept apart from
// QIntAttrs.td so that generating them does not also generate the enums
// the attributes take from lib/Support (RescaleRounding).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_QINT_IR_QINTENUMS_TD
#define COMPRESS_DIALECT_QINT_IR_QINTENUMS_TD

include "mlir/IR/EnumAttr.td"

def QInt_LayoutDense : I32EnumAttrCase<"dense", 0>;
def QInt_LayoutPacked : I32EnumAttrCase<"packed", 1>;
def QInt_LayoutSparse : I32EnumAttrCase<"sparse", 2>;

def QInt_WeightLayout : I32EnumAttr<"WeightLayout",
    "how the values of a qint.weights constant are stored",
    [QInt_LayoutDense, QInt_LayoutPacked, QInt_LayoutSparse]> {
  let cppNamespace = "::compress::qint";
  let genSpecializedAttr = 0;
  let description = [{
    `dense`: one i8 per value, row-major in the result's shape.

    `packed`: a 1-D i8 tensor of bytes holding one `bits`-bit field per
    value, row-major in the result's shape, as one little-endian LSB-first
    bitstream (see `qint.weights`).

    `sparse`: the result is cut into blocks; a bitmask names the blocks
    holding a nonzero value and only those blocks' values are stored, as a
    packed bitstream (see `qint.weights`).

    The logical value of every element is the same whatever the layout.
  }];
}

#endif // COMPRESS_DIALECT_QINT_IR_QINTENUMS_TD
