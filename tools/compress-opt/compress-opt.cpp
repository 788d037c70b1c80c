//===- compress-opt.cpp - The compress optimizer driver -------------------===//
//
// mlir-opt with compress's dialects, passes and pipelines: every standard
// flag of MlirOptMain works unchanged. Long passes draw their progress on
// stderr when it is a terminal (--progress and --no-progress decide
// otherwise).
//
//===----------------------------------------------------------------------===//

#include "compress/InitAll.h"
#include "compress/Support/Progress.h"
#include "compress/Support/ToolSupport.h"

#include "TestAccumulatorBounds.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"

static llvm::cl::opt<bool>
    progress("progress",
             llvm::cl::desc("Draw the progress of long passes on stderr "
                            "(default: when stderr is a terminal)"));
static llvm::cl::opt<bool>
    noProgress("no-progress",
               llvm::cl::desc("Never draw the progress of long passes"));

int main(int argc, char **argv) {
  compress::tuneAllocatorForTool();
  mlir::DialectRegistry registry;
  compress::registerAllDialects(registry);
  compress::registerAllPasses();
  compress::test::registerTestAccumulatorBoundsPass();
  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv,
      "compress: compress float TOSA graphs into integer programs\n",
      registry);
  compress::enableStderrProgress(
      noProgress ? std::optional<bool>(false)
      : progress ? std::optional<bool>(true)
                 : std::nullopt);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, inputFilename, outputFilename, registry));
}
