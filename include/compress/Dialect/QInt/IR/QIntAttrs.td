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
include "compress/Dialect/QInt/IR/QIntEnums.td"
include "compress/Support/RescaleRounding.td"

def QInt_RescaleRoundingAttr
    : EnumAttr<QInt_Dialect, Support_RescaleRounding, "rounding"> {
  let cppNamespace = "::compress::qint";
  let assemblyFormat = "`<` $value `>`";
}

def QInt_WeightLayoutAttr : EnumAttr<QInt_Dialect, QInt_WeightLayout,
                                     "layout"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // COMPRESS_DIALECT_QINT_IR_QINTATTRS_TD
