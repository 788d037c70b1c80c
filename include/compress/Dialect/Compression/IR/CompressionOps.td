//===- CompressionOps.td - Compression dialect aggregate ---*- tablegen -*-===//
//
// The dialect has attributes only; this file gathers them for TableGen.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSIONOPS_TD
#define COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSIONOPS_TD

include "compress/Dialect/Compression/IR/CompressionDialect.td"
include "compress/Dialect/Compression/IR/CompressionAttrs.td"

#endif // COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSIONOPS_TD
