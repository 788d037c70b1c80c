//===- compress-aot.cpp - Compile a model to an object file and C header --===//
//
// Compiles a model's entry function ahead of time into a native object file
// with a plain C entry point, and optionally writes a C header declaring it.
//
// The model, float TOSA or qint, is lowered with compress-lower-to-llvm, the
// pipeline behind compress-run's JIT backend, so the object computes what
// compress-run measures. The entry function gets MLIR's C interface
// (`llvm.emit_c_interface`): each memref argument and result travels as a
// pointer to a descriptor struct, which a C program can fill and read
// without knowing MLIR's unpacked calling convention. That function is
// renamed to the requested C name and every other definition becomes
// internal, so that several compiled models link into one program. The
// header's link instructions come from the undefined symbols of the emitted
// object itself, so they stay exact whatever the lowering produces; its
// text is written by compress/Runtime/CHeader.h.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/QIntToX86/QIntToX86.h"
#include "compress/InitAll.h"
#include "compress/Pipelines/Pipelines.h"
#include "compress/Runtime/CHeader.h"
#include "compress/Support/Samples.h"
#include "compress/Support/ToolSupport.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <algorithm>
#include <optional>

using namespace mlir;
using namespace compress;
namespace cl = llvm::cl;

#ifndef COMPRESS_MLIR_LIB_DIR
#define COMPRESS_MLIR_LIB_DIR "/usr/lib/llvm-22/lib"
#endif

namespace {

cl::OptionCategory category("compress-aot options");
cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                               cl::desc("<model.mlir | ->"), cl::cat(category));
cl::opt<std::string> outputPath("o", cl::Required,
                                cl::desc("Object file to write (LLVM IR "
                                         "text with --emit-llvm)"),
                                cl::value_desc("OUT.o"), cl::cat(category));
cl::opt<std::string> headerPath("header",
                                cl::desc("Write a C header declaring the "
                                         "compiled function"),
                                cl::value_desc("OUT.h"), cl::cat(category));
cl::opt<std::string> entryName("entry",
                               cl::desc("Function to compile (default: "
                                        "@main, or the only public "
                                        "function)"),
                               cl::cat(category));
cl::opt<std::string> symbolName(
    "symbol",
    cl::desc("Name of the exported C function (default: "
             "_mlir_ciface_<entry>, MLIR's name for the entry's C interface)"),
    cl::value_desc("C_NAME"), cl::cat(category));
cl::opt<std::string> cpuName("mcpu",
                             cl::desc("Target CPU (default or 'native': "
                                      "the host CPU with its features; "
                                      "'generic' for portable code)"),
                             cl::value_desc("CPU"), cl::cat(category));
cl::opt<std::string> kernelsName(
    "kernels",
    cl::desc("Kernels for qint convolutions and matmuls: auto (x86-vnni when "
             "the target CPU has AVX-512 VNNI, else tosa), x86-vnni or tosa"),
    cl::value_desc("KIND"), cl::init("auto"), cl::cat(category));
cl::opt<int64_t> sparseKernels(
    "sparse-kernels",
    cl::desc("With the x86-vnni kernels, the percent of zero 1x4 weight "
             "blocks from which a convolution or matmul takes the sparse "
             "kernel (above 100: never)"),
    cl::value_desc("PERCENT"), cl::init(kDefaultSparseKernelPercent),
    cl::cat(category));
cl::opt<std::string> arenaName(
    "arena",
    cl::desc("Temporary buffers: heap (one arena allocated per call; the "
             "function is reentrant), global (a static arena: no allocation "
             "per call, but calls must not overlap) or none"),
    cl::value_desc("KIND"), cl::init("heap"), cl::cat(category));
cl::opt<bool> emitLLVM("emit-llvm",
                       cl::desc("Write the optimised LLVM IR as text instead "
                                "of an object file"),
                       cl::cat(category));

/// Whether `name` can name a C function.
bool isCIdentifier(StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

/// A target machine for the host triple. An empty `cpu` (or "native") means
/// the host CPU with exactly the features it reports, so the object runs
/// where it was built at full speed; a named CPU gets that CPU's features.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(StringRef cpu) {
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError(error);

  std::string cpuToUse = cpu.str();
  std::string features;
  if (cpu.empty() || cpu == "native") {
    cpuToUse = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures hostFeatures;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      hostFeatures.AddFeature(feature.getKey(), feature.getValue());
    features = hostFeatures.getString();
  } else {
    // Checked here because the target machine would only warn and carry on
    // with its default CPU; asking a generic subtarget avoids that warning.
    std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
        target->createMCSubtargetInfo(triple, "generic", ""));
    if (!subtarget || !subtarget->isCPUStringValid(cpu))
      return llvm::createStringError("unknown --mcpu '%s' for %s",
                                     cpu.str().c_str(), triple.str().c_str());
  }
  // Position-independent code links into the PIE executables and shared
  // objects that current toolchains build by default.
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpuToUse, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return llvm::createStringError("cannot create a target machine for %s",
                                   triple.str().c_str());
  return machine;
}

/// The kernels --kernels asks for on `machine`'s CPU: `auto` takes the VNNI
/// kernels where the CPU has every feature they use.
llvm::Expected<LoweringKernels>
chooseKernels(const llvm::TargetMachine &machine) {
  const llvm::MCSubtargetInfo *subtarget = machine.getMCSubtargetInfo();
  bool vnni = llvm::all_of(getQIntToX86RequiredFeatures(), [&](StringRef f) {
    return subtarget->checkFeatures(("+" + f).str());
  });
  if (kernelsName == "auto")
    return vnni ? LoweringKernels::X86Vnni : LoweringKernels::Tosa;
  std::optional<LoweringKernels> kernels = parseLoweringKernels(kernelsName);
  if (!kernels)
    return llvm::createStringError("unknown --kernels '%s' (expected auto, "
                                   "x86-vnni or tosa)",
                                   kernelsName.c_str());
  if (*kernels == LoweringKernels::X86Vnni && !vnni)
    return llvm::createStringError(
        "--kernels=x86-vnni needs a CPU with %s; --mcpu %s lacks some",
        llvm::join(getQIntToX86RequiredFeatures(), ", ").c_str(),
        machine.getTargetCPU().str().c_str());
  return *kernels;
}

/// Leaves `wrapper`, renamed to `symbol`, as the module's only exported
/// definition: the other functions (the entry's unpacked form included) and
/// globals become internal, so that objects of several models never clash.
llvm::Error exportOnly(llvm::Module &module, StringRef wrapper,
                       StringRef symbol) {
  llvm::Function *exported = module.getFunction(wrapper);
  if (!exported || exported->isDeclaration())
    return llvm::createStringError("the lowering produced no C interface "
                                   "'%s'",
                                   wrapper.str().c_str());
  for (llvm::Function &func : module)
    if (&func != exported && !func.isDeclaration())
      func.setLinkage(llvm::GlobalValue::InternalLinkage);
  for (llvm::GlobalVariable &global : module.globals())
    if (!global.isDeclaration() && !global.hasLocalLinkage() &&
        !global.getName().starts_with("llvm."))
      global.setLinkage(llvm::GlobalValue::InternalLinkage);
  if (symbol == wrapper)
    return llvm::Error::success();
  if (llvm::GlobalValue *clash = module.getNamedValue(symbol)) {
    if (clash->isDeclaration())
      return llvm::createStringError("--symbol '%s' names a function the "
                                     "compiled code calls",
                                     symbol.str().c_str());
    // Internal now, so nothing outside the module refers to its name.
    clash->setName(symbol + ".impl");
  }
  exported->setName(symbol);
  return llvm::Error::success();
}

/// Compiles `module` to an object file in memory.
llvm::Expected<llvm::SmallVector<char, 0>>
emitObject(llvm::Module &module, llvm::TargetMachine &machine) {
  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, os, nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError("the target cannot emit object files");
  codegen.run(module);
  return object;
}

/// Sorted names of the symbols an object file needs from elsewhere.
llvm::Expected<std::vector<std::string>>
undefinedSymbols(llvm::ArrayRef<char> object) {
  auto file = llvm::object::ObjectFile::createObjectFile(llvm::MemoryBufferRef(
      StringRef(object.data(), object.size()), "compiled model"));
  if (!file)
    return file.takeError();
  std::vector<std::string> names;
  for (const llvm::object::SymbolRef &symbol : (*file)->symbols()) {
    llvm::Expected<uint32_t> flags = symbol.getFlags();
    if (!flags)
      return flags.takeError();
    if (!(*flags & llvm::object::SymbolRef::SF_Undefined))
      continue;
    llvm::Expected<StringRef> name = symbol.getName();
    if (!name)
      return name.takeError();
    if (!name->empty())
      names.push_back(name->str());
  }
  llvm::sort(names);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

/// An output file and what goes into it.
struct Output {
  StringRef path;
  StringRef contents;
  bool text;
};

/// Writes every output through a ToolOutputFile and keeps them only if all
/// were written, so that a failure never leaves an object without its
/// header or the reverse.
llvm::Error writeOutputs(llvm::ArrayRef<Output> outputs) {
  std::vector<std::unique_ptr<llvm::ToolOutputFile>> files;
  for (const Output &output : outputs) {
    std::error_code ec;
    auto file = std::make_unique<llvm::ToolOutputFile>(
        output.path, ec,
        output.text ? llvm::sys::fs::OF_Text : llvm::sys::fs::OF_None);
    if (ec)
      return llvm::createStringError("%s: cannot write: %s",
                                     output.path.str().c_str(),
                                     ec.message().c_str());
    file->os() << output.contents;
    file->os().flush();
    if (file->os().has_error())
      return llvm::createStringError("%s: cannot write: %s",
                                     output.path.str().c_str(),
                                     file->os().error().message().c_str());
    files.push_back(std::move(file));
  }
  for (auto &file : files)
    file->keep();
  return llvm::Error::success();
}

/// compress-aot's steps. Each prints its own error line and returns
/// failure, so that runMain reads as the sequence of steps.
class AotCommand {
public:
  AotCommand(const ToolDiagnostics &diagnostics, CHeaderInfo &info)
      : diagnostics(diagnostics), info(info) {}

  /// Finds the entry function and describes it in `info` (its C signature
  /// only with --header).
  FailureOr<func::FuncOp> describeEntry(ModuleOp module);
  /// Lowers `module` to the LLVM dialect with the kernels and the arena the
  /// options ask for on `machine`.
  LogicalResult lowerToLLVM(ModuleOp module, llvm::TargetMachine &machine);
  /// Translates the lowered module to LLVM IR that exports only `wrapper`,
  /// renamed to the C symbol, and optimises it for `machine`.
  FailureOr<std::unique_ptr<llvm::Module>>
  translateToLLVMIR(ModuleOp module, llvm::LLVMContext &llvmContext,
                    llvm::TargetMachine &machine, StringRef wrapper);
  /// Generates the object (or the IR text) and the header, and writes them.
  LogicalResult writeResults(llvm::Module &llvmModule,
                             llvm::TargetMachine &machine);

private:
  template <typename Message> LogicalResult fail(Message &&message) {
    diagnostics.fail(std::forward<Message>(message));
    return failure();
  }

  const ToolDiagnostics &diagnostics;
  CHeaderInfo &info;
};

FailureOr<func::FuncOp> AotCommand::describeEntry(ModuleOp module) {
  auto entry = findEntryFunction(module, entryName);
  if (!entry)
    return fail(entry.takeError());
  info.entry = entry->getSymName().str();
  info.source = modelPath == "-" ? std::string("<stdin>")
                                 : llvm::sys::path::filename(modelPath).str();
  info.mlirLibDir = COMPRESS_MLIR_LIB_DIR;
  info.symbol =
      symbolName.empty() ? "_mlir_ciface_" + info.entry : symbolName.getValue();
  if (!headerPath.empty()) {
    if (auto err = getSignature(*entry, info.args, info.results))
      return fail(std::move(err));
    if (auto err = checkCHeaderTypes(info.args, info.results))
      return fail(std::move(err));
  }
  return *entry;
}

/// Asks for the entry's C interface and marks its tensor arguments
/// read-only: the header can then promise that inputs are never written,
/// as bufferization copies instead of updating them in place.
void prepareEntry(func::FuncOp entry) {
  MLIRContext *context = entry.getContext();
  entry->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                 UnitAttr::get(context));
  for (auto [i, type] : llvm::enumerate(entry.getArgumentTypes()))
    if (isa<TensorType>(type))
      entry.setArgAttr(i,
                       bufferization::BufferizationDialect::kWritableAttrName,
                       BoolAttr::get(context, false));
}

LogicalResult AotCommand::lowerToLLVM(ModuleOp module,
                                      llvm::TargetMachine &machine) {
  auto kernels = chooseKernels(machine);
  if (!kernels)
    return fail(kernels.takeError());
  PassManager pm(module.getContext(), module->getName().getStringRef());
  std::optional<BufferArena> arena = parseBufferArena(arenaName);
  if (!arena)
    return fail("unknown --arena '" + arenaName +
                "' (expected heap, global or none)");
  if (sparseKernels < 0)
    return fail("--sparse-kernels must be at least 0");
  LowerToLLVMPipelineOptions lowering;
  lowering.kernels = *kernels;
  lowering.arena = *arena;
  lowering.sparseKernels = sparseKernels;
  buildLowerToLLVMPipeline(pm, lowering);
  if (failed(pm.run(module))) {
    diagnostics.failDiagnosed("lowering the model to LLVM failed");
    return failure();
  }
  // The VNNI kernels call their dot-product intrinsic by name.
  if (module.lookupSymbol("llvm.x86.avx512.vpdpbusd.512"))
    for (StringRef feature : getQIntToX86RequiredFeatures())
      info.cpuFeatures.push_back(feature.str());
  return success();
}

FailureOr<std::unique_ptr<llvm::Module>>
AotCommand::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &llvmContext,
                              llvm::TargetMachine &machine, StringRef wrapper) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, info.source);
  if (!llvmModule) {
    diagnostics.failDiagnosed("translating the model to LLVM IR failed");
    return failure();
  }
  llvmModule->setTargetTriple(machine.getTargetTriple());
  llvmModule->setDataLayout(machine.createDataLayout());
  if (auto err = exportOnly(*llvmModule, wrapper, info.symbol))
    return fail(std::move(err));
  auto optimize =
      makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0, &machine);
  if (auto err = optimize(llvmModule.get()))
    return fail(std::move(err));
  return std::move(llvmModule);
}

LogicalResult AotCommand::writeResults(llvm::Module &llvmModule,
                                       llvm::TargetMachine &machine) {
  // Code generation rewrites the module, so the IR is printed before it.
  std::string irText;
  if (emitLLVM) {
    llvm::raw_string_ostream os(irText);
    llvmModule.print(os, nullptr);
  }
  llvm::SmallVector<char, 0> object;
  if (!emitLLVM || !headerPath.empty()) {
    auto emitted = emitObject(llvmModule, machine);
    if (!emitted)
      return fail(emitted.takeError());
    object = std::move(*emitted);
  }

  std::string headerText;
  if (!headerPath.empty()) {
    auto imports = undefinedSymbols(object);
    if (!imports)
      return fail(imports.takeError());
    info.imports = std::move(*imports);
    llvm::raw_string_ostream os(headerText);
    writeCHeader(os, info);
  }

  SmallVector<Output> outputs = {
      {outputPath,
       emitLLVM ? StringRef(irText) : StringRef(object.data(), object.size()),
       /*text=*/emitLLVM}};
  if (!headerPath.empty())
    outputs.push_back({headerPath, headerText, /*text=*/true});
  if (auto err = writeOutputs(outputs))
    return fail(std::move(err));
  return success();
}

int runMain() {
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllToLLVMIRTranslations(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  ToolDiagnostics diagnostics("compress-aot", context);
  CHeaderInfo info;
  AotCommand command(diagnostics, info);

  if (!symbolName.empty() && !isCIdentifier(symbolName))
    return diagnostics.fail("--symbol '" + symbolName +
                            "' is not a C identifier");
  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> module =
      diagnostics.parseModel(modelPath, sourceMgr, context);
  if (!module)
    return 1;
  FailureOr<func::FuncOp> entry = command.describeEntry(*module);
  if (failed(entry))
    return 1;
  prepareEntry(*entry);

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto machine = createTargetMachine(cpuName);
  if (!machine)
    return diagnostics.fail(machine.takeError());
  if (failed(command.lowerToLLVM(*module, **machine)))
    return 1;
  llvm::LLVMContext llvmContext;
  FailureOr<std::unique_ptr<llvm::Module>> llvmModule =
      command.translateToLLVMIR(*module, llvmContext, **machine,
                                "_mlir_ciface_" + info.entry);
  if (failed(llvmModule))
    return 1;
  if (failed(command.writeResults(**llvmModule, **machine)))
    return 1;
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  compress::tuneAllocatorForTool();
  compress::setUpBlasForTool();
  cl::HideUnrelatedOptions(category);
  if (!parseToolOptions(argc, argv, "compress-aot",
                        "compress-aot: compile a model to an object file and a C header\n"))
    return 1;
  return runMain();
}
