//===- ParserGuard.cpp - Inputs that crash MLIR 22's parser ---------------===//

#include "compress/Support/ParserGuard.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/Twine.h"

#include <cstring>

using namespace compress;
using llvm::StringRef;

static bool isIdentifierChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '$' || c == '.' || c == '-';
}

namespace {
/// Walks MLIR source text token by token as far as the scan needs: string
/// literals and `//` comments are skipped whole, identifiers (bare, or
/// prefixed with one of `!#%@^`) are single tokens, anything else is one
/// character.
class Scanner {
public:
  explicit Scanner(StringRef source) : source(source) {}

  /// The next token, or an empty one at the end; `start` is its offset.
  StringRef next(size_t &start) {
    skipSpace();
    start = pos;
    if (pos >= source.size())
      return {};
    char c = source[pos];
    if (c == '"') {
      // Most of a large model's text is hex weights inside strings:
      // memchr finds their ends many bytes at a time.
      const char *data = source.data();
      for (++pos; pos < source.size();) {
        const char *quote = static_cast<const char *>(
            std::memchr(data + pos, '"', source.size() - pos));
        size_t end = quote ? size_t(quote - data) : source.size();
        const char *escape = static_cast<const char *>(
            std::memchr(data + pos, '\\', end - pos));
        if (!escape) {
          pos = end;
          break;
        }
        pos = size_t(escape - data) + 2;
      }
      pos = std::min(pos + 1, source.size());
      return source.slice(start, pos);
    }
    if (StringRef("!#%@^").contains(c) || isIdentifierChar(c)) {
      ++pos;
      while (pos < source.size() && isIdentifierChar(source[pos]))
        ++pos;
      return source.slice(start, pos);
    }
    return source.slice(start, ++pos);
  }

private:
  void skipSpace() {
    while (pos < source.size()) {
      if (llvm::isSpace(source[pos])) {
        ++pos;
      } else if (source.substr(pos).starts_with("//")) {
        size_t end = source.find('\n', pos);
        pos = end == StringRef::npos ? source.size() : end;
      } else {
        return;
      }
    }
  }

  StringRef source;
  size_t pos = 0;
};
} // namespace

std::optional<ParserHazard> compress::findParserHazard(StringRef source) {
  // One pass over the tokens: type aliases `!name = T` are recorded as they
  // are defined (MLIR requires aliases to be defined before use), and every
  // `array <` checks its element type.
  llvm::StringMap<bool> indexAliases;
  auto isIndexType = [&](StringRef token) {
    if (token == "index")
      return true;
    auto it = indexAliases.find(token);
    return it != indexAliases.end() && it->second;
  };
  Scanner scanner(source);
  StringRef previous, beforePrevious;
  size_t start = 0;
  for (StringRef token = scanner.next(start); !token.empty();
       token = scanner.next(start)) {
    // `!alias = T` at the start of a definition: previous is `=`.
    if (beforePrevious.starts_with("!") && previous == "=")
      indexAliases[beforePrevious] = isIndexType(token);
    if (previous == "<" && beforePrevious == "array" && isIndexType(token)) {
      std::string message =
          "dense arrays of 'index' elements are not supported: MLIR 22's "
          "parser crashes on them (llvm-project issue 179045); use i64";
      if (token != "index")
        message += " (" + token.str() + " is an alias of index)";
      StringRef before = source.take_front(start);
      size_t lineStart = before.rfind('\n');
      unsigned column =
          start - (lineStart == StringRef::npos ? 0 : lineStart + 1) + 1;
      return ParserHazard{start, unsigned(before.count('\n') + 1), column,
                          std::move(message)};
    }
    beforePrevious = previous;
    previous = token;
  }
  return std::nullopt;
}
