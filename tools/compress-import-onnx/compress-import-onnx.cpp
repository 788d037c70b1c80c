//===- compress-import-onnx.cpp - ONNX models as float TOSA ---------------===//
//
// Reads an ONNX model and writes the float TOSA program compress-opt's
// pipelines take. Every failure is one line on stderr and exit code 1.
//
//===----------------------------------------------------------------------===//

#include "compress/Import/OnnxImporter.h"
#include "compress/Support/ToolSupport.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace compress;
namespace cl = llvm::cl;

namespace {
cl::OptionCategory category("compress-import-onnx options");
cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.onnx | ->"),
                               cl::cat(category));
cl::opt<std::string> outputPath("o", cl::desc("Output file (default: stdout)"),
                                cl::value_desc("OUT.mlir"), cl::init("-"),
                                cl::cat(category));
cl::opt<bool> textFormat("text",
                         cl::desc("The model is in protobuf text format "
                                  "(as `protoc --decode` writes it)"),
                         cl::cat(category));
cl::opt<std::string> functionName("function",
                                  cl::desc("Name of the generated function"),
                                  cl::value_desc("NAME"), cl::init("main"),
                                  cl::cat(category));
cl::opt<bool> listOps("list-ops",
                      cl::desc("Print the ONNX op types the importer reads "
                               "and exit"),
                      cl::cat(category));
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  if (!parseToolOptions(argc, argv, "compress-import-onnx",
                        "compress-import-onnx: ONNX model to float TOSA\n"))
    return 1;
  MLIRContext context;
  ToolDiagnostics diagnostics("compress-import-onnx", context);
  if (listOps) {
    for (StringRef op : getSupportedOnnxOps())
      llvm::outs() << op << "\n";
    return 0;
  }
  if (modelPath.empty())
    return diagnostics.fail("no model given (compress-import-onnx "
                            "MODEL.onnx -o OUT.mlir)");
  if (functionName.empty())
    return diagnostics.fail("--function must not be empty");
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(modelPath);
  if (!buffer)
    return diagnostics.fail(modelPath +
                            ": cannot read: " + buffer.getError().message());
  OnnxImportOptions options;
  options.textFormat = textFormat;
  options.functionName = functionName;
  auto module = importOnnxModel((*buffer)->getBuffer(), context, options);
  if (!module)
    return diagnostics.fail(modelPath + ": " +
                            llvm::toString(module.takeError()));
  std::string error;
  auto output = openOutputFile(outputPath, &error);
  if (!output)
    return diagnostics.fail(error);
  (*module)->print(output->os());
  output->os() << "\n";
  output->keep();
  return 0;
}
