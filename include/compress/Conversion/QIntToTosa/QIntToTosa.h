//===- QIntToTosa.h - Export the qint dialect to TOSA -----------*- C++ -*-===//
//
// The patterns and the pass that rewrite `qint` ops into standard TOSA
// (integer tosa.conv2d, tosa.rescale, ...), for consumers that read TOSA
// and for upstream's TOSA lowering to LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CONVERSION_QINTTOTOSA_QINTTOTOSA_H
#define COMPRESS_CONVERSION_QINTTOTOSA_QINTTOTOSA_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace compress {

#define GEN_PASS_DECL_CONVERTQINTTOTOSAPASS
#include "compress/Conversion/Passes.h.inc"

/// Adds the dialect conversion patterns that replace every `qint` op by the
/// TOSA ops computing the same integers. A pattern does not match an op that
/// TOSA cannot express (an accumulator other than i32, for example); use
/// `getQIntToTosaExportBlocker` to tell the user why.
void populateQIntToTosaConversionPatterns(mlir::RewritePatternSet &patterns);

/// Why `op` (a `qint` op) has no exact TOSA equivalent, or an empty string
/// if the patterns convert it.
std::string getQIntToTosaExportBlocker(mlir::Operation *op);

} // namespace compress

#endif // COMPRESS_CONVERSION_QINTTOTOSA_QINTTOTOSA_H
