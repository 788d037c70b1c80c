//===- QIntKernels.cpp - Kernels of the qint dialect ----------------------===//
//
// The meaning of every qint op. The op descriptions in QIntOps.td state the
// same formulas; compiled code is tested against these kernels bit for bit.
//
//===----------------------------------------------------------------------===//

#include "Convolution.h"
#include "compress/Dialect/QInt/IR/QInt.h"
#include "compress/Support/FixedPoint.h"

#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace compress;
using namespace compress::detail;
using namespace compress::qint;

namespace {

struct IntWeightsCache : KernelCache {
  std::vector<int32_t> weightsKO;
};

/// Wraps an accumulator whose type is narrower than the dtype holding it
/// (i24 in an I32 tensor) to the type's width, as qint's arithmetic does.
void wrapToResultWidth(Tensor &out, Value result) {
  unsigned width = getElementTypeOrSelf(result.getType()).getIntOrFloatBitWidth();
  if (width >= intBitWidth(out.dtype()))
    return;
  for (int64_t &v : out.ints())
    v = wrapSigned(v, width);
}

/// The optional bias operand (after the two data operands) as a pointer.
const int64_t *biasPointer(KernelContext &ctx, Value bias) {
  return bias ? ctx.operand(2).ints().data() : nullptr;
}

LogicalResult conv2dKernel(KernelContext &ctx) {
  auto op = cast<Conv2DOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0), &w = ctx.operand(1);
  Tensor &out = ctx.results[0];
  ConvShape s = makeConvShape(in, out, {w.dim(1), w.dim(2)}, op.getPad(),
                              op.getStride(), op.getDilation());
  auto build = [&](IntWeightsCache &c) {
    c.weightsKO = transposeIntWeights(w, 0);
  };
  IntWeightsCache scratch;
  const IntWeightsCache *weights = nullptr;
  if (ctx.constantOperands[1])
    weights = ctx.cached<IntWeightsCache>(build);
  if (!weights) {
    build(scratch);
    weights = &scratch;
  }
  convInt(s, in.ints().data(), op.getInputZpAttr().getInt(),
          weights->weightsKO, biasPointer(ctx, op.getBias()),
          out.ints().data(), out.dtype());
  wrapToResultWidth(out, op.getOutput());
  return success();
}

LogicalResult depthwiseConv2dKernel(KernelContext &ctx) {
  auto op = cast<DepthwiseConv2DOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0), &w = ctx.operand(1);
  Tensor &out = ctx.results[0];
  ConvShape s = makeConvShape(in, out, {w.dim(0), w.dim(1)}, op.getPad(),
                              op.getStride(), op.getDilation());
  depthwiseInt(s, w.dim(3), in.ints().data(), op.getInputZpAttr().getInt(),
               w.ints().data(), 0, biasPointer(ctx, op.getBias()),
               out.ints().data(), out.dtype());
  wrapToResultWidth(out, op.getOutput());
  return success();
}

LogicalResult matmulKernel(KernelContext &ctx) {
  auto op = cast<MatmulOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &a = ctx.operand(0), &b = ctx.operand(1);
  Tensor &out = ctx.results[0];
  matmulInt(a.dim(0), a.dim(1), a.dim(2), b.dim(2), a.ints().data(),
            op.getLhsZpAttr().getInt(), b.ints().data(),
            op.getRhsZpAttr().getInt(), b.dim(0), biasPointer(ctx, op.getBias()),
            out.ints().data(), out.dtype());
  wrapToResultWidth(out, op.getOutput());
  return success();
}

LogicalResult requantizeKernel(KernelContext &ctx) {
  auto op = cast<RequantizeOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  ArrayRef<int32_t> multiplier = op.getMultiplier();
  ArrayRef<int8_t> shift = op.getShift();
  int64_t channels = in.rank() ? in.shape().back() : 1;
  bool perChannel = multiplier.size() > 1;
  int64_t inZp = op.getInputZpAttr().getInt();
  int64_t outZp = op.getOutputZpAttr().getInt();
  int64_t lo = op.getClampMinAttr().getInt(), hi = op.getClampMaxAttr().getInt();
  RescaleRounding rounding = op.getRounding();
  unsigned inBits = intBitWidth(in.dtype());
  for (int64_t i = 0, e = in.size(); i < e; ++i) {
    int64_t c = perChannel ? i % channels : 0;
    out.ints()[i] = rescaleElement(in.ints()[i], inZp, multiplier[c],
                                   shift[c], outZp, rounding, lo, hi, inBits);
  }
  return success();
}

LogicalResult addKernel(KernelContext &ctx) {
  auto op = cast<AddOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &a = ctx.operand(0), &b = ctx.operand(1);
  Tensor &out = ctx.results[0];
  RescaleRounding rounding = op.getRounding();
  int64_t aZp = op.getLhsZpAttr().getInt(), bZp = op.getRhsZpAttr().getInt();
  int64_t outZp = op.getOutputZpAttr().getInt();
  int64_t lo = op.getClampMinAttr().getInt(), hi = op.getClampMaxAttr().getInt();
  auto [i32Min, i32Max] = rescaleClampRange(32, false);
  unsigned aBits = intBitWidth(a.dtype()), bBits = intBitWidth(b.dtype());
  for (int64_t i = 0, e = out.size(); i < e; ++i) {
    int64_t x = rescaleElement(a.ints()[i], aZp, op.getLhsMultiplier(),
                               op.getLhsShift(), 0, rounding, i32Min, i32Max,
                               aBits);
    int64_t y = rescaleElement(b.ints()[i], bZp, op.getRhsMultiplier(),
                               op.getRhsShift(), 0, rounding, i32Min, i32Max,
                               bBits);
    int64_t sum = wrapInt(x + y, DType::I32);
    out.ints()[i] = rescaleElement(sum, 0, op.getOutputMultiplier(),
                                   op.getOutputShift(), outZp, rounding, lo,
                                   hi, 32);
  }
  return success();
}

LogicalResult maxPool2dKernel(KernelContext &ctx) {
  auto op = cast<MaxPool2DOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  ConvShape s = makeConvShape(ctx.operand(0), ctx.results[0], op.getKernel(),
                              op.getPad(), op.getStride(), {});
  maxPool(s, ctx.operand(0), ctx.results[0]);
  return success();
}

LogicalResult avgPool2dKernel(KernelContext &ctx) {
  auto op = cast<AvgPool2DOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  Tensor &out = ctx.results[0];
  ConvShape s = makeConvShape(ctx.operand(0), out, op.getKernel(),
                              op.getPad(), op.getStride(), {});
  avgPoolInt(s, ctx.operand(0).ints().data(), op.getInputZpAttr().getInt(),
             op.getOutputZpAttr().getInt(), out.dtype(),
             AvgPoolDivisor::InBounds, out.ints().data());
  return success();
}

LogicalResult quantizeKernel(KernelContext &ctx) {
  auto op = cast<QuantizeOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  float inverse = float(1.0 / op.getScale().convertToDouble());
  int64_t zp = op.getZeroPointAttr().getInt();
  auto [qmin, qmax] = op.getClampBounds();
  for (int64_t i = 0, e = in.size(); i < e; ++i) {
    float t = std::nearbyint(in.f32()[i] * inverse);
    // Saturating f32 -> i32 conversion as upstream's tosa.cast lowering
    // does it: its overflow test is true for NaN, so NaN becomes INT32_MAX.
    int64_t v = std::isnan(t) || t >= 2147483648.0f ? INT32_MAX
                : t < -2147483648.0f ? INT32_MIN
                                      : int64_t(t);
    out.ints()[i] = std::clamp(v, qmin - zp, qmax - zp) + zp;
  }
  return success();
}

LogicalResult dequantizeKernel(KernelContext &ctx) {
  auto op = cast<DequantizeOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  float scale = float(op.getScale().convertToDouble());
  int64_t zp = op.getZeroPointAttr().getInt();
  for (int64_t i = 0, e = in.size(); i < e; ++i)
    out.f32()[i] = float(in.ints()[i] - zp) * scale;
  return success();
}

} // namespace

void compress::detail::registerQIntKernels(KernelTable &table) {
  table[Conv2DOp::getOperationName()] = conv2dKernel;
  table[DepthwiseConv2DOp::getOperationName()] = depthwiseConv2dKernel;
  table[MatmulOp::getOperationName()] = matmulKernel;
  table[RequantizeOp::getOperationName()] = requantizeKernel;
  table[AddOp::getOperationName()] = addKernel;
  table[MaxPool2DOp::getOperationName()] = maxPool2dKernel;
  table[AvgPool2DOp::getOperationName()] = avgPool2dKernel;
  table[QuantizeOp::getOperationName()] = quantizeKernel;
  table[DequantizeOp::getOperationName()] = dequantizeKernel;
}
