//===- compress-opt.cpp - The compress optimizer driver -------------------===//
//
// mlir-opt with compress's dialects, passes and pipelines: every standard
// flag of MlirOptMain works unchanged.
//
//===----------------------------------------------------------------------===//

#include "compress/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  compress::registerAllDialects(registry);
  compress::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "compress: compress float TOSA graphs into integer "
                  "programs\n",
      registry));
}
