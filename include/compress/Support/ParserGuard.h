//===- ParserGuard.h - Inputs that crash MLIR 22's parser -------*- C++ -*-===//
//
// MLIR 22's parser crashes on a few inputs instead of diagnosing them. The
// tools scan their MLIR input for these before parsing and reject it with a
// located error, so that a malformed file never takes the process down.
//
// Known cases (docs/Robustness.md):
//   - a dense array of `index` elements, `array<index: 1, 2>`, directly or
//     through a type alias: `parseDenseArrayAttr` asks an index type for its
//     float width (llvm-project issue 179045, fixed after 22.1).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_PARSERGUARD_H
#define COMPRESS_SUPPORT_PARSERGUARD_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <optional>
#include <string>

namespace compress {

/// A construct in MLIR source text that the parser would crash on.
struct ParserHazard {
  size_t offset;       ///< Byte offset of the construct in the source,
  unsigned line;       ///< and its line
  unsigned column;     ///< and column, from 1.
  std::string message; ///< Why it is rejected, for an error line.
};

/// Scans MLIR source text (outside string literals and comments) for the
/// constructs above; returns the first one, or nullopt when there is none.
std::optional<ParserHazard> findParserHazard(llvm::StringRef source);

} // namespace compress

#endif // COMPRESS_SUPPORT_PARSERGUARD_H
