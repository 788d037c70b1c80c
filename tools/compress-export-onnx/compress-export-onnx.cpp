//===- compress-export-onnx.cpp - Quantized programs as QDQ ONNX ----------===//
//
// Writes a quantized program (compress-pipeline's output) as a QDQ ONNX
// model that ONNX Runtime runs with its integer kernels:
//
//   compress-export-onnx model.int8.mlir -o model.int8.onnx
//
//===----------------------------------------------------------------------===//

#include "compress/Export/OnnxExport.h"
#include "compress/InitAll.h"
#include "compress/Support/Samples.h"
#include "compress/Support/ToolSupport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace compress;
namespace cl = llvm::cl;

namespace {
cl::OptionCategory category("compress-export-onnx options");
cl::opt<std::string> modelPath(cl::Positional,
                               cl::desc("<quantized model.mlir | ->"),
                               cl::cat(category));
cl::opt<std::string> outputPath("o", cl::desc("Output file (- for stdout)"),
                                cl::value_desc("OUT.onnx"), cl::cat(category));
cl::opt<std::string> entryName("entry",
                               cl::desc("Function to export (default: @main, "
                                        "else the only public function)"),
                               cl::value_desc("NAME"), cl::cat(category));
cl::opt<bool> textFormat("text",
                         cl::desc("Write protobuf text format instead of "
                                  "binary"),
                         cl::cat(category));
cl::opt<bool> listOps("list-ops",
                      cl::desc("Print the ops the export handles and exit"),
                      cl::cat(category));
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  if (!parseToolOptions(argc, argv, "compress-export-onnx",
                        "compress-export-onnx: a quantized program as a QDQ "
                        "ONNX model\n"))
    return 1;
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  ToolDiagnostics diagnostics("compress-export-onnx", context);
  if (listOps) {
    for (StringRef op : getOnnxExportableOps())
      llvm::outs() << op << "\n";
    return 0;
  }
  if (modelPath.empty() || outputPath.empty())
    return diagnostics.fail("usage: compress-export-onnx MODEL.mlir -o "
                            "OUT.onnx");
  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> module =
      diagnostics.parseModel(modelPath, sourceMgr, context);
  if (!module)
    return 1;
  llvm::Expected<func::FuncOp> entry = findEntryFunction(*module, entryName);
  if (!entry)
    return diagnostics.fail(entry.takeError());
  llvm::Expected<std::string> bytes = exportQdqOnnx(*entry, textFormat);
  if (!bytes)
    return diagnostics.fail(bytes.takeError());
  std::string error;
  auto output = openOutputFile(outputPath, &error);
  if (!output)
    return diagnostics.fail(error);
  output->os() << *bytes;
  output->keep();
  return 0;
}
