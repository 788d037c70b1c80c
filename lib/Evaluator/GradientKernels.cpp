//===- GradientKernels.cpp - Reverse-mode elementwise and data movement ---===//
//
// Vector-Jacobian products of the float32 elementwise, shape and reduction
// kernels, and the table that collects every reverse-mode kernel. Each
// kernel mirrors its forward kernel's index arithmetic; where the forward
// kernel picks one element (maximum, clamp bounds, reduce_max) the gradient
// follows the element the forward kernel picked, so ties resolve the same
// way in both directions.
//
//===----------------------------------------------------------------------===//

#include "Indexing.h"
#include "Kernels.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace compress;
using namespace compress::detail;

namespace {

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

enum class BinaryKind { Add, Sub, Mul, Maximum, Minimum };

/// Broadcast operands receive the sum of the gradients of every result
/// element they were broadcast to. tosa.mul's shift operand (integer only,
/// zero for floats) has no gradient.
template <BinaryKind Kind>
LogicalResult binaryBackward(KernelContext &ctx,
                             ArrayRef<const Tensor *> resultGrads,
                             MutableArrayRef<Tensor> operandGrads) {
  const Tensor &a = ctx.operand(0), &b = ctx.operand(1), &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&a, &b, &dy})))
    return failure();
  Tensor da(DType::F32, a.shape()), db(DType::F32, b.shape());
  const float *x = a.f32().data(), *y = b.f32().data(), *g = dy.f32().data();
  float *dx = da.f32().data(), *dz = db.f32().data();
  forEachBroadcast(dy.shape(), a.shape(), b.shape(),
                   [&](int64_t o, int64_t i, int64_t j) {
                     switch (Kind) {
                     case BinaryKind::Add:
                       dx[i] += g[o];
                       dz[j] += g[o];
                       break;
                     case BinaryKind::Sub:
                       dx[i] += g[o];
                       dz[j] -= g[o];
                       break;
                     case BinaryKind::Mul:
                       dx[i] += g[o] * y[j];
                       dz[j] += g[o] * x[i];
                       break;
                     // Ties go to the first operand.
                     case BinaryKind::Maximum:
                       (x[i] >= y[j] ? dx[i] : dz[j]) += g[o];
                       break;
                     case BinaryKind::Minimum:
                       (x[i] <= y[j] ? dx[i] : dz[j]) += g[o];
                       break;
                     }
                   });
  operandGrads[0] = std::move(da);
  operandGrads[1] = std::move(db);
  return success();
}

/// The gradient passes where the input lies within [min, max], bounds
/// included, as in PyTorch's clamp.
LogicalResult clampBackward(KernelContext &ctx,
                            ArrayRef<const Tensor *> resultGrads,
                            MutableArrayRef<Tensor> operandGrads) {
  auto clamp = cast<tosa::ClampOp>(ctx.op);
  const Tensor &a = ctx.operand(0), &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&a, &dy})))
    return failure();
  float lo = cast<FloatAttr>(clamp.getMinValAttr()).getValueAsDouble();
  float hi = cast<FloatAttr>(clamp.getMaxValAttr()).getValueAsDouble();
  Tensor da(DType::F32, a.shape());
  for (int64_t i = 0, e = a.size(); i < e; ++i) {
    float v = a.f32()[i];
    if (v >= lo && v <= hi)
      da.f32()[i] = dy.f32()[i];
  }
  operandGrads[0] = std::move(da);
  return success();
}

enum class UnaryKind { Identity, Negate, Exp, Tanh, Sigmoid, Reciprocal };

/// Derivatives are written in terms of the forward result where that is
/// how the function is usually differentiated (exp, tanh, sigmoid,
/// reciprocal). tosa.negate's zero-point operands have no gradient.
template <UnaryKind Kind>
LogicalResult unaryBackward(KernelContext &ctx,
                            ArrayRef<const Tensor *> resultGrads,
                            MutableArrayRef<Tensor> operandGrads) {
  const Tensor &a = ctx.operand(0), &y = ctx.results[0], &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&a, &y, &dy})))
    return failure();
  Tensor da(DType::F32, a.shape());
  const float *r = y.f32().data(), *g = dy.f32().data();
  float *dx = da.f32().data();
  for (int64_t i = 0, e = a.size(); i < e; ++i) {
    switch (Kind) {
    case UnaryKind::Identity: dx[i] = g[i]; break;
    case UnaryKind::Negate: dx[i] = -g[i]; break;
    case UnaryKind::Exp: dx[i] = g[i] * r[i]; break;
    case UnaryKind::Tanh: dx[i] = g[i] * (1.0f - r[i] * r[i]); break;
    case UnaryKind::Sigmoid: dx[i] = g[i] * r[i] * (1.0f - r[i]); break;
    case UnaryKind::Reciprocal: dx[i] = -g[i] * r[i] * r[i]; break;
    }
  }
  operandGrads[0] = std::move(da);
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult reshapeBackward(KernelContext &ctx,
                              ArrayRef<const Tensor *> resultGrads,
                              MutableArrayRef<Tensor> operandGrads) {
  const Tensor &a = ctx.operand(0), &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&a, &dy})))
    return failure();
  operandGrads[0] = dy.reshaped(a.shape());
  return success();
}

/// Scatters each result element back to the input element it was read from.
LogicalResult transposeBackward(KernelContext &ctx,
                                ArrayRef<const Tensor *> resultGrads,
                                MutableArrayRef<Tensor> operandGrads) {
  auto op = cast<tosa::TransposeOp>(ctx.op);
  const Tensor &a = ctx.operand(0), &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&a, &dy})))
    return failure();
  ArrayRef<int32_t> perms = op.getPerms();
  Shape inStrides = rowMajorStrides(a.shape());
  Tensor da(DType::F32, a.shape());
  forEachIndex(dy.shape(), [&](int64_t flat, ArrayRef<int64_t> index) {
    int64_t i = 0;
    for (int64_t d = 0; d < dy.rank(); ++d)
      i += index[d] * inStrides[perms[d]];
    da.f32()[i] = dy.f32()[flat];
  });
  operandGrads[0] = std::move(da);
  return success();
}

/// The input's gradient is the interior of the result's gradient; the pad
/// value is a constant of the op and has no gradient.
LogicalResult padBackward(KernelContext &ctx,
                          ArrayRef<const Tensor *> resultGrads,
                          MutableArrayRef<Tensor> operandGrads) {
  const Tensor &a = ctx.operand(0), &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&a, &dy})))
    return failure();
  SmallVector<int64_t> padding = shapeValues(ctx.operand(1));
  Shape outStrides = rowMajorStrides(dy.shape());
  Tensor da(DType::F32, a.shape());
  forEachIndex(a.shape(), [&](int64_t flat, ArrayRef<int64_t> index) {
    int64_t o = 0;
    for (int64_t d = 0; d < a.rank(); ++d)
      o += (index[d] + padding[2 * d]) * outStrides[d];
    da.f32()[flat] = dy.f32()[o];
  });
  operandGrads[0] = std::move(da);
  return success();
}

LogicalResult sliceBackward(KernelContext &ctx,
                            ArrayRef<const Tensor *> resultGrads,
                            MutableArrayRef<Tensor> operandGrads) {
  const Tensor &a = ctx.operand(0), &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&a, &dy})))
    return failure();
  SmallVector<int64_t> start = shapeValues(ctx.operand(1));
  Shape inStrides = rowMajorStrides(a.shape());
  Tensor da(DType::F32, a.shape());
  forEachIndex(dy.shape(), [&](int64_t flat, ArrayRef<int64_t> index) {
    int64_t i = 0;
    for (int64_t d = 0; d < a.rank(); ++d)
      i += (index[d] + start[d]) * inStrides[d];
    da.f32()[i] = dy.f32()[flat];
  });
  operandGrads[0] = std::move(da);
  return success();
}

/// Each operand gets its own block of the result's gradient.
LogicalResult concatBackward(KernelContext &ctx,
                             ArrayRef<const Tensor *> resultGrads,
                             MutableArrayRef<Tensor> operandGrads) {
  auto op = cast<tosa::ConcatOp>(ctx.op);
  const Tensor &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&dy})))
    return failure();
  int64_t axis = op.getAxis();
  int64_t outer = numElements(dy.shape().take_front(axis));
  int64_t innerOut = numElements(dy.shape().drop_front(axis));
  int64_t offset = 0;
  for (auto [index, in] : llvm::enumerate(ctx.operands)) {
    if (failed(checkF32(ctx, {in})))
      return failure();
    int64_t innerIn = numElements(in->shape().drop_front(axis));
    Tensor da(DType::F32, in->shape());
    for (int64_t o = 0; o < outer; ++o)
      std::copy_n(dy.f32().begin() + o * innerOut + offset, innerIn,
                  da.f32().begin() + o * innerIn);
    operandGrads[index] = std::move(da);
    offset += innerIn;
  }
  return success();
}

/// reduce_sum broadcasts the gradient along the reduced axis; reduce_max
/// routes it to the first maximal element, the one the forward kernel keeps.
template <bool IsMax>
LogicalResult reduceBackward(KernelContext &ctx,
                             ArrayRef<const Tensor *> resultGrads,
                             MutableArrayRef<Tensor> operandGrads) {
  int64_t axis = cast<IntegerAttr>(ctx.op->getAttr("axis")).getInt();
  const Tensor &a = ctx.operand(0), &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&a, &dy})))
    return failure();
  int64_t outer = numElements(a.shape().take_front(axis));
  int64_t n = a.dim(axis);
  int64_t inner = numElements(a.shape().drop_front(axis + 1));
  const float *x = a.f32().data(), *g = dy.f32().data();
  Tensor da(DType::F32, a.shape());
  float *dx = da.f32().data();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      if (!IsMax) {
        for (int64_t k = 0; k < n; ++k)
          dx[(o * n + k) * inner + i] = g[o * inner + i];
        continue;
      }
      int64_t best = -1;
      float bestValue = -std::numeric_limits<float>::infinity();
      for (int64_t k = 0; k < n; ++k) {
        float v = x[(o * n + k) * inner + i];
        if (best < 0 ? v >= bestValue : v > bestValue) {
          best = k;
          bestValue = v;
        }
      }
      if (best >= 0)
        dx[(o * n + best) * inner + i] = g[o * inner + i];
    }
  operandGrads[0] = std::move(da);
  return success();
}

} // namespace

void compress::detail::registerElementwiseGradients(BackwardTable &table) {
  table["tosa.add"] = binaryBackward<BinaryKind::Add>;
  table["tosa.sub"] = binaryBackward<BinaryKind::Sub>;
  table["tosa.mul"] = binaryBackward<BinaryKind::Mul>;
  table["tosa.maximum"] = binaryBackward<BinaryKind::Maximum>;
  table["tosa.minimum"] = binaryBackward<BinaryKind::Minimum>;
  table["tosa.clamp"] = clampBackward;
  table["tosa.identity"] = unaryBackward<UnaryKind::Identity>;
  table["tosa.negate"] = unaryBackward<UnaryKind::Negate>;
  table["tosa.exp"] = unaryBackward<UnaryKind::Exp>;
  table["tosa.tanh"] = unaryBackward<UnaryKind::Tanh>;
  table["tosa.sigmoid"] = unaryBackward<UnaryKind::Sigmoid>;
  table["tosa.reciprocal"] = unaryBackward<UnaryKind::Reciprocal>;
  table["tosa.reshape"] = reshapeBackward;
  table["tosa.transpose"] = transposeBackward;
  table["tosa.pad"] = padBackward;
  table["tosa.slice"] = sliceBackward;
  table["tosa.concat"] = concatBackward;
  table["tosa.reduce_sum"] = reduceBackward</*IsMax=*/false>;
  table["tosa.reduce_max"] = reduceBackward</*IsMax=*/true>;
}

LogicalResult
compress::detail::checkF32(KernelContext &ctx,
                           std::initializer_list<const Tensor *> tensors) {
  for (const Tensor *t : tensors)
    if (t->dtype() != DType::F32)
      return ctx.fail("reverse mode supports float32 tensors only");
  return success();
}

const BackwardTable &compress::detail::backwardKernels() {
  static const BackwardTable table = [] {
    BackwardTable t;
    registerElementwiseGradients(t);
    registerConvolutionGradients(t);
    return t;
  }();
  return table;
}
