//===- Compression.h - Compression dialect -----------------------*- C++ -*-===//
//
// The `compress` dialect, its attributes and the names it attaches them
// under.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSION_H
#define COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSION_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/Operation.h"

// The attribute classes come first: the dialect's helpers for its
// discardable attributes return them.
#define GET_ATTRDEF_CLASSES
#include "compress/Dialect/Compression/IR/CompressionAttrs.h.inc"

#include "compress/Dialect/Compression/IR/CompressionOpsDialect.h.inc"

namespace compress {

/// The calibrated range recorded for `value`: the `compress.range` of the
/// op defining it if that op has no other result, or of the function
/// argument it is. Null if there is none.
ValueRangeAttr getCalibratedRange(mlir::Value value);

} // namespace compress

#endif // COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSION_H
