//===- GradientTest.cpp - Reverse mode against finite differences --------===//
//
// Every reverse-mode kernel is checked on a small random function: the
// gradient of L = sum(seed * output) from `Program::runBackward` against
// central differences (L+ - L-) / 2h of the float32 forward pass, summed in
// double. The error of a check is max |analytic - numeric| over the
// elements, relative to the largest numeric gradient; the tolerance is
// 1e-2 with h = 1e-2. Ops with kinks (clamp, maximum, pooling, reduce_max)
// get inputs at least 0.05 away from every kink so that no difference
// crosses one.
//
//===----------------------------------------------------------------------===//

#include "compress/Evaluator/Evaluator.h"
#include "compress/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

using namespace mlir;
using namespace compress;

namespace {

constexpr double kStep = 1e-2;
constexpr double kTolerance = 1e-2;

/// Totals over every check, printed once at the end of the run.
struct CheckTally {
  int64_t checks = 0, elements = 0;
  double maxError = 0.0;
} tally;

class TallyPrinter : public ::testing::Environment {
  void TearDown() override {
    if (tally.checks)
      printf("gradient checks: %lld (%lld elements), max relative error "
             "%.3g\n",
             (long long)tally.checks, (long long)tally.elements,
             tally.maxError);
  }
};
[[maybe_unused]] ::testing::Environment *const tallyPrinter =
    ::testing::AddGlobalTestEnvironment(new TallyPrinter);

class GradientTest : public ::testing::Test {
protected:
  GradientTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  func::FuncOp parse(const std::string &source) {
    module = parseSourceString<ModuleOp>(source, &context);
    if (!module)
      return nullptr;
    return *module->getOps<func::FuncOp>().begin();
  }

  /// Uniform values in [lo, hi).
  Tensor random(ArrayRef<int64_t> shape, float lo = -1.0f, float hi = 1.0f) {
    Tensor t(DType::F32, shape);
    std::uniform_real_distribution<float> dist(lo, hi);
    for (float &v : t.f32())
      v = dist(rng);
    return t;
  }

  /// A permutation of 0.1 * i (centred) plus `offset`, so every two
  /// elements differ by at least 0.1: maxima stay maxima under a step of
  /// 1e-2. Tensors with offsets 0 and 0.05 differ by at least 0.05.
  Tensor distinct(ArrayRef<int64_t> shape, float offset = 0.0f) {
    Tensor t(DType::F32, shape);
    for (int64_t i = 0; i < t.size(); ++i)
      t.f32()[i] = 0.1f * float(i - t.size() / 2) + offset;
    std::shuffle(t.f32().begin(), t.f32().end(), rng);
    return t;
  }

  /// L = sum(seed * output) in double.
  static double loss(const Program &program, ArrayRef<Tensor> inputs,
                     ArrayRef<Tensor> seeds) {
    auto outputs = program.run(inputs);
    EXPECT_TRUE(bool(outputs)) << llvm::toString(outputs.takeError());
    double sum = 0.0;
    for (auto [output, seed] : llvm::zip(*outputs, seeds))
      for (int64_t i = 0; i < output.size(); ++i)
        sum += double(output.f32()[i]) * double(seed.f32()[i]);
    return sum;
  }

  /// Scaled error of one gradient, recorded in the tally.
  static double compare(ArrayRef<double> analytic, ArrayRef<double> numeric) {
    double diff = 0.0, scale = 1e-6;
    for (auto [a, n] : llvm::zip(analytic, numeric)) {
      diff = std::max(diff, std::fabs(a - n));
      scale = std::max(scale, std::fabs(n));
    }
    double error = diff / scale;
    ++tally.checks;
    tally.elements += analytic.size();
    tally.maxError = std::max(tally.maxError, error);
    return error;
  }

  /// Random seeds shaped like the outputs of `program` on `inputs`.
  SmallVector<Tensor> seedsFor(const Program &program,
                               ArrayRef<Tensor> inputs) {
    auto outputs = program.run(inputs);
    EXPECT_TRUE(bool(outputs)) << llvm::toString(outputs.takeError());
    SmallVector<Tensor> seeds;
    for (const Tensor &output : *outputs)
      seeds.push_back(random(output.shape()));
    return seeds;
  }

  /// Checks the gradient with respect to every element of every input of
  /// the only function of `source`.
  void checkInputs(const std::string &source, SmallVector<Tensor> inputs) {
    func::FuncOp func = parse(source);
    ASSERT_TRUE(func);
    FailureOr<Program> program = Program::compile(func);
    ASSERT_TRUE(succeeded(program));
    SmallVector<Tensor> seeds = seedsFor(*program, inputs);
    auto grads = program->runBackward(inputs, seeds);
    ASSERT_TRUE(bool(grads)) << llvm::toString(grads.takeError());
    for (unsigned i = 0; i < inputs.size(); ++i) {
      std::vector<double> analytic, numeric;
      for (int64_t e = 0; e < inputs[i].size(); ++e) {
        float saved = inputs[i].f32()[e];
        inputs[i].f32()[e] = saved + float(kStep);
        double plus = loss(*program, inputs, seeds);
        inputs[i].f32()[e] = saved - float(kStep);
        double minus = loss(*program, inputs, seeds);
        inputs[i].f32()[e] = saved;
        numeric.push_back((plus - minus) / (2 * kStep));
        analytic.push_back(grads->inputs[i].f32()[e]);
      }
      EXPECT_LT(compare(analytic, numeric), kTolerance) << "input " << i;
    }
  }

  std::mt19937 rng{1234};
  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

/// Zero-point constants used by the TOSA ops below.
constexpr const char *kZeroPoints = R"(
      %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>)";

TEST_F(GradientTest, Conv2dInputWeightsAndBias) {
  // Stride, padding and dilation all differ per axis.
  std::string source = std::string(R"(
    func.func @f(%x: tensor<2x5x6x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x3x3x4xf32> {)") +
                       kZeroPoints + R"(
      %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 2>, pad = array<i64: 1, 1, 0, 1>, stride = array<i64: 2, 1>} : (tensor<2x5x6x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x4xf32>
      return %y : tensor<2x3x3x4xf32>
    })";
  checkInputs(source, {random({2, 5, 6, 3}), random({4, 3, 3, 3}),
                       random({4})});
}

TEST_F(GradientTest, Conv2dBroadcastBias) {
  std::string source = std::string(R"(
    func.func @f(%x: tensor<1x4x4x2xf32>, %w: tensor<3x3x3x2xf32>, %b: tensor<1xf32>) -> tensor<1x4x4x3xf32> {)") +
                       kZeroPoints + R"(
      %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
      return %y : tensor<1x4x4x3xf32>
    })";
  checkInputs(source, {random({1, 4, 4, 2}), random({3, 3, 3, 2}),
                       random({1})});
}

TEST_F(GradientTest, DepthwiseConv2d) {
  std::string source = std::string(R"(
    func.func @f(%x: tensor<1x5x5x2xf32>, %w: tensor<3x3x2x2xf32>, %b: tensor<4xf32>) -> tensor<1x3x3x4xf32> {)") +
                       kZeroPoints + R"(
      %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x5x5x2xf32>, tensor<3x3x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32>
      return %y : tensor<1x3x3x4xf32>
    })";
  checkInputs(source, {random({1, 5, 5, 2}), random({3, 3, 2, 2}),
                       random({4})});
}

TEST_F(GradientTest, Matmul) {
  std::string source = std::string(R"(
    func.func @f(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {)") +
                       kZeroPoints + R"(
      %y = tosa.matmul %a, %b, %zp, %zp : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x5xf32>
      return %y : tensor<2x3x5xf32>
    })";
  checkInputs(source, {random({2, 3, 4}), random({2, 4, 5})});
}

/// add, sub, mul, maximum and minimum with both operands broadcast.
TEST_F(GradientTest, BroadcastingBinaryOps) {
  for (const char *op : {"add", "sub", "maximum", "minimum", "mul"}) {
    SCOPED_TRACE(op);
    std::string shift = std::string(op) == "mul" ? ", %shift" : "";
    std::string shiftType = std::string(op) == "mul" ? ", tensor<1xi8>" : "";
    std::string source = std::string(R"(
      func.func @f(%a: tensor<2x3x1xf32>, %b: tensor<1x3x4xf32>) -> tensor<2x3x4xf32> {
        %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
        %y = tosa.)") + op + " %a, %b" + shift +
                         " : (tensor<2x3x1xf32>, tensor<1x3x4xf32>" +
                         shiftType + R"() -> tensor<2x3x4xf32>
        return %y : tensor<2x3x4xf32>
      })";
    // Distinct values keep maximum/minimum away from ties.
    checkInputs(source, {distinct({2, 3, 1}), distinct({1, 3, 4}, 0.05f)});
  }
}

TEST_F(GradientTest, ClampAwayFromBounds) {
  const char *source = R"(
    func.func @f(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
      %y = tosa.clamp %x {min_val = -0.5 : f32, max_val = 0.5 : f32} : (tensor<4x8xf32>) -> tensor<4x8xf32>
      return %y : tensor<4x8xf32>
    })";
  Tensor x = random({4, 8});
  for (float &v : x.f32())
    if (std::fabs(std::fabs(v) - 0.5f) < 0.05f)
      v += v > 0 ? 0.1f : -0.1f;
  checkInputs(source, {x});
}

TEST_F(GradientTest, SmoothUnaryOps) {
  for (const char *op : {"exp", "tanh", "sigmoid", "reciprocal"}) {
    SCOPED_TRACE(op);
    std::string source = std::string(R"(
      func.func @f(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
        %y = tosa.)") + op + R"( %x : (tensor<3x4xf32>) -> tensor<3x4xf32>
        return %y : tensor<3x4xf32>
      })";
    // Positive inputs keep the reciprocal away from its pole.
    checkInputs(source, {random({3, 4}, 0.5f, 1.5f)});
  }
}

TEST_F(GradientTest, NegateAndIdentity) {
  const char *source = R"(
    func.func @f(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
      %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
      %n = tosa.negate %x, %zp, %zp : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<3x4xf32>
      %y = tosa.identity %n : (tensor<3x4xf32>) -> tensor<3x4xf32>
      return %y : tensor<3x4xf32>
    })";
  checkInputs(source, {random({3, 4})});
}

TEST_F(GradientTest, MaxPool2d) {
  const char *source = R"(
    func.func @f(%x: tensor<2x5x5x3xf32>) -> tensor<2x3x3x3xf32> {
      %y = tosa.max_pool2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x5x5x3xf32>) -> tensor<2x3x3x3xf32>
      return %y : tensor<2x3x3x3xf32>
    })";
  checkInputs(source, {distinct({2, 5, 5, 3})});
}

TEST_F(GradientTest, AvgPool2dWithPadding) {
  // Border windows divide by fewer than nine elements.
  std::string source = std::string(R"(
    func.func @f(%x: tensor<2x5x5x3xf32>) -> tensor<2x3x3x3xf32> {)") +
                       kZeroPoints + R"(
      %y = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x5x5x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x3xf32>
      return %y : tensor<2x3x3x3xf32>
    })";
  checkInputs(source, {random({2, 5, 5, 3})});
}

TEST_F(GradientTest, ReshapeTransposePadSlice) {
  // The pad value is a constant and gets no gradient.
  const char *source = R"(
    func.func @f(%x: tensor<2x6xf32>) -> tensor<5x1x3xf32> {
      %shape = tosa.const_shape {values = dense<[3, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
      %r = tosa.reshape %x, %shape : (tensor<2x6xf32>, !tosa.shape<2>) -> tensor<3x4xf32>
      %padding = tosa.const_shape {values = dense<[1, 0, 0, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
      %c = "tosa.const"() <{values = dense<3.0> : tensor<1xf32>}> : () -> tensor<1xf32>
      %p = tosa.pad %r, %padding, %c : (tensor<3x4xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<4x6xf32>
      %start = tosa.const_shape {values = dense<[0, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
      %size = tosa.const_shape {values = dense<[3, 5]> : tensor<2xindex>} : () -> !tosa.shape<2>
      %s = tosa.slice %p, %start, %size : (tensor<4x6xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<3x5xf32>
      %shape3 = tosa.const_shape {values = dense<[3, 5, 1]> : tensor<3xindex>} : () -> !tosa.shape<3>
      %s3 = tosa.reshape %s, %shape3 : (tensor<3x5xf32>, !tosa.shape<3>) -> tensor<3x5x1xf32>
      %t = tosa.transpose %s3 {perms = array<i32: 1, 2, 0>} : (tensor<3x5x1xf32>) -> tensor<5x1x3xf32>
      return %t : tensor<5x1x3xf32>
    })";
  checkInputs(source, {random({2, 6})});
}

TEST_F(GradientTest, ConcatSplitsTheGradient) {
  const char *source = R"(
    func.func @f(%a: tensor<2x2x3xf32>, %b: tensor<2x1x3xf32>) -> tensor<2x3x3xf32> {
      %y = tosa.concat %a, %b {axis = 1 : i32} : (tensor<2x2x3xf32>, tensor<2x1x3xf32>) -> tensor<2x3x3xf32>
      return %y : tensor<2x3x3xf32>
    })";
  checkInputs(source, {random({2, 2, 3}), random({2, 1, 3})});
}

TEST_F(GradientTest, Reductions) {
  for (const char *op : {"reduce_sum", "reduce_max"}) {
    SCOPED_TRACE(op);
    std::string source = std::string(R"(
      func.func @f(%x: tensor<2x4x3xf32>) -> tensor<2x1x3xf32> {
        %y = tosa.)") + op + R"( %x {axis = 1 : i32} : (tensor<2x4x3xf32>) -> tensor<2x1x3xf32>
        return %y : tensor<2x1x3xf32>
      })";
    checkInputs(source, {distinct({2, 4, 3})});
  }
}

TEST_F(GradientTest, FanOutAndReturnedInputsAccumulate) {
  // d/dx of sum(s1 * x * x + s2 * x) = 2 * s1 * x + s2: the uses of x add up.
  const char *source = R"(
    func.func @f(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
      %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
      %y = tosa.mul %x, %x, %shift : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
      return %y, %x : tensor<2x3xf32>, tensor<2x3xf32>
    })";
  checkInputs(source, {random({2, 3})});
}

TEST_F(GradientTest, OpWithoutBackwardKernelOnThePathIsNamed) {
  // tosa.sin applied to a constant is off the path and needs no kernel.
  func::FuncOp func = parse(R"(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %c = "tosa.const"() <{values = dense<1.0> : tensor<4xf32>}> : () -> tensor<4xf32>
      %s = tosa.sin %c : (tensor<4xf32>) -> tensor<4xf32>
      %a = tosa.add %x, %s : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      %y = tosa.sin %a : (tensor<4xf32>) -> tensor<4xf32>
      return %y : tensor<4xf32>
    })");
  ASSERT_TRUE(func);
  FailureOr<Program> program = Program::compile(func);
  ASSERT_TRUE(succeeded(program));
  auto grads = program->runBackward({random({4})}, {random({4})});
  ASSERT_FALSE(bool(grads));
  EXPECT_EQ(llvm::toString(grads.takeError()),
            "reverse mode does not support 'tosa.sin'");
  EXPECT_FALSE(hasBackwardKernel("tosa.sin"));
  EXPECT_TRUE(hasBackwardKernel("tosa.conv2d"));

  // Seeds are checked before the reverse walk starts.
  auto bad = program->runBackward({random({4})}, {random({2})});
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "output seed 0: expected float32 [4] for a float32 output, got "
            "float32 [2]");
}

TEST_F(GradientTest, GradientWithRespectToAnIntermediateValue) {
  // y = a * a with a = x + c: dL/da = 2 * a * seed, dL/dx the same.
  func::FuncOp func = parse(R"(
    func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
      %c = "tosa.const"() <{values = dense<1.0> : tensor<3xf32>}> : () -> tensor<3xf32>
      %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
      %a = tosa.add %x, %c : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
      %y = tosa.mul %a, %a, %shift : (tensor<3xf32>, tensor<3xf32>, tensor<1xi8>) -> tensor<3xf32>
      return %y : tensor<3xf32>
    })");
  ASSERT_TRUE(func);
  Value a, c;
  func.walk([&](Operation *op) {
    if (isa<tosa::AddOp>(op))
      a = op->getResult(0);
    if (auto constant = dyn_cast<tosa::ConstOp>(op);
        constant && cast<ShapedType>(constant.getType()).getRank() == 1 &&
        cast<ShapedType>(constant.getType()).getElementType().isF32())
      c = constant.getResult();
  });
  FailureOr<Program> program = Program::compile(func);
  ASSERT_TRUE(succeeded(program));
  Tensor x(DType::F32, {3}), seed(DType::F32, {3});
  x.f32() = {0.5f, -2.0f, 3.0f};
  seed.f32() = {1.0f, 2.0f, -1.0f};
  SmallVector<Tensor> outputs;
  auto grads = program->runBackward({x}, {seed}, {a, c}, &outputs);
  ASSERT_TRUE(bool(grads)) << llvm::toString(grads.takeError());
  std::vector<float> expected = {3.0f, -4.0f, -8.0f};
  EXPECT_EQ(grads->values.lookup(a).f32(), expected);
  EXPECT_EQ(grads->values.lookup(c).f32(), expected);
  EXPECT_EQ(grads->inputs[0].f32(), expected);
  EXPECT_EQ(outputs[0].f32(), (std::vector<float>{2.25f, 1.0f, 16.0f}));
}

/// gradientSquaredNorms gives the squared norm of what runBackward
/// returns, for an op result, a constant read twice, and a convolution's
/// weights, whose norm its kernel computes without the gradient when the
/// output has few positions (4 here, against 32 outputs x 576 inputs).
TEST_F(GradientTest, SquaredNormsMatchTheGradients) {
  func::FuncOp func = parse(R"(
    func.func @f(%x: tensor<1x2x2x64xf32>) -> tensor<1x2x2x32xf32> {
      %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
      %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
      %c = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x64xf32>}> : () -> tensor<1x1x1x64xf32>
      %w = "tosa.const"() <{values = dense<0.0> : tensor<32x3x3x64xf32>}> {weight} : () -> tensor<32x3x3x64xf32>
      %b = "tosa.const"() <{values = dense<0.0> : tensor<32xf32>}> {weight} : () -> tensor<32xf32>
      %a = tosa.add %x, %c : (tensor<1x2x2x64xf32>, tensor<1x1x1x64xf32>) -> tensor<1x2x2x64xf32>
      %m = tosa.mul %a, %c, %shift : (tensor<1x2x2x64xf32>, tensor<1x1x1x64xf32>, tensor<1xi8>) -> tensor<1x2x2x64xf32>
      %y = tosa.conv2d %m, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x2x2x64xf32>, tensor<32x3x3x64xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x32xf32>
      return %y : tensor<1x2x2x32xf32>
    })");
  ASSERT_TRUE(func);
  func.walk([&](tosa::ConstOp op) {
    if (!op->hasAttr("weight"))
      return;
    auto type = cast<ShapedType>(op.getType());
    op.setValuesAttr(
        cast<ElementsAttr>(tensorToAttr(random(type.getShape()), type)));
  });
  SmallVector<Value> wrt;
  func.walk([&](Operation *op) {
    if (isa<tosa::AddOp>(op))
      wrt.push_back(op->getResult(0));
    if (auto constant = dyn_cast<tosa::ConstOp>(op))
      if (cast<ShapedType>(constant.getType()).getRank() == 4)
        wrt.push_back(constant.getResult()); // %c and %w
  });
  ASSERT_EQ(wrt.size(), 3u);
  FailureOr<Program> program = Program::compile(func);
  ASSERT_TRUE(succeeded(program));
  Tensor x = random({1, 2, 2, 64}), seed = random({1, 2, 2, 32});
  auto grads = program->runBackward({x}, {seed}, wrt);
  ASSERT_TRUE(bool(grads)) << llvm::toString(grads.takeError());
  auto norms = program->gradientSquaredNorms({x}, {seed}, wrt);
  ASSERT_TRUE(bool(norms)) << llvm::toString(norms.takeError());
  EXPECT_EQ(norms->size(), wrt.size());
  for (Value value : wrt) {
    double expected = 0.0;
    Tensor grad = grads->values.lookup(value);
    for (float g : grad.f32())
      expected += double(g) * g;
    ASSERT_GT(expected, 0.0);
    EXPECT_NEAR(norms->lookup(value), expected, 1e-5 * expected);
  }
}

/// conv -> batch norm (sub, mul, add with constants) -> ReLU -> max pool ->
/// reshape -> matmul, differentiated with respect to the input and to every
/// weight constant. Constants are perturbed by rewriting their attribute
/// and recompiling; a step of 1e-3 keeps ReLU and pooling kinks out of
/// almost every difference.
TEST_F(GradientTest, ConvBatchNormReluPoolMatmulNetwork) {
  func::FuncOp func = parse(R"(
    func.func @f(%x: tensor<2x6x6x2xf32>) -> tensor<1x2x5xf32> {
      %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
      %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
      %w = "tosa.const"() <{values = dense<0.0> : tensor<4x3x3x2xf32>}> {weight} : () -> tensor<4x3x3x2xf32>
      %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> {weight} : () -> tensor<4xf32>
      %mean = "tosa.const"() <{values = dense<0.0> : tensor<1x1x1x4xf32>}> {weight} : () -> tensor<1x1x1x4xf32>
      %scale = "tosa.const"() <{values = dense<0.0> : tensor<1x1x1x4xf32>}> {weight, positive} : () -> tensor<1x1x1x4xf32>
      %beta = "tosa.const"() <{values = dense<0.0> : tensor<1x1x1x4xf32>}> {weight} : () -> tensor<1x1x1x4xf32>
      %fc = "tosa.const"() <{values = dense<0.0> : tensor<1x36x5xf32>}> {weight} : () -> tensor<1x36x5xf32>
      %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x6x6x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x6x6x4xf32>
      %centred = tosa.sub %c, %mean : (tensor<2x6x6x4xf32>, tensor<1x1x1x4xf32>) -> tensor<2x6x6x4xf32>
      %scaled = tosa.mul %centred, %scale, %shift : (tensor<2x6x6x4xf32>, tensor<1x1x1x4xf32>, tensor<1xi8>) -> tensor<2x6x6x4xf32>
      %bn = tosa.add %scaled, %beta : (tensor<2x6x6x4xf32>, tensor<1x1x1x4xf32>) -> tensor<2x6x6x4xf32>
      %relu = tosa.clamp %bn {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<2x6x6x4xf32>) -> tensor<2x6x6x4xf32>
      %pool = tosa.max_pool2d %relu {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<2x6x6x4xf32>) -> tensor<2x3x3x4xf32>
      %shape = tosa.const_shape {values = dense<[1, 2, 36]> : tensor<3xindex>} : () -> !tosa.shape<3>
      %flat = tosa.reshape %pool, %shape : (tensor<2x3x3x4xf32>, !tosa.shape<3>) -> tensor<1x2x36xf32>
      %y = tosa.matmul %flat, %fc, %zp, %zp : (tensor<1x2x36xf32>, tensor<1x36x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x5xf32>
      return %y : tensor<1x2x5xf32>
    })");
  ASSERT_TRUE(func);
  SmallVector<tosa::ConstOp> weights;
  func.walk([&](tosa::ConstOp op) {
    if (!op->hasAttr("weight"))
      return;
    auto type = cast<ShapedType>(op.getType());
    Tensor t = op->hasAttr("positive") ? random(type.getShape(), 0.5f, 1.5f)
                                       : random(type.getShape());
    op.setValuesAttr(cast<ElementsAttr>(tensorToAttr(t, type)));
    weights.push_back(op);
  });
  SmallVector<Value> wrt;
  for (tosa::ConstOp op : weights)
    wrt.push_back(op.getResult());

  constexpr double step = 1e-3;
  auto compile = [&] {
    FailureOr<Program> program = Program::compile(func);
    EXPECT_TRUE(succeeded(program));
    return std::move(*program);
  };
  Program program = compile();
  SmallVector<Tensor> inputs = {random({2, 6, 6, 2})};
  SmallVector<Tensor> seeds = seedsFor(program, inputs);
  auto grads = program.runBackward(inputs, seeds, wrt);
  ASSERT_TRUE(bool(grads)) << llvm::toString(grads.takeError());

  // Input: every element.
  {
    std::vector<double> analytic, numeric;
    Tensor &x = inputs[0];
    for (int64_t e = 0; e < x.size(); ++e) {
      float saved = x.f32()[e];
      x.f32()[e] = saved + float(step);
      double plus = loss(program, inputs, seeds);
      x.f32()[e] = saved - float(step);
      double minus = loss(program, inputs, seeds);
      x.f32()[e] = saved;
      numeric.push_back((plus - minus) / (2 * step));
      analytic.push_back(grads->inputs[0].f32()[e]);
    }
    EXPECT_LT(compare(analytic, numeric), kTolerance) << "input";
  }
  // Weights: up to 16 random elements of each constant.
  for (tosa::ConstOp op : weights) {
    auto type = cast<ShapedType>(op.getType());
    Tensor original = *tensorFromAttr(op.getValuesAttr());
    const Tensor &grad = grads->values.lookup(op.getResult());
    ASSERT_EQ(grad.shape(), original.shape());
    std::vector<double> analytic, numeric;
    std::uniform_int_distribution<int64_t> pick(0, original.size() - 1);
    for (int i = 0; i < std::min<int64_t>(16, original.size()); ++i) {
      int64_t e = original.size() <= 16 ? i : pick(rng);
      double sides[2];
      for (int side = 0; side < 2; ++side) {
        Tensor t = original;
        t.f32()[e] += float(side ? -step : step);
        op.setValuesAttr(cast<ElementsAttr>(tensorToAttr(t, type)));
        sides[side] = loss(compile(), inputs, seeds);
      }
      op.setValuesAttr(cast<ElementsAttr>(tensorToAttr(original, type)));
      numeric.push_back((sides[0] - sides[1]) / (2 * step));
      analytic.push_back(grad.f32()[e]);
    }
    EXPECT_LT(compare(analytic, numeric), kTolerance)
        << "constant " << shapeToString(type.getShape());
  }
}

/// Not a correctness test: prints what a backward pass costs relative to
/// the forward pass on a ResNet-20-sized convolution (batch 8, 32x32x16,
/// 3x3x16x16 weights). Run with --gtest_also_run_disabled_tests.
TEST_F(GradientTest, DISABLED_ResNet20ConvBackwardCost) {
  func::FuncOp func = parse(R"(
    func.func @f(%x: tensor<8x32x32x16xf32>) -> tensor<8x32x32x16xf32> {
      %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
      %w = "tosa.const"() <{values = dense<0.01> : tensor<16x3x3x16xf32>}> : () -> tensor<16x3x3x16xf32>
      %b = "tosa.const"() <{values = dense<0.0> : tensor<16xf32>}> : () -> tensor<16xf32>
      %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<8x32x32x16xf32>, tensor<16x3x3x16xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x32x32x16xf32>
      return %y : tensor<8x32x32x16xf32>
    })");
  ASSERT_TRUE(func);
  FailureOr<Program> program = Program::compile(func);
  ASSERT_TRUE(succeeded(program));
  SmallVector<Tensor> inputs = {random({8, 32, 32, 16})};
  SmallVector<Tensor> seeds = {random({8, 32, 32, 16})};
  Value w;
  func.walk([&](tosa::ConstOp op) {
    if (cast<ShapedType>(op.getType()).getRank() == 4)
      w = op.getResult();
  });
  using Clock = std::chrono::steady_clock;
  auto time = [](auto f) {
    constexpr int repeats = 10;
    (void)f();
    auto start = Clock::now();
    for (int i = 0; i < repeats; ++i)
      (void)f();
    return std::chrono::duration<double, std::milli>(Clock::now() - start)
               .count() /
           repeats;
  };
  double forward = time([&] { return bool(program->run(inputs)); });
  double backward =
      time([&] { return bool(program->runBackward(inputs, seeds, {w})); });
  printf("forward %.2f ms, forward + backward %.2f ms (%.2fx)\n", forward,
         backward, backward / forward);
}

} // namespace
