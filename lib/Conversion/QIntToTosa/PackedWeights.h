//===- PackedWeights.h - Run-time decoding of packed weights ----*- C++ -*-===//
//
// Internal to the qint-to-TOSA export.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_CONVERSION_QINTTOTOSA_PACKEDWEIGHTS_H
#define LIB_CONVERSION_QINTTOTOSA_PACKEDWEIGHTS_H

#include "compress/Dialect/QInt/IR/QInt.h"

#include "mlir/IR/PatternMatch.h"

namespace compress {

/// Emits a `tosa.const` of the packed bytes of `op` (`layout = packed`)
/// and the TOSA ops that decode them at run time into the unpacked i8
/// tensor `op` means. Returns that tensor.
mlir::Value createPackedWeightsDecoding(mlir::PatternRewriter &rewriter,
                                        qint::WeightsOp op);

} // namespace compress

#endif // LIB_CONVERSION_QINTTOTOSA_PACKEDWEIGHTS_H
