//===- InitAll.cpp - Register compress and its upstream needs -------------===//

#include "compress/InitAll.h"

#include "compress/Conversion/Passes.h"
#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Dialect/QInt/IR/QInt.h"
#include "compress/Dialect/QInt/Transforms/Passes.h"
#include "compress/Pipelines/Pipelines.h"
#include "compress/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

void compress::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<qint::QIntDialect, CompressionDialect>();
  // The lowering pipelines cross most of upstream (linalg, bufferization,
  // vector, llvm, ...) and need their interface models, so register the
  // whole set rather than a list that drifts out of date.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
}

void compress::registerAllPasses() {
  mlir::registerAllPasses();
  registerCompressPasses();
  qint::registerQIntPasses();
  registerCompressConversionPasses();
  registerCompressPipelines();
}
