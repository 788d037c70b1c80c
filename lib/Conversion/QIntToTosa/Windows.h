//===- Windows.h - Exact window tilings for TOSA ----------------*- C++ -*-===//
//
// Internal to the qint-to-TOSA export: TOSA requires windows to tile the
// padded input exactly, qint does not; these make a window op's tiling
// exact without changing any result.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_CONVERSION_QINTTOTOSA_WINDOWS_H
#define LIB_CONVERSION_QINTTOTOSA_WINDOWS_H

#include "compress/Dialect/QInt/IR/QInt.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/PatternMatch.h"

#include <cstdint>
#include <string>

namespace compress::qint_to_tosa {

/// How a convolution or pooling is made to tile its padded input exactly.
struct ExactWindows {
  llvm::SmallVector<int64_t, 4> pad;
  /// Trailing input rows and columns that no window reads, removed.
  int64_t drop[2] = {0, 0};
  /// Output rows and columns appended by extra trailing padding, computed
  /// only to make the tiling exact and sliced off again.
  int64_t extra[2] = {0, 0};
};

/// The padding (and the input rows and columns to drop, or the outputs to
/// add and slice off) that makes windows of `extent` with `stride` tile
/// the padded input exactly; fails, with the reason, when a dynamic size
/// leaves that unknown (see the definition).
mlir::FailureOr<ExactWindows>
fitWindows(mlir::RankedTensorType inputType, llvm::ArrayRef<int64_t> extent,
           llvm::ArrayRef<int64_t> stride, llvm::ArrayRef<int64_t> pad,
           std::string *reason = nullptr);
/// The leading `shape` part of `value` (an NHWC tensor at least that large).
mlir::Value sliceLeading(mlir::PatternRewriter &rewriter, mlir::Location loc,
                         mlir::Value value, llvm::ArrayRef<int64_t> shape);
/// `shape` (NHWC) grown by `delta` rows and columns; dynamic sizes stay so.
llvm::SmallVector<int64_t> growSpatial(llvm::ArrayRef<int64_t> shape,
                                       const int64_t delta[2]);
/// `input` without the trailing rows and columns `fit` drops.
mlir::Value dropUnread(mlir::PatternRewriter &rewriter, mlir::Location loc,
                       mlir::Value input, const ExactWindows &fit);
/// The dilated extent of a kernel: the span of input one window covers.
llvm::SmallVector<int64_t, 2> dilatedExtent(llvm::ArrayRef<int64_t> kernel,
                                            llvm::ArrayRef<int64_t> dilation);
/// The kernel size of a convolution: OHWI weights for conv2d, HWCM for
/// depthwise_conv2d.
llvm::SmallVector<int64_t, 2> kernelSize(mlir::Operation *op);

} // namespace compress::qint_to_tosa

#endif // LIB_CONVERSION_QINTTOTOSA_WINDOWS_H
