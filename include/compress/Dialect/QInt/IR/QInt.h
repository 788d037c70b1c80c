//===- QInt.h - Integer kernel dialect ---------------------------*- C++ -*-===//
//
// The `qint` dialect, its enums, attributes and operations.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_QINT_IR_QINT_H
#define COMPRESS_DIALECT_QINT_IR_QINT_H

#include "compress/Support/RescaleRounding.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferIntRangeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <vector>

#include "compress/Dialect/QInt/IR/QIntOpsDialect.h.inc"

#include "compress/Dialect/QInt/IR/QIntEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "compress/Dialect/QInt/IR/QIntAttrs.h.inc"

#define GET_OP_CLASSES
#include "compress/Dialect/QInt/IR/QIntOps.h.inc"

#endif // COMPRESS_DIALECT_QINT_IR_QINT_H
