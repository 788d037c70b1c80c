//===- OnnxImporter.h - ONNX models as float TOSA ---------------*- C++ -*-===//
//
// Reads an ONNX model (binary ModelProto, or protobuf text format) and
// writes it as a float TOSA function in the form the compression pipeline
// takes: tensors keep ONNX's NCHW layout, and convolutions and pools are
// wrapped in the transposes to and from NHWC that compress-cleanup cancels.
// Subgraphs that compute shapes (Shape, Gather, Concat, Cast, ... feeding a
// Reshape or Pad) are folded to constants while importing.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_IMPORT_ONNXIMPORTER_H
#define COMPRESS_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

namespace compress {

struct OnnxImportOptions {
  /// The model is in protobuf text format rather than binary.
  bool textFormat = false;
  /// Name of the generated function.
  std::string functionName = "main";
};

/// Imports the ONNX model in `bytes`. An op the importer does not know, an
/// input with a dynamic dimension, a missing initializer or a malformed
/// file gives one error naming the node, its op type and the opset.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxModel(llvm::StringRef bytes, mlir::MLIRContext &context,
                const OnnxImportOptions &options = {});

/// The ONNX op types the importer reads, sorted.
llvm::ArrayRef<llvm::StringRef> getSupportedOnnxOps();

} // namespace compress

#endif // COMPRESS_IMPORT_ONNXIMPORTER_H
