//===- DepthwiseKernel.cpp - The depthwise convolution kernel -------------===//
//
// Depthwise convolution with one output channel per input channel, as
// 16-channel multiply-adds over the window.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace compress;
using namespace compress::x86;

/// Depthwise convolution reduces over the window only, so there is no
/// group of four reduction bytes per lane for `vpdpbusd`: each tap is a
/// 16-channel multiply-add of the zero-extended activations (still shifted
/// to u8, so the halo and the bias folding are the convolution's) by the
/// weights widened to i32 at compile time, `[KH][KW][C16]`.
void KernelEmitter::prepareDepthwise() {
  int64_t channels = g.channelBlocks() * kLanes, taps = g.kh * g.kw;
  std::vector<int32_t> weights(taps * channels, 0);
  std::vector<int32_t> bias(channels, 0);
  for (int64_t c = 0; c < g.c; ++c) {
    int64_t sum = 0;
    for (int64_t t = 0; t < taps; ++t) {
      int64_t w = spec.weights[t * g.c + c];
      weights[t * channels + c] = int32_t(w);
      sum += w;
    }
    bias[c] = int32_t(uint32_t(uint64_t(spec.bias[c]) -
                               uint64_t(128 + g.inputZp) * uint64_t(sum)));
  }
  weightsBuffer = constantBuffer(ArrayRef<int32_t>(weights), i32);
  biasBuffer = constantBuffer(ArrayRef<int32_t>(bias), i32);
}

void KernelEmitter::buildDepthwiseTiles(Value halo, Value output) {
  int64_t cp = g.paddedChannels(), rows = g.haloRows(), cols = g.haloCols();
  int64_t channels = g.channelBlocks() * kLanes;
  VectorType bytes = VectorType::get({kLanes}, i8);
  // `xb` pixels from column `ox` of row `oy`, channels [channel, +16).
  auto tile = [&](Value n, Value oy, Value ox, Value channel, int64_t xb) {
    Value bias = vector::LoadOp::create(b, acc16, biasBuffer,
                                        ValueRange{channel});
    SmallVector<Value> accs(xb, bias);
    Value rowBase = mul(add(mul(n, rows), mul(oy, g.sy)), cols);
    auto kernelRows = scf::ForOp::create(b, index(0), index(g.kh), index(1),
                                         accs);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(kernelRows.getBody());
      Value i = kernelRows.getInductionVar();
      Value rowPixel = add(rowBase, mul(mul(i, g.dy), cols));
      SmallVector<Value> next(kernelRows.getRegionIterArgs());
      for (int64_t j = 0; j < g.kw; ++j) {
        Value w = vector::LoadOp::create(
            b, acc16, weightsBuffer,
            ValueRange{add(mul(add(mul(i, g.kw), j), channels), channel)});
        for (int64_t x = 0; x < xb; ++x) {
          Value pixel =
              add(rowPixel, add(mul(add(ox, x), g.sx), j * g.dx));
          Value a = vector::LoadOp::create(
              b, bytes, halo, ValueRange{add(mul(pixel, cp), channel)});
          Value product = arith::MulIOp::create(
              b, arith::ExtUIOp::create(b, acc16, a), w);
          next[x] = arith::AddIOp::create(b, next[x], product);
        }
      }
      scf::YieldOp::create(b, next);
    }
    for (int64_t x = 0; x < xb; ++x)
      storeBlock(kernelRows.getResult(x), output,
                 add(mul(add(mul(n, g.oh), oy), g.ow), add(ox, x)), channel);
  };
  constexpr int64_t kPixels = 8;
  int64_t xb = std::min<int64_t>(kPixels, g.ow);
  int64_t fullCols = g.ow / xb * xb;
  forEach(0, channels, kLanes, [&](Value channel) {
    forEach(0, g.n * g.oh, 1, [&](Value row) {
      Value n = arith::DivUIOp::create(b, row, index(g.oh));
      Value oy = arith::RemUIOp::create(b, row, index(g.oh));
      forEach(0, fullCols, xb,
              [&](Value ox) { tile(n, oy, ox, channel, xb); });
      forEach(fullCols, g.ow, 1,
              [&](Value ox) { tile(n, oy, ox, channel, 1); });
    });
  });
}

