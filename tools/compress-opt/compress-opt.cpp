//===- compress-opt.cpp - The compress optimizer driver -------------------===//
//
// mlir-opt with compress's dialects, passes and pipelines: every standard
// flag of MlirOptMain works unchanged. Long passes draw their progress on
// stderr when it is a terminal (--progress and --no-progress decide
// otherwise).
//
// Unlike mlir-opt, the driver releases the memory-mapped input file's pages
// once the input is parsed, and again after each pass: a large model's
// text (twice its weight bytes in hex) would otherwise stay resident
// through the whole pipeline, and so would the `dense_resource` weights
// that MLIR bytecode input holds in place once a pass has read them.
//
//===----------------------------------------------------------------------===//

#include "compress/InitAll.h"
#include "compress/Support/ParserGuard.h"
#include "compress/Support/Progress.h"
#include "compress/Support/ToolSupport.h"

#include "TestAccumulatorBounds.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ToolOutputFile.h"

#include <sys/mman.h>

static llvm::cl::opt<bool>
    progress("progress",
             llvm::cl::desc("Draw the progress of long passes on stderr "
                            "(default: when stderr is a terminal)"));
static llvm::cl::opt<bool>
    noProgress("no-progress",
               llvm::cl::desc("Never draw the progress of long passes"));

/// Drops the resident pages of `buffer` when it maps a file read-only (its
/// contents stay readable: the kernel maps them in again on access). Not
/// MemoryBuffer::dontNeedIfMmap, which is posix_madvise's DONTNEED, a no-op
/// in glibc.
static void releaseMappedPages(const llvm::MemoryBuffer &buffer) {
  if (buffer.getBufferKind() != llvm::MemoryBuffer::MemoryBuffer_MMap)
    return;
  auto pageSize = uintptr_t(llvm::sys::Process::getPageSizeEstimate());
  auto start = reinterpret_cast<uintptr_t>(buffer.getBufferStart());
  auto end = reinterpret_cast<uintptr_t>(buffer.getBufferEnd());
  uintptr_t first = start & ~(pageSize - 1);
  ::madvise(reinterpret_cast<void *>(first), end - first, MADV_DONTNEED);
}

/// Releases the input's pages, and the heap's freed blocks, after each
/// pass on the top-level operation (nested passes run inside one of those).
/// A pass that reads resource blobs in place, such as cleanup folding batch
/// norm into the weights, leaves the pages it read resident; weights it
/// replaced are not read again, and the rest map in again when a later pass
/// reads them. What a pass allocated and freed would otherwise stay
/// resident between the blocks still in use.
class ReleaseMemoryAfterPass : public mlir::PassInstrumentation {
public:
  explicit ReleaseMemoryAfterPass(const llvm::MemoryBuffer &buffer)
      : buffer(buffer) {}
  void runAfterPass(mlir::Pass *, mlir::Operation *op) override {
    if (op->getParentOp())
      return;
    releaseMappedPages(buffer);
    compress::releaseFreedMemory();
  }
  void runAfterPassFailed(mlir::Pass *pass, mlir::Operation *op) override {
    runAfterPass(pass, op);
  }

private:
  const llvm::MemoryBuffer &buffer;
};

/// MlirOptMain(argc, argv, input, output, registry) with one difference:
/// when the input is a memory-mapped file, its pages are released after
/// parsing, before the pass pipeline runs, and after each top-level pass
/// (the parsed module owns copies of what it needs, or reads resource blobs
/// from the mapping; a later read, e.g. to quote a source line in a
/// diagnostic, maps the page in again).
static mlir::LogicalResult runOptMain(int argc, char **argv,
                                      llvm::StringRef inputFilename,
                                      llvm::StringRef outputFilename,
                                      mlir::DialectRegistry &registry) {
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects() || config.shouldListPasses())
    return mlir::MlirOptMain(argc, argv, inputFilename, outputFilename,
                             registry);
  llvm::InitLLVM initLLVM(argc, argv);
  if (inputFilename == "-" &&
      llvm::sys::Process::FileDescriptorIsDisplayed(fileno(stdin)))
    llvm::errs() << "(processing input from stdin now, hit ctrl-c/ctrl-d to "
                    "interrupt)\n";
  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputFilename, &errorMessage);
  if (!input) {
    llvm::errs() << errorMessage << "\n";
    return mlir::failure();
  }
  // Reject what MLIR's parser would crash on, with a located error.
  if (std::optional<compress::ParserHazard> hazard =
          compress::findParserHazard(input->getBuffer())) {
    llvm::errs() << input->getBufferIdentifier() << ":" << hazard->line << ":"
                 << hazard->column << ": error: " << hazard->message << "\n";
    return mlir::failure();
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << errorMessage << "\n";
    return mlir::failure();
  }
  // Pipeline setup runs once the input is parsed (per chunk with
  // --split-input-file, where dropped pages of later chunks map in again).
  llvm::MemoryBuffer *mapped = input.get();
  mlir::MlirOptMainConfig parsed = config;
  // An error on a module would otherwise be followed by the whole module
  // ("see current operation"), megabytes for a real model; the IR stays
  // one flag away.
  bool printOp = false;
  if (auto *option = llvm::cl::getRegisteredOptions().lookup(
          "mlir-print-op-on-diagnostic"))
    printOp = option->getNumOccurrences() > 0;
  config.setPassPipelineSetupFn(
      [mapped, parsed, printOp](mlir::PassManager &pm) {
        releaseMappedPages(*mapped);
        pm.addInstrumentation(std::make_unique<ReleaseMemoryAfterPass>(*mapped));
        if (!printOp)
          pm.getContext()->printOpOnDiagnostic(false);
        return parsed.setupPassPipeline(pm);
      });
  if (failed(mlir::MlirOptMain(output->os(), std::move(input), registry,
                               config)))
    return mlir::failure();
  output->keep();
  return mlir::success();
}

int main(int argc, char **argv) {
  compress::tuneAllocatorForTool();
  compress::setUpBlasForTool();
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
  return mlir::asMainReturnCode(
      runOptMain(argc, argv, inputFilename, outputFilename, registry));
}
