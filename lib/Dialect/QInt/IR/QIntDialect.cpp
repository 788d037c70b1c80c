//===- QIntDialect.cpp - Integer kernel dialect ---------------------------===//
//
// Registration of the `qint` dialect, its enums and attributes.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/QInt/IR/QInt.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace compress::qint;

#include "compress/Dialect/QInt/IR/QIntOpsDialect.cpp.inc"

#include "compress/Dialect/QInt/IR/QIntEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "compress/Dialect/QInt/IR/QIntAttrs.cpp.inc"

void QIntDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "compress/Dialect/QInt/IR/QIntAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "compress/Dialect/QInt/IR/QIntOps.cpp.inc"
      >();
}
