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
#include "compress/Evaluator/Evaluator.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <random>

using namespace mlir;
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

/// A 3x3 convolution (36 inputs per vector) reading the function's input
/// and a matmul reading the convolution's result.
constexpr const char *kTwoLayers = R"mlir(
func.func @main(%x: tensor<1x6x6x4xf32>) -> tensor<1x36x2xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<0.25> : tensor<3x3x3x4xf32>}> : () -> tensor<3x3x3x4xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<3xf32>}> : () -> tensor<3xf32>
  %c = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<3x3x3x4xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x3xf32>
  %s = tosa.const_shape {values = dense<[1, 36, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %h = tosa.reshape %c, %s : (tensor<1x6x6x3xf32>, !tosa.shape<3>) -> tensor<1x36x3xf32>
  %m = "tosa.const"() <{values = dense<1.0> : tensor<1x3x2xf32>}> : () -> tensor<1x3x2xf32>
  %y = tosa.matmul %h, %m, %z, %z : (tensor<1x36x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x36x2xf32>
  return %y : tensor<1x36x2xf32>
}
)mlir";

/// Collecting over samples gives each layer the Hessian of its inputs on
/// all of them, whether the layer kept its inputs (8 samples: 8 * 144
/// input values against a 36 x 36 Hessian) or the Hessian itself (16
/// samples), and the same bits with and without a thread pool.
TEST(LayerHessiansTest, CollectKeepsInputsOrHessians) {
  MLIRContext context;
  context.loadDialect<func::FuncDialect, tosa::TosaDialect>();
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kTwoLayers, &context);
  ASSERT_TRUE(module);
  auto func = *module->getOps<func::FuncOp>().begin();
  FailureOr<Program> program = Program::compile(func);
  ASSERT_TRUE(succeeded(program));
  auto inputsFor = [](int64_t sample) -> llvm::Expected<SmallVector<Tensor>> {
    return SmallVector<Tensor>{randomInput({1, 6, 6, 4}, 100 + sample)};
  };
  Operation *conv = (*func.getOps<tosa::Conv2DOp>().begin()).getOperation();
  Operation *matmul =
      (*func.getOps<tosa::MatMulOp>().begin()).getOperation();
  std::optional<LayerInputGeometry> g = getLayerInputGeometry(conv);
  ASSERT_TRUE(g);

  for (int64_t samples : {8, 16}) {
    auto serial = LayerHessians::collect(func, *program, samples, inputsFor);
    auto parallel =
        LayerHessians::collect(func, *program, samples, inputsFor, &context);
    ASSERT_TRUE(serial && parallel);
    EXPECT_EQ(serial->layers(), (llvm::ArrayRef<Operation *>{conv, matmul}));
    std::optional<LayerHessian> a = serial->take(conv);
    std::optional<LayerHessian> b = parallel->take(conv);
    ASSERT_TRUE(a && b);
    EXPECT_FALSE(serial->take(conv)) << "taken twice";
    EXPECT_TRUE(serial->take(matmul));
    EXPECT_EQ(a->values, b->values) << samples;

    std::vector<Tensor> inputs;
    std::vector<const Tensor *> pointers;
    for (int64_t i = 0; i < samples; ++i)
      inputs.push_back(std::move((*inputsFor(i))[0]));
    for (const Tensor &input : inputs)
      pointers.push_back(&input);
    LayerHessian expected(*g);
    accumulate(*g, pointers, expected);
    finishLayerHessian(expected);
    EXPECT_EQ(a->count, samples * 36);
    for (int64_t i = 0; i < a->size; ++i)
      for (int64_t j = 0; j <= i; ++j)
        EXPECT_NEAR(element(*a, 0, i, j), element(expected, 0, i, j), 1e-5)
            << samples << ": " << i << ", " << j;
  }
}
