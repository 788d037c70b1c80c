//===- ConvolutionKernels.cpp - TOSA convolution, matmul and pooling ------===//
//
// Float and integer tosa.conv2d, tosa.depthwise_conv2d, tosa.matmul,
// tosa.max_pool2d and tosa.avg_pool2d. Weights that are constants are
// packed once per op and kept in the op's kernel cache.
//
//===----------------------------------------------------------------------===//

#include "Convolution.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace compress;
using namespace compress::detail;

namespace {

struct TransposedWeightsCache : KernelCache {
  std::vector<int32_t> ints;
};

/// Integer weights (operand `index`) transposed for the GEMM, cached when
/// the operand is constant.
template <typename Build>
const TransposedWeightsCache &
transposedWeights(KernelContext &ctx, unsigned index,
                  TransposedWeightsCache &scratch, Build build) {
  if (ctx.constantOperands[index])
    if (auto *cached = ctx.cached<TransposedWeightsCache>(build))
      return *cached;
  build(scratch);
  return scratch;
}

/// Bias of `channels` entries, broadcasting a single-element bias.
template <typename T>
std::vector<T> expandBias(ArrayRef<T> bias, int64_t channels) {
  if (int64_t(bias.size()) == channels)
    return bias.vec();
  return std::vector<T>(channels, bias.empty() ? T(0) : bias[0]);
}

LogicalResult checkNHWC(KernelContext &ctx, const Tensor &in,
                        const Tensor &out) {
  if (in.rank() != 4 || out.rank() != 4)
    return ctx.fail("expects rank-4 NHWC input and result");
  return success();
}

LogicalResult conv2dKernel(KernelContext &ctx) {
  auto op = cast<tosa::Conv2DOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0), &w = ctx.operand(1),
               &bias = ctx.operand(2);
  Tensor &out = ctx.results[0];
  if (failed(checkNHWC(ctx, in, out)) || w.rank() != 4 ||
      w.dim(3) != in.dim(3) || w.dim(0) != out.dim(3))
    return ctx.fail("conv2d operand shapes do not match");
  ConvShape s = makeConvShape(in, out, {w.dim(1), w.dim(2)}, op.getPad(),
                              op.getStride(), op.getDilation());
  if (in.dtype() == DType::F32) {
    std::vector<float> b = expandBias(bias.f32(), s.o);
    convFloat(s, in.f32().data(), w.f32().data(), b.data(),
              out.f32().data());
    return success();
  }
  if (isFloat(in.dtype()))
    return ctx.fail("unsupported float element type");
  int64_t inZp = scalarInt(ctx.operand(3)), wZp = scalarInt(ctx.operand(4));
  TransposedWeightsCache scratch;
  auto &transposed = transposedWeights(
      ctx, 1, scratch,
      [&](TransposedWeightsCache &c) { c.ints = transposeIntWeights(w, wZp); });
  std::vector<int64_t> b = expandBias(ArrayRef<int64_t>(bias.ints()), s.o);
  convInt(s, in.ints().data(), inZp, transposed.ints, b.data(),
          out.ints().data(), out.dtype());
  return success();
}

LogicalResult depthwiseConv2dKernel(KernelContext &ctx) {
  auto op = cast<tosa::DepthwiseConv2DOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0), &w = ctx.operand(1),
               &bias = ctx.operand(2);
  Tensor &out = ctx.results[0];
  if (failed(checkNHWC(ctx, in, out)) || w.rank() != 4 ||
      w.dim(2) != in.dim(3) || w.dim(2) * w.dim(3) != out.dim(3))
    return ctx.fail("depthwise_conv2d operand shapes do not match");
  ConvShape s = makeConvShape(in, out, {w.dim(0), w.dim(1)}, op.getPad(),
                              op.getStride(), op.getDilation());
  if (in.dtype() == DType::F32) {
    std::vector<float> b = expandBias(bias.f32(), s.o);
    depthwiseFloat(s, w.dim(3), in.f32().data(), w.f32().data(), b.data(),
                   out.f32().data());
    return success();
  }
  if (isFloat(in.dtype()))
    return ctx.fail("unsupported float element type");
  std::vector<int64_t> b = expandBias(ArrayRef<int64_t>(bias.ints()), s.o);
  depthwiseInt(s, w.dim(3), in.ints().data(), scalarInt(ctx.operand(3)),
               w.ints().data(), scalarInt(ctx.operand(4)), b.data(),
               out.ints().data(), out.dtype());
  return success();
}

LogicalResult matmulKernel(KernelContext &ctx) {
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &a = ctx.operand(0), &b = ctx.operand(1);
  Tensor &out = ctx.results[0];
  if (a.rank() != 3 || b.rank() != 3 || a.dim(2) != b.dim(1) ||
      (b.dim(0) != a.dim(0) && b.dim(0) != 1))
    return ctx.fail("matmul operand shapes do not match");
  int64_t batch = a.dim(0), m = a.dim(1), k = a.dim(2), n = b.dim(2);
  if (a.dtype() == DType::F32) {
    matmulFloat(batch, m, k, n, a.f32().data(), b.f32().data(), b.dim(0),
                out.f32().data());
    return success();
  }
  if (isFloat(a.dtype()))
    return ctx.fail("unsupported float element type");
  matmulInt(batch, m, k, n, a.ints().data(), scalarInt(ctx.operand(2)),
            b.ints().data(), scalarInt(ctx.operand(3)), b.dim(0), nullptr,
            out.ints().data(), out.dtype());
  return success();
}

LogicalResult maxPool2dKernel(KernelContext &ctx) {
  auto op = cast<tosa::MaxPool2dOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  if (failed(checkNHWC(ctx, in, out)))
    return failure();
  ConvShape s =
      makeConvShape(in, out, op.getKernel(), op.getPad(), op.getStride(), {});
  maxPool(s, in, out);
  return success();
}

LogicalResult avgPool2dKernel(KernelContext &ctx) {
  auto op = cast<tosa::AvgPool2dOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  if (failed(checkNHWC(ctx, in, out)))
    return failure();
  ConvShape s =
      makeConvShape(in, out, op.getKernel(), op.getPad(), op.getStride(), {});
  if (in.dtype() == DType::F32) {
    avgPoolFloat(s, in.f32().data(), out.f32().data());
    return success();
  }
  if (isFloat(in.dtype()))
    return ctx.fail("unsupported float element type");
  avgPoolInt(s, in.ints().data(), scalarInt(ctx.operand(1)),
             scalarInt(ctx.operand(2)), out.dtype(),
             AvgPoolDivisor::TosaLowering, out.ints().data());
  return success();
}

} // namespace

void compress::detail::registerConvolutionKernels(KernelTable &table) {
  table["tosa.conv2d"] = conv2dKernel;
  table["tosa.depthwise_conv2d"] = depthwiseConv2dKernel;
  table["tosa.matmul"] = matmulKernel;
  table["tosa.max_pool2d"] = maxPool2dKernel;
  table["tosa.avg_pool2d"] = avgPool2dKernel;
}
