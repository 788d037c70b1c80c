//===- PipelineFuzzer.cpp - libFuzzer target: parse, verify, clean up -----===//
//
// Any bytes as MLIR text with compress's dialects: the parser, the qint
// verifiers, compress-cleanup and the export to TOSA must diagnose what
// they reject, never crash.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/Passes.h"
#include "compress/InitAll.h"
#include "compress/Support/ParserGuard.h"
#include "compress/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry;
    compress::registerAllDialects(*r);
    return r;
  }();
  mlir::MLIRContext context(*registry);
  context.printOpOnDiagnostic(false);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  // MLIR's lexer reads source buffers up to a terminating NUL, as files
  // are mapped (llvm::MemoryBuffer) and as the tools read them; libFuzzer's
  // bytes are not terminated, so they are copied into a string that is.
  std::string source(reinterpret_cast<const char *>(data), size);
  // As the tools do, skip what MLIR 22's parser crashes on.
  if (compress::findParserHazard(source))
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module)
    return 0;
  mlir::PassManager pm(&context);
  pm.addNestedPass<mlir::func::FuncOp>(compress::createCleanupPass());
  pm.addNestedPass<mlir::func::FuncOp>(compress::createConvertQIntToTosaPass());
  (void)pm.run(*module);
  return 0;
}
