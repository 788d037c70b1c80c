//===- ConvolutionGradientKernels.cpp - Reverse-mode conv, matmul, pool ---===//
//
// Vector-Jacobian products of float32 tosa.conv2d, tosa.depthwise_conv2d,
// tosa.matmul, tosa.max_pool2d and tosa.avg_pool2d.
//
// conv2d's two gradients are GEMMs over the same im2col matrix A
// ([pixels x kh*kw*c] per image) the forward pass builds:
//   dA = dY * W      (then scattered back to the input: col2im)
//   dW = dY^T * A
// so a backward pass costs about two forward convolutions and reuses the
// forward pass's packed GEMM.
//
//===----------------------------------------------------------------------===//

#include "Convolution.h"
#include "compress/Support/Blas.h"
#include "compress/Support/FixedPoint.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <limits>

using namespace mlir;
using namespace compress;
using namespace compress::detail;

namespace {

/// Calls `f(row, col, inIndex)` for every in-bounds element of the im2col
/// matrix of image `n` (rows: output pixels, columns: (ky, kx, c)); padded
/// positions are skipped because they read a constant zero.
template <typename F>
void forEachIm2col(const ConvShape &s, int64_t n, F f) {
  ConvShape image = s;
  image.n = 1;
  int64_t inOffset = n * s.ih * s.iw * s.c;
  forEachWindow(image, [&](const WindowTap &t) {
    f(t.out / s.o, t.tap * s.c, inOffset + t.in);
  });
}

/// Sums a [rows x channels] gradient per channel into `db`, which has
/// either `channels` entries or one (a broadcast bias).
void accumulateBias(const float *g, int64_t rows, int64_t channels,
                    Tensor &db) {
  float *out = db.f32().data();
  bool broadcast = db.size() != channels;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < channels; ++c)
      out[broadcast ? 0 : c] += g[r * channels + c];
}

/// ||dY^T A||_F^2 for dY [p x o] and A [p x k], row-major, from the p x p
/// products dY dY^T and A A^T.
double weightGradientSquaredNorm(const float *dy, const float *a,
                                 int64_t p, int64_t o, int64_t k) {
  std::vector<float> gy(p * p), ga(p * p);
  gemmFloat(false, true, p, p, o, dy, o, dy, o, 0.0f, gy.data(), p);
  gemmFloat(false, true, p, p, k, a, k, a, k, 0.0f, ga.data(), p);
  double sum = 0.0;
  for (int64_t i = 0; i < p * p; ++i)
    sum += double(gy[i]) * ga[i];
  return std::max(sum, 0.0);
}

LogicalResult conv2dBackward(KernelContext &ctx,
                             ArrayRef<const Tensor *> resultGrads,
                             MutableArrayRef<Tensor> operandGrads) {
  auto op = cast<tosa::Conv2DOp>(ctx.op);
  const Tensor &in = ctx.operand(0), &w = ctx.operand(1),
               &bias = ctx.operand(2), &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&in, &w, &bias, &dy})))
    return failure();
  ConvShape s = makeConvShape(in, dy, {w.dim(1), w.dim(2)}, op.getPad(),
                              op.getStride(), op.getDilation());
  const int64_t k = s.reduction(), pixels = s.oh * s.ow;
  Tensor dIn(DType::F32, in.shape()), dB(DType::F32, bias.shape());
  // Only the norm of dW = dY^T A is wanted and the output has few
  // positions: ||dY^T A||^2 = sum((dY dY^T) .* (A A^T)) costs pixels^2 (o+k)
  // instead of pixels o k and never forms the o x k gradient. One image
  // only: with several, dW sums over them.
  bool normOnly = ctx.normOnly.size() > 1 && ctx.normOnly[1] && s.n == 1 &&
                  pixels * (s.o + k) < s.o * k / 2;
  Tensor dW = normOnly ? Tensor() : Tensor(DType::F32, w.shape());
  // OHWI weights are W as [o x k], row-major.
  const float *wp = w.f32().data();
  std::vector<float> cols(pixels * k);
  const float *x = in.f32().data();
  float *dx = dIn.f32().data(), *dw = normOnly ? nullptr : dW.f32().data();
  for (int64_t n = 0; n < s.n; ++n) {
    const float *g = dy.f32().data() + n * pixels * s.o;
    // Input gradient: dA = dY * W, then col2im.
    gemmFloat(false, false, pixels, k, s.o, g, s.o, wp, k, 0.0f, cols.data(),
              k);
    forEachIm2col(s, n, [&](int64_t row, int64_t col, int64_t i) {
      const float *src = cols.data() + row * k + col;
      for (int64_t c = 0; c < s.c; ++c)
        dx[i + c] += src[c];
    });
    // Weight gradient: dW ([o x k], OHWI) += dY^T * A.
    std::fill(cols.begin(), cols.end(), 0.0f);
    forEachIm2col(s, n, [&](int64_t row, int64_t col, int64_t i) {
      std::copy_n(x + i, s.c, cols.data() + row * k + col);
    });
    if (normOnly)
      ctx.operandGradNorms[1] = weightGradientSquaredNorm(
          g, cols.data(), pixels, s.o, k);
    else
      gemmFloat(true, false, s.o, k, pixels, g, s.o, cols.data(), k, 1.0f,
                dw, k);
    accumulateBias(g, pixels, s.o, dB);
  }
  operandGrads[0] = std::move(dIn);
  if (!normOnly)
    operandGrads[1] = std::move(dW);
  operandGrads[2] = std::move(dB);
  return success();
}

/// Mirrors the forward depthwise loop: output channel ci*m + mi reads input
/// channel ci with weight [ky, kx, ci, mi].
LogicalResult depthwiseConv2dBackward(KernelContext &ctx,
                                      ArrayRef<const Tensor *> resultGrads,
                                      MutableArrayRef<Tensor> operandGrads) {
  auto op = cast<tosa::DepthwiseConv2DOp>(ctx.op);
  const Tensor &in = ctx.operand(0), &w = ctx.operand(1),
               &bias = ctx.operand(2), &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&in, &w, &bias, &dy})))
    return failure();
  ConvShape s = makeConvShape(in, dy, {w.dim(0), w.dim(1)}, op.getPad(),
                              op.getStride(), op.getDilation());
  const int64_t m = w.dim(3), channels = s.c * m;
  Tensor dIn(DType::F32, in.shape()), dW(DType::F32, w.shape()),
      dB(DType::F32, bias.shape());
  const float *x = in.f32().data(), *wp = w.f32().data(),
              *g = dy.f32().data();
  float *dx = dIn.f32().data(), *dw = dW.f32().data();
  // The forward walk, with each tap's contribution sent back to the input
  // and the weight it read.
  forEachWindow(s, [&](const WindowTap &t) {
    const float *go = g + t.out;
    int64_t wBase = t.tap * channels;
    for (int64_t c = 0; c < channels; ++c) {
      dx[t.in + c / m] += go[c] * wp[wBase + c];
      dw[wBase + c] += go[c] * x[t.in + c / m];
    }
  });
  accumulateBias(g, s.n * s.oh * s.ow, s.o, dB);
  operandGrads[0] = std::move(dIn);
  operandGrads[1] = std::move(dW);
  operandGrads[2] = std::move(dB);
  return success();
}

/// dA = dC * B^T and dB = A^T * dC per batch; a broadcast right operand
/// (batch 1) sums its gradient over the batch. Zero points have none.
LogicalResult matmulBackward(KernelContext &ctx,
                             ArrayRef<const Tensor *> resultGrads,
                             MutableArrayRef<Tensor> operandGrads) {
  const Tensor &a = ctx.operand(0), &b = ctx.operand(1), &dc = *resultGrads[0];
  if (failed(checkF32(ctx, {&a, &b, &dc})))
    return failure();
  int64_t batch = a.dim(0), m = a.dim(1), k = a.dim(2), n = b.dim(2);
  Tensor da(DType::F32, a.shape()), db(DType::F32, b.shape());
  for (int64_t i = 0; i < batch; ++i) {
    int64_t rhs = b.dim(0) == 1 ? 0 : i;
    const float *ab = a.f32().data() + i * m * k;
    const float *bb = b.f32().data() + rhs * k * n;
    const float *g = dc.f32().data() + i * m * n;
    // dA = dC * B^T; dB += A^T * dC.
    gemmFloat(false, true, m, k, n, g, n, bb, n, 0.0f,
              da.f32().data() + i * m * k, k);
    gemmFloat(true, false, k, n, m, ab, k, g, n, 1.0f,
              db.f32().data() + rhs * k * n, n);
  }
  operandGrads[0] = std::move(da);
  operandGrads[1] = std::move(db);
  return success();
}

/// The gradient goes to the first maximal element of each window, the one
/// the forward kernel keeps.
LogicalResult maxPool2dBackward(KernelContext &ctx,
                                ArrayRef<const Tensor *> resultGrads,
                                MutableArrayRef<Tensor> operandGrads) {
  auto op = cast<tosa::MaxPool2dOp>(ctx.op);
  const Tensor &in = ctx.operand(0), &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&in, &dy})))
    return failure();
  ConvShape s =
      makeConvShape(in, dy, op.getKernel(), op.getPad(), op.getStride(), {});
  // Winning input index per output element, found in the forward order.
  std::vector<int64_t> winner(dy.size(), -1);
  std::vector<float> best(dy.size(), -std::numeric_limits<float>::infinity());
  const float *x = in.f32().data();
  forEachWindow(s, [&](const WindowTap &t) {
    int64_t o = t.out, i = t.in;
    for (int64_t c = 0; c < s.c; ++c)
      if (x[i + c] > best[o + c]) {
        best[o + c] = x[i + c];
        winner[o + c] = i + c;
      }
  });
  Tensor dIn(DType::F32, in.shape());
  for (int64_t o = 0, e = dy.size(); o < e; ++o)
    if (winner[o] >= 0)
      dIn.f32()[winner[o]] += dy.f32()[o];
  operandGrads[0] = std::move(dIn);
  return success();
}

/// Each in-bounds window element receives the output gradient divided by
/// the divisor the forward kernel used (upstream's lowering's count).
LogicalResult avgPool2dBackward(KernelContext &ctx,
                                ArrayRef<const Tensor *> resultGrads,
                                MutableArrayRef<Tensor> operandGrads) {
  auto op = cast<tosa::AvgPool2dOp>(ctx.op);
  const Tensor &in = ctx.operand(0), &dy = *resultGrads[0];
  if (failed(checkF32(ctx, {&in, &dy})))
    return failure();
  ConvShape s =
      makeConvShape(in, dy, op.getKernel(), op.getPad(), op.getStride(), {});
  Tensor dIn(DType::F32, in.shape());
  const float *g = dy.f32().data();
  float *dx = dIn.f32().data();
  forEachWindow(s, [&](const WindowTap &t) {
    int64_t o = t.out, i = t.in;
    float count = float(tosaAvgPoolDivisor(s, t.oy, t.ox));
    for (int64_t c = 0; c < s.c; ++c)
      dx[i + c] += g[o + c] / count;
  });
  operandGrads[0] = std::move(dIn);
  return success();
}

} // namespace

void compress::detail::registerConvolutionGradients(BackwardTable &table) {
  table["tosa.conv2d"] = conv2dBackward;
  table["tosa.depthwise_conv2d"] = depthwiseConv2dBackward;
  table["tosa.matmul"] = matmulBackward;
  table["tosa.max_pool2d"] = maxPool2dBackward;
  table["tosa.avg_pool2d"] = avgPool2dBackward;
}
