//===- WeightLayersTest.cpp - The weight-bearing ops of a float graph ----===//
//
// Layers are found in program order, named per kind, and carry the kind,
// scale axis and input that the planner, GPTQ and the Hessians rely on.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/WeightLayers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace compress;

namespace {

/// A convolution, a depthwise convolution reading the same input, a
/// second convolution whose weights are an argument (not a layer), and a
/// matmul.
constexpr const char *kSource = R"mlir(
func.func @main(%x: tensor<1x4x4x2xf32>, %v: tensor<2x1x1x2xf32>) -> tensor<1x1x2xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<1.0> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %d = "tosa.const"() <{values = dense<1.0> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %m = "tosa.const"() <{values = dense<1.0> : tensor<1x32x2xf32>}> : () -> tensor<1x32x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %c0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %c1 = tosa.depthwise_conv2d %x, %d, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %c2 = tosa.conv2d %c1, %v, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %s = tosa.add %c0, %c2 : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %shape = tosa.const_shape {values = dense<[1, 1, 32]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %s, %shape : (tensor<1x4x4x2xf32>, !tosa.shape<3>) -> tensor<1x1x32xf32>
  %y = tosa.matmul %r, %m, %z, %z : (tensor<1x1x32xf32>, tensor<1x32x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  return %y : tensor<1x1x2xf32>
}
)mlir";

TEST(WeightLayersTest, FindsLayersWithConstantWeightsInOrder) {
  MLIRContext context;
  context.loadDialect<func::FuncDialect, tosa::TosaDialect>();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kSource, &context);
  ASSERT_TRUE(module);
  auto func = *module->getOps<func::FuncOp>().begin();
  llvm::SmallVector<WeightLayer> layers = collectWeightLayers(func);
  ASSERT_EQ(layers.size(), 3u);

  EXPECT_EQ(layers[0].name, "conv2d_0");
  EXPECT_EQ(layers[0].kind, LayerKind::Conv2D);
  EXPECT_EQ(layers[0].numWeights, 4);
  EXPECT_EQ(layers[0].scaleAxis, 0);
  EXPECT_EQ(layers[0].input, func.getArgument(0));
  EXPECT_EQ(layers[0].numInputs, 32);

  EXPECT_EQ(layers[1].name, "depthwise_conv2d_0");
  EXPECT_EQ(layers[1].kind, LayerKind::DepthwiseConv2D);
  EXPECT_EQ(layers[1].scaleAxis, 2);
  EXPECT_EQ(layers[1].input, func.getArgument(0));

  // The convolution with argument weights is no layer and takes no index.
  EXPECT_EQ(layers[2].name, "matmul_0");
  EXPECT_EQ(layers[2].kind, LayerKind::Matmul);
  EXPECT_EQ(layers[2].numWeights, 64);
  EXPECT_EQ(layers[2].scaleAxis, 2);
  EXPECT_EQ(layers[2].numInputs, 32);

  for (const WeightLayer &layer : layers)
    EXPECT_EQ(getLayerKind(layer.op), layer.kind);
  EXPECT_EQ(getLayerKind(layers[2].input.getDefiningOp()), std::nullopt);
}

} // namespace
