//===- Compression.h - Compression dialect -----------------------*- C++ -*-===//
//
// The `compress` dialect and its attributes.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSION_H
#define COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSION_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Dialect.h"

#include "compress/Dialect/Compression/IR/CompressionOpsDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "compress/Dialect/Compression/IR/CompressionAttrs.h.inc"

#endif // COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSION_H
