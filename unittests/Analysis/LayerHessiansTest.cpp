//===- LayerHessiansTest.cpp - Input second moments of weight layers ------===//
//
// The Hessian of a layer must be indexed like its weights. With one-hot
// kernels (output channel j has weight 1 at flat weight index j of its row
// and 0 elsewhere) a convolution outputs input vector element j, so
// sum over outputs of y_a * y_b, computed here by the textbook convolution
// formula rather than by im2col, must equal N/2 * H[a][b].
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/LayerHessians.h"

#include <gtest/gtest.h>

#include <random>

using namespace compress;

namespace {

Tensor randomInput(llvm::ArrayRef<int64_t> shape, uint64_t seed) {
  Tensor t(DType::F32, shape);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (float &v : t.f32())
    v = uniform(rng);
  return t;
}

/// Input element [b, y, x, c], 0 outside the image (padding).
float at(const Tensor &t, int64_t b, int64_t y, int64_t x, int64_t c) {
  if (y < 0 || y >= t.dim(1) || x < 0 || x >= t.dim(2))
    return 0.0f;
  return t.f32()[((b * t.dim(1) + y) * t.dim(2) + x) * t.dim(3) + c];
}

LayerInputGeometry convGeometry(LayerKind kind,
                                llvm::ArrayRef<int64_t> inputShape) {
  LayerInputGeometry g;
  g.kind = kind;
  g.inputShape = Shape(inputShape);
  g.kernelH = 3;
  g.kernelW = 2;
  g.pad[0] = 1; // top
  g.pad[1] = 2; // bottom
  g.pad[2] = 0; // left
  g.pad[3] = 1; // right
  g.strideY = 2;
  g.strideX = 1;
  g.dilationY = 1;
  g.dilationX = 2;
  g.outputH = (inputShape[1] + 1 + 2 - (3 - 1) * 1 - 1) / 2 + 1;
  g.outputW = (inputShape[2] + 0 + 1 - (2 - 1) * 2 - 1) / 1 + 1;
  return g;
}

/// Element (a, b) of Hessian `group`: only the lower triangle is kept.
float element(LayerHessian &h, int64_t group, int64_t a, int64_t b) {
  return h.group(group)[std::min(a, b) * h.size + std::max(a, b)];
}

void accumulate(const LayerInputGeometry &g,
                llvm::ArrayRef<const Tensor *> inputs, LayerHessian &h) {
  HessianScratch scratch;
  accumulateLayerInputs(g, inputs, h, scratch);
}

} // namespace

/// conv2d weights are [O, KH, KW, C]: weight index (kh * KW + kw) * C + c.
TEST(LayerHessiansTest, Conv2DMatchesWeightLayout) {
  Tensor x = randomInput({2, 7, 6, 3}, 1);
  LayerInputGeometry g =
      convGeometry(LayerKind::Conv2D, x.shape());
  LayerHessian h(g);
  ASSERT_EQ(h.size, 3 * 2 * 3);
  accumulate(g, {&x}, h);
  finishLayerHessian(h);
  EXPECT_EQ(h.count, 2 * g.outputH * g.outputW);

  int64_t channels = 3;
  for (int64_t a = 0; a < h.size; ++a)
    for (int64_t b = 0; b < h.size; ++b) {
      // One-hot output channel j reads x at kernel tap (kh, kw), channel c.
      auto output = [&](int64_t j, int64_t n, int64_t oy, int64_t ox) {
        int64_t c = j % channels, kw = (j / channels) % g.kernelW,
                kh = j / (channels * g.kernelW);
        return at(x, n, oy * g.strideY - g.pad[0] + kh * g.dilationY,
                  ox * g.strideX - g.pad[2] + kw * g.dilationX, c);
      };
      double sum = 0.0;
      for (int64_t n = 0; n < 2; ++n)
        for (int64_t oy = 0; oy < g.outputH; ++oy)
          for (int64_t ox = 0; ox < g.outputW; ++ox)
            sum += double(output(a, n, oy, ox)) * output(b, n, oy, ox);
      EXPECT_NEAR(element(h, 0, a, b), 2.0 * sum / double(h.count),
                  1e-5)
          << a << ", " << b;
    }
}

/// depthwise weights are [KH, KW, C, M]: channel c's outputs read only
/// input channel c, at weight index kh * KW + kw of their column.
TEST(LayerHessiansTest, DepthwiseHasOneHessianPerChannel) {
  Tensor x = randomInput({1, 6, 5, 4}, 2);
  LayerInputGeometry g =
      convGeometry(LayerKind::DepthwiseConv2D, x.shape());
  LayerHessian h(g);
  ASSERT_EQ(h.size, 6);
  ASSERT_EQ(h.groups, 4);
  accumulate(g, {&x}, h);
  finishLayerHessian(h);
  for (int64_t c = 0; c < 4; ++c)
    for (int64_t a = 0; a < h.size; ++a)
      for (int64_t b = 0; b < h.size; ++b) {
        auto output = [&](int64_t j, int64_t oy, int64_t ox) {
          int64_t kw = j % g.kernelW, kh = j / g.kernelW;
          return at(x, 0, oy * g.strideY - g.pad[0] + kh * g.dilationY,
                    ox * g.strideX - g.pad[2] + kw * g.dilationX, c);
        };
        double sum = 0.0;
        for (int64_t oy = 0; oy < g.outputH; ++oy)
          for (int64_t ox = 0; ox < g.outputW; ++ox)
            sum += double(output(a, oy, ox)) * output(b, oy, ox);
        EXPECT_NEAR(element(h, c, a, b), 2.0 * sum / double(h.count),
                    1e-5)
            << c << ": " << a << ", " << b;
      }
}

/// matmul [1, M, K] x [1, K, N]: the M rows of the left operand are the
/// input vectors; samples accumulate.
TEST(LayerHessiansTest, MatmulRowsAreInputVectors) {
  LayerInputGeometry g;
  g.kind = LayerKind::Matmul;
  g.inputShape = Shape({1, 3, 4});
  Tensor x1 = randomInput({1, 3, 4}, 3), x2 = randomInput({1, 3, 4}, 4);
  LayerHessian h(g);
  accumulate(g, {&x1, &x2}, h);
  finishLayerHessian(h);
  EXPECT_EQ(h.count, 6);
  for (int64_t a = 0; a < 4; ++a)
    for (int64_t b = 0; b < 4; ++b) {
      double sum = 0.0;
      for (const Tensor *x : {&x1, &x2})
        for (int64_t m = 0; m < 3; ++m)
          sum += double(x->f32()[m * 4 + a]) * x->f32()[m * 4 + b];
      EXPECT_NEAR(element(h, 0, a, b), 2.0 * sum / 6.0, 1e-6);
    }
}
