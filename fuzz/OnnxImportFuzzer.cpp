//===- OnnxImportFuzzer.cpp - libFuzzer target: the ONNX importer ---------===//
//
// Any bytes as an ONNX model: importOnnxModel must return a verified module
// or an error, never crash.
//
//===----------------------------------------------------------------------===//

#include "compress/Import/OnnxImporter.h"

#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext context;
  context.printOpOnDiagnostic(false);
  auto module = compress::importOnnxModel(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), context);
  if (!module)
    llvm::consumeError(module.takeError());
  return 0;
}
