//===- CHeader.cpp - The C header of a model compiled ahead of time -------===//
//
// Text of the header compress-aot writes next to a compiled model. The
// layout of the descriptor structs is MLIR's C interface; everything else
// (names, comments, the CPU check) is this project's contract with C
// callers, documented in docs/AOT.md.
//
//===----------------------------------------------------------------------===//

#include "compress/Runtime/CHeader.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace compress;
using llvm::StringRef;

/// C spelling and short name of an element type.
static std::optional<std::pair<StringRef, StringRef>>
getCElementNames(DType type) {
  switch (type) {
  case DType::F32: return std::make_pair("float", "f32");
  case DType::F64: return std::make_pair("double", "f64");
  case DType::I8: return std::make_pair("int8_t", "i8");
  case DType::I16: return std::make_pair("int16_t", "i16");
  case DType::I32: return std::make_pair("int32_t", "i32");
  case DType::I64: return std::make_pair("int64_t", "i64");
  case DType::U8: return std::make_pair("uint8_t", "u8");
  case DType::I1:
  case DType::I48: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<StringRef> compress::getCElementType(DType type) {
  if (auto names = getCElementNames(type))
    return names->first;
  return std::nullopt;
}

llvm::Error compress::checkCHeaderTypes(llvm::ArrayRef<TensorSpec> args,
                                        llvm::ArrayRef<TensorSpec> results) {
  auto check = [](const TensorSpec &spec, StringRef what,
                  size_t index) -> llvm::Error {
    if (getCElementNames(spec.first))
      return llvm::Error::success();
    return llvm::createStringError(
        "%s %zu has element type %s, which has no C type in the header",
        what.str().c_str(), index, dtypeName(spec.first).str().c_str());
  };
  for (auto [i, spec] : llvm::enumerate(args))
    if (auto err = check(spec, "argument", i))
      return err;
  for (auto [i, spec] : llvm::enumerate(results))
    if (auto err = check(spec, "result", i))
      return err;
  return llvm::Error::success();
}

/// Name of the descriptor struct of a memref, e.g. compress_memref_4d_f32.
/// Structs are shared by name across headers (each under its own guard), so
/// one program can include the headers of several models.
static std::string descriptorName(const TensorSpec &spec) {
  auto names = getCElementNames(spec.first);
  assert(names && "checkCHeaderTypes rejects element types C cannot spell");
  return ("compress_memref_" + llvm::Twine(spec.second.size()) + "d_" +
          names->second)
      .str();
}

/// "{a, b, c}".
static std::string braceList(llvm::ArrayRef<int64_t> values) {
  std::string text = "{";
  for (auto [i, v] : llvm::enumerate(values))
    text += (i ? ", " : "") + std::to_string(v);
  return text + "}";
}

/// "float [1, 10]".
static std::string describe(const TensorSpec &spec) {
  return (*getCElementType(spec.first) + " " + shapeToString(spec.second))
      .str();
}

/// The descriptor struct of a memref type, guarded so that headers of
/// several models that share it can be included together.
static void writeDescriptor(llvm::raw_ostream &os, const TensorSpec &spec) {
  std::string name = descriptorName(spec);
  std::string guard = StringRef(name).upper();
  StringRef type = *getCElementType(spec.first);
  size_t rank = spec.second.size();
  os << "/* Descriptor of a rank-" << rank << " memref of " << type
     << " (MLIR's C interface layout). */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n"
     << "typedef struct " << name << " {\n"
     << "  " << type << " *allocated; /* what free() takes */\n"
     << "  " << type << " *aligned; /* base of the data */\n"
     << "  int64_t offset; /* in elements, from aligned */\n";
  if (rank) {
    os << "  int64_t sizes[" << rank << "];\n"
       << "  int64_t strides[" << rank << "]; /* in elements */\n";
  }
  os << "} " << name << ";\n#endif\n\n";
}

/// Where each imported symbol comes from, as lines of the header comment.
static void writeLinkNotes(llvm::raw_ostream &os,
                           llvm::ArrayRef<std::string> imports,
                           StringRef mlirLibDir) {
  static constexpr StringRef kLibc[] = {
      "abort",  "aligned_alloc", "calloc", "free",           "malloc",
      "memcpy", "memmove",       "memset", "posix_memalign", "realloc"};
  // Entry points of MLIR's C runner utilities that lowered code calls, e.g.
  // memref.copy between non-contiguous layouts.
  static constexpr StringRef kRunnerUtils[] = {"memrefCopy"};
  if (imports.empty()) {
    os << " * Linking: the object needs no library.\n";
    return;
  }
  llvm::SmallVector<StringRef> libc, runnerUtils, other;
  for (StringRef name : imports) {
    if (llvm::is_contained(kLibc, name))
      libc.push_back(name);
    else if (llvm::is_contained(kRunnerUtils, name))
      runnerUtils.push_back(name);
    else
      other.push_back(name);
  }
  os << " * Linking: the object calls\n";
  if (!libc.empty())
    os << " *   - " << llvm::join(libc, ", ") << ": the C library.\n";
  if (!runnerUtils.empty())
    os << " *   - " << llvm::join(runnerUtils, ", ")
       << ": MLIR's C runner utilities; link with\n"
       << " *     -L" << mlirLibDir << " -lmlir_c_runner_utils\n"
       << " *     -Wl,-rpath," << mlirLibDir << "\n";
  if (!other.empty())
    os << " *   - " << llvm::join(other, ", ")
       << ": other libraries (math functions: -lm).\n";
}

/// Writes the struct of the results if there are several, and returns the
/// type the function writes its results to.
static std::string writeResultsStruct(llvm::raw_ostream &os,
                                      const CHeaderInfo &info) {
  // MLIR packs several results into one struct returned through a single
  // pointer; one result is returned through a pointer to its descriptor.
  std::string resultType;
  if (info.results.size() == 1)
    resultType = descriptorName(info.results.front());
  if (info.results.size() > 1) {
    resultType = info.symbol + "_results";
    os << "/* The results of " << info.symbol << ", in order. */\n"
       << "typedef struct " << resultType << " {\n";
    for (auto [i, spec] : llvm::enumerate(info.results))
      os << "  " << descriptorName(spec) << " result" << i << "; /* "
         << describe(spec) << " */\n";
    os << "} " << resultType << ";\n\n";
  }
  return resultType;
}

/// Writes the comment that documents the function: its arguments, its
/// results, who frees what, and how to link it.
static void writeFunctionComment(llvm::raw_ostream &os,
                                 const CHeaderInfo &info) {
  os << "/* " << info.symbol << " runs @" << info.entry << " once.\n *\n";
  for (auto [i, spec] : llvm::enumerate(info.args)) {
    std::string head = " * arg" + std::to_string(i) + ": " + describe(spec) +
                       ", sizes = " + braceList(spec.second) + ",";
    std::string tail = "strides = " + braceList(rowMajorStrides(spec.second)) +
                       ", offset = 0.";
    os << head << (head.size() + tail.size() < 80 ? " " : "\n *   ") << tail
       << "\n";
  }
  if (!info.args.empty())
    os << " *   Arguments are dense row-major data (allocated = aligned = "
          "the data).\n"
       << " *   The compiled code reads them and never writes or frees "
          "them.\n";
  if (info.results.size() == 1)
    os << " * result: " << describe(info.results.front())
       << ", written to *result.\n";
  if (info.results.size() > 1)
    os << " * results: written to *results, one descriptor per result.\n";
  if (info.results.size() == 1)
    os << " *   The result buffer is malloc'ed by the compiled code and "
          "belongs to the\n"
       << " *   caller: free(result->allocated), not aligned, when done.\n";
  if (info.results.size() > 1)
    os << " *   Result buffers are malloc'ed by the compiled code and belong "
          "to the\n"
       << " *   caller: free(allocated), not aligned, once per distinct "
          "allocated\n"
       << " *   pointer, as results may share a buffer.\n";
  if (!info.results.empty())
    os << " *   Element (i0, i1, ...) is\n"
       << " *   aligned[offset + i0 * strides[0] + i1 * strides[1] + ...].\n";
  writeLinkNotes(os, info.imports, info.mlirLibDir);
  os << " */\n";
}

/// Writes the function's prototype.
static void writePrototype(llvm::raw_ostream &os, const CHeaderInfo &info,
                           StringRef resultType) {
  llvm::SmallVector<std::string> params;
  if (info.results.size() == 1)
    params.push_back((resultType + " *result").str());
  if (info.results.size() > 1)
    params.push_back((resultType + " *results").str());
  for (auto [i, spec] : llvm::enumerate(info.args))
    params.push_back("const " + descriptorName(spec) + " *arg" +
                     std::to_string(i));
  // One parameter per line when the prototype would not fit on one.
  std::string prototype =
      "void " + info.symbol + "(" +
      (params.empty() ? std::string("void") : llvm::join(params, ", ")) + ");";
  if (prototype.size() > 80)
    prototype = "void " + info.symbol + "(\n    " +
                llvm::join(params, ",\n    ") + ");";
  os << prototype << "\n\n";
}

/// Writes `SYMBOL_cpu_supported()` if the object needs CPU features.
static void writeCpuCheck(llvm::raw_ostream &os, const CHeaderInfo &info) {
  if (info.cpuFeatures.empty())
    return;
  // The object executes these instructions unconditionally; a caller that
  // may run on another CPU asks first rather than stop on SIGILL.
  os << "/* Nonzero when this CPU has the features " << info.symbol
     << "'s kernels execute\n * (" << llvm::join(info.cpuFeatures, ", ")
     << "). Calling it elsewhere stops the program\n"
     << " * on an illegal instruction. GCC and Clang. */\n"
     << "static inline int " << info.symbol << "_cpu_supported(void) {\n"
     << "  __builtin_cpu_init();\n  return";
  for (auto [i, feature] : llvm::enumerate(info.cpuFeatures))
    os << (i ? " &&\n         " : " ") << "__builtin_cpu_supports(\"" << feature
       << "\")";
  os << ";\n}\n\n";
}

void compress::writeCHeader(llvm::raw_ostream &os, const CHeaderInfo &info) {
  std::string guard = "COMPRESS_AOT_" + StringRef(info.symbol).upper() + "_H";
  os << "/* C interface of @" << info.entry << " from " << info.source
     << ", compiled by compress-aot.\n"
     << " * Generated with its object file: regenerate both together. */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";

  llvm::SmallVector<std::string> written;
  for (const TensorSpec &spec : llvm::concat<const TensorSpec>(
           llvm::ArrayRef(info.results), llvm::ArrayRef(info.args))) {
    std::string name = descriptorName(spec);
    if (llvm::is_contained(written, name))
      continue;
    written.push_back(name);
    writeDescriptor(os, spec);
  }

  std::string resultType = writeResultsStruct(os, info);
  writeFunctionComment(os, info);
  writePrototype(os, info, resultType);
  writeCpuCheck(os, info);
  os << "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n"
     << "#endif /* " << guard << " */\n";
}
