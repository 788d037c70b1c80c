//===- QIntAttrs.td - Integer kernel dialect attributes ----*- tablegen -*-===//
//
// Enums and attributes of the `qint` dialect.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_QINT_IR_QINTATTRS_TD
#define COMPRESS_DIALECT_QINT_IR_QINTATTRS_TD

include "compress/Dialect/QInt/IR/QIntDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def QInt_RoundingSingle : I32EnumAttrCase<"single_round", 0>;
def QInt_RoundingDouble : I32EnumAttrCase<"double_round", 1>;

def QInt_RoundingMode : I32EnumAttr<"RoundingMode",
    "rounding of a fixed-point rescale, as in tosa.rescale",
    [QInt_RoundingSingle, QInt_RoundingDouble]> {
  let cppNamespace = "::compress::qint";
  let genSpecializedAttr = 0;
}

def QInt_RoundingModeAttr : EnumAttr<QInt_Dialect, QInt_RoundingMode,
                                     "rounding"> {
  let assemblyFormat = "`<` $value `>`";
}

def QInt_LayoutDense : I32EnumAttrCase<"dense", 0>;
def QInt_LayoutPacked : I32EnumAttrCase<"packed", 1>;

def QInt_WeightLayout : I32EnumAttr<"WeightLayout",
    "how the values of a qint.weights constant are stored",
    [QInt_LayoutDense, QInt_LayoutPacked]> {
  let cppNamespace = "::compress::qint";
  let genSpecializedAttr = 0;
  let description = [{
    `dense`: one i8 per value, row-major in the result's shape.

    `packed`: a 1-D i8 tensor of bytes holding one `bits`-bit field per
    value, row-major in the result's shape, as one little-endian LSB-first
    bitstream (see `qint.weights`).

    The logical value of every element is the same whatever the layout.
  }];
}

def QInt_WeightLayoutAttr : EnumAttr<QInt_Dialect, QInt_WeightLayout,
                                     "layout"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // COMPRESS_DIALECT_QINT_IR_QINTATTRS_TD
