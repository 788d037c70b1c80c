//===- ToolSupport.cpp - One-line errors for command-line tools -----------===//

#include "compress/Support/ToolSupport.h"
#include "compress/Support/Blas.h"
#include "compress/Support/ParserGuard.h"

#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace mlir;
using namespace compress;

/// Location of a diagnostic as "file:line:col".
static std::string locationText(Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc))
    os << fileLoc.getFilename().getValue() << ":" << fileLoc.getLine() << ":"
       << fileLoc.getColumn();
  else
    os << loc;
  return text;
}

static std::string oneLine(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

ToolDiagnostics::ToolDiagnostics(StringRef tool, MLIRContext &context)
    : tool(tool.str()), handler(&context, [this](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error && first.empty())
          first = oneLine(locationText(diag.getLocation()) + ": " + diag.str());
        return success();
      }) {}

int ToolDiagnostics::fail(const llvm::Twine &message) const {
  // Keep what was already printed on stdout before the error line.
  llvm::outs().flush();
  llvm::errs() << tool << ": error: " << message << "\n";
  return 1;
}

int ToolDiagnostics::fail(llvm::Error error) const {
  return fail(oneLine(llvm::toString(std::move(error))));
}

int ToolDiagnostics::failDiagnosed(const llvm::Twine &fallback) const {
  return first.empty() ? fail(fallback) : fail(first);
}

int ToolDiagnostics::failDiagnosed(llvm::Error error) const {
  if (first.empty())
    return fail(std::move(error));
  llvm::consumeError(std::move(error));
  return fail(first);
}

OwningOpRef<ModuleOp> ToolDiagnostics::parseModel(StringRef path,
                                                  llvm::SourceMgr &sourceMgr,
                                                  MLIRContext &context) {
  std::string error;
  auto file = openInputFile(path, &error);
  if (!file) {
    fail(path + ": " + error);
    return nullptr;
  }
  if (std::optional<ParserHazard> hazard =
          findParserHazard(file->getBuffer())) {
    fail(path + ":" + llvm::Twine(hazard->line) + ":" +
         llvm::Twine(hazard->column) + ": " + hazard->message);
    return nullptr;
  }
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    failDiagnosed(path + ": cannot parse the model");
  return module;
}

bool compress::parseToolOptions(int argc, char **argv, StringRef tool,
                                StringRef overview) {
  std::string errors;
  llvm::raw_string_ostream stream(errors);
  if (llvm::cl::ParseCommandLineOptions(argc, argv, overview, &stream))
    return true;
  // Bad option values are reported on one line by the parser itself and
  // leave nothing here.
  StringRef line = StringRef(errors).split('\n').first;
  if (!line.empty()) {
    line.consume_front((tool + ": ").str());
    llvm::errs() << tool << ": error: " << line << "\n";
  }
  return false;
}

void compress::tuneAllocatorForTool() {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

void compress::releaseFreedMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

void compress::setUpBlasForTool() {
  useSerialBlas();
  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "  OpenBLAS kernels: " << blasKernelName() << '\n';
  });
}
