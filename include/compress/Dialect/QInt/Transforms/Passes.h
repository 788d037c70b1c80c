//===- Passes.h - qint dialect passes ---------------------------*- C++ -*-===//
//
// Declarations of the passes over the integer kernel dialect and the names
// of the attributes they attach.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_QINT_TRANSFORMS_PASSES_H
#define COMPRESS_DIALECT_QINT_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace compress::qint {

/// Discardable attribute with the inferred signed bounds of a qint op's
/// integer result, `array<i64: lo, hi>`.
inline constexpr llvm::StringLiteral kRangeAttrName = "qint.range";

/// Discardable attribute on accumulating qint ops: the smallest signed
/// width (an `i64` integer attribute) that holds their `qint.range`.
inline constexpr llvm::StringLiteral kAccBitsNeededAttrName =
    "qint.acc_bits_needed";

/// Adds the pattern of `compress-pack-weights`: a dense `qint.weights`
/// becomes the same weights in its smallest layout, packed or (when
/// `sparse`) sparse.
void populatePackWeightsPatterns(mlir::RewritePatternSet &patterns,
                                 bool sparse = true);

#define GEN_PASS_DECL
#include "compress/Dialect/QInt/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compress/Dialect/QInt/Transforms/Passes.h.inc"

} // namespace compress::qint

#endif // COMPRESS_DIALECT_QINT_TRANSFORMS_PASSES_H
