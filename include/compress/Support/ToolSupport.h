//===- ToolSupport.h - One-line errors for command-line tools ----*- C++ -*-===//
//
// compress's tools report every failure as one line `TOOL: error: ...` and
// exit with 1: option errors, I/O errors and MLIR diagnostics alike. This
// helper holds that policy so every tool behaves the same.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_TOOLSUPPORT_H
#define COMPRESS_SUPPORT_TOOLSUPPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace compress {

/// Collects the first MLIR error diagnostic of a context and prints
/// failures as single lines.
class ToolDiagnostics {
public:
  ToolDiagnostics(llvm::StringRef tool, mlir::MLIRContext &context);

  /// Prints `TOOL: error: message` and returns the exit code 1.
  int fail(const llvm::Twine &message) const;
  int fail(llvm::Error error) const;
  /// Fails with the first error MLIR diagnosed ("file:line:col: message"),
  /// or with `fallback` if there was none.
  int failDiagnosed(const llvm::Twine &fallback) const;
  int failDiagnosed(llvm::Error error) const;
  /// The first error diagnostic, on one line; empty if none.
  const std::string &firstError() const { return first; }

  /// Parses a model file, or standard input for "-"; null after a
  /// diagnostic.
  mlir::OwningOpRef<mlir::ModuleOp> parseModel(llvm::StringRef path,
                                              llvm::SourceMgr &sourceMgr,
                                              mlir::MLIRContext &context);

private:
  std::string tool;
  std::string first;
  mlir::ScopedDiagnosticHandler handler;
};

/// Tunes the C library's allocator for a tool's process: freed blocks below
/// 256 MiB stay in the heap for reuse instead of going back to the system.
/// The evaluator allocates and frees tensors and im2col blocks of hundreds
/// of KiB to tens of MiB for every op and sample; with glibc's defaults
/// each of them is a fresh mmap whose zeroed pages fault in again, which
/// costs calibration about half its time. Does nothing outside glibc.
void tuneAllocatorForTool();

/// Returns the pages of freed heap blocks to the system (glibc's
/// malloc_trim), including those between blocks still in use, which the
/// heap otherwise keeps resident. Called before a large allocation that
/// follows much freeing, it keeps the peak at what is live rather than at
/// the heap's high-water mark. Does nothing outside glibc.
void releaseFreedMemory();

/// Sets OpenBLAS up (`useSerialBlas`) while the tool has one thread, as its
/// kernel selection sets an environment variable, and adds the kernels in
/// use to the tool's `--version` output.
void setUpBlasForTool();

/// llvm::cl::ParseCommandLineOptions whose errors are one line too. Returns
/// false (after printing) if the command line is invalid.
bool parseToolOptions(int argc, char **argv, llvm::StringRef tool,
                      llvm::StringRef overview);

} // namespace compress

#endif // COMPRESS_SUPPORT_TOOLSUPPORT_H
