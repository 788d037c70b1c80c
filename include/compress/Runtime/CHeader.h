//===- CHeader.h - The C header of a model compiled ahead of time -*- C++ -*-===//
//
// compress-aot compiles a model's entry function to an object file whose
// exported function is MLIR's C interface of the entry. The header that
// goes with it declares that function: one descriptor struct per memref
// type, a struct of the results when there are several, the prototype
// under a comment giving shapes, ownership and what to link, and a CPU
// check when the object executes instructions not every x86-64 CPU has.
//
// Writing the header is a pure function of a description of the entry's
// signature, so that its text can be tested without compiling anything.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNTIME_CHEADER_H
#define COMPRESS_RUNTIME_CHEADER_H

#include "compress/Support/Samples.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace compress {

/// What a C header declares for one compiled entry function.
struct CHeaderInfo {
  /// The exported C function.
  std::string symbol;
  /// The MLIR function it compiles, without the `@`.
  std::string entry;
  /// The model it comes from, as the header's first comment names it.
  std::string source;
  /// Static types of the entry's arguments and results; every element type
  /// must have a C type (see checkCHeaderTypes).
  llvm::SmallVector<TensorSpec> args, results;
  /// Undefined symbols of the object, which decide what must be linked.
  std::vector<std::string> imports;
  /// CPU features the object's kernels execute (LLVM's names, which are
  /// also __builtin_cpu_supports's); when not empty, the header defines
  /// `<symbol>_cpu_supported()`.
  llvm::SmallVector<std::string> cpuFeatures;
  /// Directory of MLIR's C runner utilities, named in the link
  /// instructions when the object calls them.
  std::string mlirLibDir;
};

/// C spelling of an element type (`float`, `int8_t`, ...), or std::nullopt
/// where C has no type with the same storage (i1 and i48 are stored in
/// whole bytes with unspecified padding bits).
std::optional<llvm::StringRef> getCElementType(DType type);

/// Succeeds when every argument and result has an element type with a C
/// spelling; otherwise names the first that does not.
llvm::Error checkCHeaderTypes(llvm::ArrayRef<TensorSpec> args,
                              llvm::ArrayRef<TensorSpec> results);

/// Writes the whole header of `info`: C99, usable from C++, with an include
/// guard named after the symbol.
void writeCHeader(llvm::raw_ostream &os, const CHeaderInfo &info);

} // namespace compress

#endif // COMPRESS_RUNTIME_CHEADER_H
