//===- Windows.cpp - Exact window tilings for TOSA ------------------------===//

#include "Windows.h"

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace compress;
using namespace compress::qint;

namespace compress::qint_to_tosa {

/// qint, like the frameworks it imports from, ignores an incomplete last
/// window; TOSA requires `(in + pad_before + pad_after - extent) % stride ==
/// 0` instead (`extent` is the dilated kernel size). The elements after the
/// last window are read by no window, so removing them changes no result
/// (not even avg_pool2d's divisor, which counts the in-bounds elements of a
/// window): they come off the trailing padding first, then off the input.
/// Only a convolution whose windows along an axis all lie in the leading
/// padding (qint bounds a convolution's padding only by the output size)
/// would lose its whole input that way; it gets padding up to one more
/// window instead, whose output is dropped. Pooling never gets there: its
/// padding is smaller than the kernel, so every window reads the input.
///
/// Fails, with the reason, when the remainder is unknown: a dynamic spatial
/// size with a stride above 1.
FailureOr<ExactWindows> fitWindows(RankedTensorType inputType,
                                   ArrayRef<int64_t> extent,
                                   ArrayRef<int64_t> stride,
                                   ArrayRef<int64_t> pad,
                                   std::string *reason) {
  ExactWindows fit{SmallVector<int64_t, 4>(pad)};
  for (int axis = 0; axis < 2; ++axis) {
    if (stride[axis] == 1)
      continue;
    int64_t size = inputType.getDimSize(1 + axis);
    if (ShapedType::isDynamic(size)) {
      if (reason)
        *reason = "a dynamic spatial size with a stride above 1 may leave an "
                  "incomplete last window, which TOSA does not allow";
      return failure();
    }
    int64_t &padAfter = fit.pad[2 * axis + 1];
    // The verifier guarantees at least one window, so the span is >= 0.
    int64_t span = size + pad[2 * axis] + padAfter - extent[axis];
    int64_t excess = span % stride[axis];
    int64_t fromPad = std::min(excess, padAfter);
    if (excess - fromPad < size) {
      padAfter -= fromPad;
      fit.drop[axis] = excess - fromPad;
    } else if (excess != 0) {
      padAfter += stride[axis] - excess;
      fit.extra[axis] = 1;
    }
  }
  return fit;
}

/// The leading `shape` part of `value` (an NHWC tensor at least that large).
Value sliceLeading(PatternRewriter &rewriter, Location loc, Value value,
                   ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  Value start = tosa::getTosaConstShape(rewriter, loc, {0, 0, 0, 0});
  Value size =
      tosa::getTosaConstShape(rewriter, loc, tosa::convertFromMlirShape(shape));
  return tosa::SliceOp::create(rewriter, loc, type.clone(shape), value, start,
                               size);
}

/// `shape` (NHWC) grown by `delta` rows and columns; dynamic sizes stay so.
SmallVector<int64_t> growSpatial(ArrayRef<int64_t> shape,
                                 const int64_t delta[2]) {
  SmallVector<int64_t> grown(shape);
  for (int axis = 0; axis < 2; ++axis)
    if (!ShapedType::isDynamic(grown[1 + axis]))
      grown[1 + axis] += delta[axis];
  return grown;
}

/// `input` without the trailing rows and columns `fit` drops.
Value dropUnread(PatternRewriter &rewriter, Location loc, Value input,
                 const ExactWindows &fit) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(input.getType()).getShape();
  const int64_t shrink[2] = {-fit.drop[0], -fit.drop[1]};
  return sliceLeading(rewriter, loc, input, growSpatial(shape, shrink));
}

/// The dilated extent of a kernel: the span of input one window covers.
SmallVector<int64_t, 2> dilatedExtent(ArrayRef<int64_t> kernel,
                                      ArrayRef<int64_t> dilation) {
  return {(kernel[0] - 1) * dilation[0] + 1, (kernel[1] - 1) * dilation[1] + 1};
}

/// The kernel size of a convolution: OHWI weights for conv2d, HWCM for
/// depthwise_conv2d.
SmallVector<int64_t, 2> kernelSize(Operation *op) {
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(op->getOperand(1).getType()).getShape();
  if (isa<Conv2DOp>(op))
    return {shape[1], shape[2]};
  return {shape[0], shape[1]};
}

} // namespace compress::qint_to_tosa
