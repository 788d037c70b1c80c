//===- EvaluatorTest.cpp - Reference evaluator API and qint semantics -----===//
//
// The Program API (compile errors, input checks, observers, kernel caches)
// and hand-computed results of qint kernels: what the dialect's op
// descriptions promise.
//
//===----------------------------------------------------------------------===//

#include "compress/Evaluator/Evaluator.h"
#include "compress/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace compress;

namespace {

class EvaluatorTest : public ::testing::Test {
protected:
  EvaluatorTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  func::FuncOp parse(const char *source) {
    module = parseSourceString<ModuleOp>(source, &context);
    if (!module)
      return nullptr;
    return *module->getOps<func::FuncOp>().begin();
  }

  /// Runs the only function of `source` on `inputs`.
  SmallVector<Tensor> run(const char *source, ArrayRef<Tensor> inputs) {
    func::FuncOp func = parse(source);
    EXPECT_TRUE(func);
    FailureOr<Program> program = Program::compile(func);
    EXPECT_TRUE(succeeded(program));
    auto results = program->run(inputs);
    EXPECT_TRUE(bool(results)) << llvm::toString(results.takeError());
    return *results;
  }

  static Tensor ints(DType dtype, ArrayRef<int64_t> shape,
                     ArrayRef<int64_t> values) {
    Tensor t(dtype, shape);
    std::copy(values.begin(), values.end(), t.ints().begin());
    return t;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(EvaluatorTest, UnsupportedOpIsNamed) {
  func::FuncOp func = parse(R"(
    func.func @f(%x: tensor<1x8x8xf32>) -> tensor<1x8x8xf32> {
      %re, %im = tosa.fft2d %x, %x {inverse = false} : (tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<1x8x8xf32>, tensor<1x8x8xf32>)
      return %re : tensor<1x8x8xf32>
    })");
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(Program::compile(func)));
  EXPECT_EQ(message, "reference evaluator does not support 'tosa.fft2d'");
}

TEST_F(EvaluatorTest, InputMismatchIsAnError) {
  func::FuncOp func = parse(R"(
    func.func @f(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
      return %x : tensor<1x4xf32>
    })");
  FailureOr<Program> program = Program::compile(func);
  ASSERT_TRUE(succeeded(program));
  auto result = program->run({Tensor(DType::F64, {1, 4})});
  ASSERT_FALSE(bool(result));
  EXPECT_EQ(llvm::toString(result.takeError()),
            "input 0: expected float32 [1, 4], got float64 [1, 4]");
}

TEST_F(EvaluatorTest, ObserverSeesEveryValue) {
  func::FuncOp func = parse(R"(
    func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
      %c = "tosa.const"() <{values = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
      %a = tosa.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      %b = tosa.add %a, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      return %b : tensor<2xf32>
    })");
  FailureOr<Program> program = Program::compile(func);
  ASSERT_TRUE(succeeded(program));
  Tensor x(DType::F32, {2});
  x.f32() = {10.0f, 20.0f};
  std::vector<float> seen;
  auto result = program->run({x}, [&](Value, const Tensor &t) {
    seen.push_back(t.f32()[1]);
  });
  ASSERT_TRUE(bool(result));
  EXPECT_EQ(seen, (std::vector<float>{2.0f, 22.0f, 44.0f}));
  EXPECT_EQ((*result)[0].f32(), (std::vector<float>{22.0f, 44.0f}));
}

TEST_F(EvaluatorTest, ConstantWeightsAreCachedAcrossRuns) {
  // The second run reuses the packed weights; results must not change.
  const char *source = R"(
    func.func @f(%x: tensor<1x3x3x2xf32>) -> tensor<1x1x1x2xf32> {
      %w = "tosa.const"() <{values = dense<0.5> : tensor<2x3x3x2xf32>}> : () -> tensor<2x3x3x2xf32>
      %b = "tosa.const"() <{values = dense<[1.0, -1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
      %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
      %y = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
      return %y : tensor<1x1x1x2xf32>
    })";
  func::FuncOp func = parse(source);
  FailureOr<Program> program = Program::compile(func);
  ASSERT_TRUE(succeeded(program));
  Tensor x(DType::F32, {1, 3, 3, 2});
  std::fill(x.f32().begin(), x.f32().end(), 2.0f);
  for (int run = 0; run < 2; ++run) {
    auto result = program->run({x});
    ASSERT_TRUE(bool(result));
    EXPECT_EQ((*result)[0].f32(), (std::vector<float>{19.0f, 17.0f}));
  }
}

TEST_F(EvaluatorTest, BatchRunMatchesRunsOneSampleAtATime) {
  // A stride-2 convolution, a clamp (run per sample) and a matrix product
  // with constant weights (both stacked); then an integer convolution with
  // zero points. Integer results must be equal, float ones equal to the
  // last bits the BLAS may change.
  const char *source = R"(
    func.func @f(%x: tensor<1x5x5x3xf32>, %q: tensor<1x4x4x2xi8>) -> (tensor<1x9x4xf32>, tensor<1x3x3x3xi32>) {
      %w = "tosa.const"() <{values = dense<[[[[0.5, -1.0, 0.25], [2.0, 0.0, -0.5]], [[1.5, 1.0, -2.0], [0.75, -0.25, 1.0]]], [[[-0.5, 1.0, 2.0], [0.25, 0.5, -1.5]], [[1.0, -2.0, 0.5], [-0.75, 0.25, 1.0]]]]> : tensor<2x2x2x3xf32>}> : () -> tensor<2x2x2x3xf32>
      %b = "tosa.const"() <{values = dense<[0.5, -0.5]> : tensor<2xf32>}> : () -> tensor<2xf32>
      %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
      %c = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x5x5x3xf32>, tensor<2x2x2x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
      %r = tosa.clamp %c {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
      %s = "tosa.const_shape"() <{values = dense<[1, 9, 2]> : tensor<3xindex>}> : () -> !tosa.shape<3>
      %f = tosa.reshape %r, %s : (tensor<1x3x3x2xf32>, !tosa.shape<3>) -> tensor<1x9x2xf32>
      %m = "tosa.const"() <{values = dense<[[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 0.0, 2.0]]]> : tensor<1x2x4xf32>}> : () -> tensor<1x2x4xf32>
      %y = tosa.matmul %f, %m, %z, %z : (tensor<1x9x2xf32>, tensor<1x2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x9x4xf32>
      %qw = "tosa.const"() <{values = dense<[[[[1, -2], [3, 4]], [[-5, 6], [7, -8]]], [[[9, 10], [-11, 12]], [[13, -14], [15, 16]]], [[[-17, 18], [19, 20]], [[21, 22], [-23, 24]]]]> : tensor<3x2x2x2xi8>}> : () -> tensor<3x2x2x2xi8>
      %qb = "tosa.const"() <{values = dense<[100, -100, 7]> : tensor<3xi32>}> : () -> tensor<3xi32>
      %xzp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
      %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
      %qy = tosa.conv2d %q, %qw, %qb, %xzp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<3x2x2x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x3xi32>
      return %y, %qy : tensor<1x9x4xf32>, tensor<1x3x3x3xi32>
    })";
  func::FuncOp func = parse(source);
  ASSERT_TRUE(func);
  FailureOr<Program> program = Program::compile(func);
  ASSERT_TRUE(succeeded(program));
  std::vector<SmallVector<Tensor>> samples;
  for (int sample = 0; sample < 3; ++sample) {
    Tensor x(DType::F32, {1, 5, 5, 3}), q(DType::I8, {1, 4, 4, 2});
    for (int64_t i = 0; i < x.size(); ++i)
      x.f32()[i] = float((i * 7 + sample * 13) % 11) * 0.25f - 1.0f;
    for (int64_t i = 0; i < q.size(); ++i)
      q.ints()[i] = (i * 37 + sample * 91) % 256 - 128;
    samples.push_back({x, q});
  }
  // Every value's samples are reported one after another, in order.
  std::vector<std::pair<Value, unsigned>> seen;
  auto batch = program->runBatch(
      samples, [&](unsigned sample, Value value, const Tensor &) {
        seen.push_back({value, sample});
      });
  ASSERT_TRUE(bool(batch)) << llvm::toString(batch.takeError());
  ASSERT_EQ(batch->size(), samples.size());
  ASSERT_EQ(seen.size() % 3, 0u);
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].second, i % 3);
    EXPECT_EQ(seen[i].first, seen[i - i % 3].first);
  }
  for (auto [sample, inputs] : llvm::enumerate(samples)) {
    auto single = program->run(inputs);
    ASSERT_TRUE(bool(single));
    const SmallVector<Tensor> &outputs = (*batch)[sample];
    ASSERT_EQ(outputs.size(), 2u);
    EXPECT_EQ(outputs[0].shape(), (*single)[0].shape());
    for (int64_t i = 0; i < outputs[0].size(); ++i)
      EXPECT_NEAR(outputs[0].f32()[i], (*single)[0].f32()[i], 1e-5)
          << "sample " << sample << " element " << i;
    EXPECT_EQ(outputs[1].shape(), (*single)[1].shape());
    EXPECT_EQ(outputs[1].ints(), (*single)[1].ints()) << "sample " << sample;
  }
}

TEST_F(EvaluatorTest, BatchRunNamesTheSampleAtFault) {
  func::FuncOp func = parse(R"(
    func.func @f(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
      return %x : tensor<1x4xf32>
    })");
  FailureOr<Program> program = Program::compile(func);
  ASSERT_TRUE(succeeded(program));
  std::vector<SmallVector<Tensor>> samples = {{Tensor(DType::F32, {1, 4})},
                                              {Tensor(DType::F32, {1, 5})}};
  int64_t failed = -2;
  auto result = program->runBatch(samples, std::nullopt, &failed);
  ASSERT_FALSE(bool(result));
  EXPECT_EQ(llvm::toString(result.takeError()),
            "input 0: expected float32 [1, 4], got float32 [1, 5]");
  EXPECT_EQ(failed, 1);
}

TEST_F(EvaluatorTest, LongIntegerReductionsAreExact) {
  // 1101 products of 255 * 127: 35655885, odd and above 2^24, so one float
  // sum would round it; the BLAS path sums pieces exact in float.
  Tensor x(DType::I8, {1, 1, 1, 1101});
  std::fill(x.ints().begin(), x.ints().end(), 127);
  auto result = run(R"(
    func.func @f(%x: tensor<1x1x1x1101xi8>) -> tensor<1x1x1x1xi32> {
      %w = "tosa.const"() <{values = dense<127> : tensor<1x1x1x1101xi8>}> : () -> tensor<1x1x1x1101xi8>
      %b = "tosa.const"() <{values = dense<7> : tensor<1xi32>}> : () -> tensor<1xi32>
      %xzp = "tosa.const"() <{values = dense<-128> : tensor<1xi8>}> : () -> tensor<1xi8>
      %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
      %y = tosa.conv2d %x, %w, %b, %xzp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x1101xi8>, tensor<1x1x1x1101xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x1x1x1xi32>
      return %y : tensor<1x1x1x1xi32>
    })",
                    {x});
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].ints(), (std::vector<int64_t>{1101 * 255 * 127 + 7}));
}

TEST_F(EvaluatorTest, QIntConvWrapsInItsAccumulatorType) {
  // 18 products of (100 - (-28)) * 127 = 16256 each: 292608, which an i16
  // accumulator holds modulo 2^16 as 292608 - 5 * 65536 = -35072 -> wraps
  // to 30464. An i32 accumulator holds it exactly; the bias adds 5.
  const char *source = R"(
    func.func @f(%x: tensor<1x3x3x2xi8>) -> (tensor<1x1x1x1xi16>, tensor<1x1x1x1xi32>) {
      %w = qint.weights {bits = 8 : i64, scales = array<f32: 1.0>, values = dense<127> : tensor<1x3x3x2xi8>} : tensor<1x3x3x2xi8>
      %b16 = arith.constant dense<5> : tensor<1xi16>
      %b32 = arith.constant dense<5> : tensor<1xi32>
      %a = qint.conv2d %x, %w, %b16 {input_zp = -28 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x2xi8>, tensor<1x3x3x2xi8>, tensor<1xi16>) -> tensor<1x1x1x1xi16>
      %c = qint.conv2d %x, %w, %b32 {input_zp = -28 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x2xi8>, tensor<1x3x3x2xi8>, tensor<1xi32>) -> tensor<1x1x1x1xi32>
      return %a, %c : tensor<1x1x1x1xi16>, tensor<1x1x1x1xi32>
    })";
  Tensor x = ints(DType::I8, {1, 3, 3, 2}, SmallVector<int64_t>(18, 100));
  auto results = run(source, {x});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].ints()[0], 30464 + 5);
  EXPECT_EQ(results[1].ints()[0], 292608 + 5);
}

TEST_F(EvaluatorTest, QIntConvPaddingContributesZero) {
  // Padded positions read as the zero point and contribute nothing: a 3x3
  // window of ones over a 2x2 image padded by one covers all four pixels
  // at every position.
  const char *source = R"(
    func.func @f(%x: tensor<1x2x2x1xi8>) -> tensor<1x2x2x1xi32> {
      %w = qint.weights {bits = 2 : i64, scales = array<f32: 1.0>, values = dense<1> : tensor<1x3x3x1xi8>} : tensor<1x3x3x1xi8>
      %y = qint.conv2d %x, %w {input_zp = 10 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x1xi8>, tensor<1x3x3x1xi8>) -> tensor<1x2x2x1xi32>
      return %y : tensor<1x2x2x1xi32>
    })";
  auto results = run(source, {ints(DType::I8, {1, 2, 2, 1}, {11, 12, 13, 14})});
  // (11 - 10) + (12 - 10) + (13 - 10) + (14 - 10) = 10.
  EXPECT_EQ(results[0].ints(), (std::vector<int64_t>{10, 10, 10, 10}));
}

TEST_F(EvaluatorTest, QuantizeRoundsHalfToEvenAndClamps) {
  // x * (1 / 0.5) is exact here, so the ties are real ties.
  const char *source = R"(
    func.func @f(%x: tensor<8xf32>) -> tensor<8xi8> {
      %q = qint.quantize %x {scale = 0.5 : f64, zero_point = -3 : i64, qmin = -8 : i64, qmax = 7 : i64} : tensor<8xf32> -> tensor<8xi8>
      return %q : tensor<8xi8>
    })";
  Tensor x(DType::F32, {8});
  // x / 0.5 = 0.5, 1.5, 2.5, -0.5, -1.5, 100, -100, NaN
  x.f32() = {0.25f, 0.75f, 1.25f, -0.25f, -0.75f, 50.0f, -50.0f, NAN};
  auto results = run(source, {x});
  // NaN converts to INT32_MAX before the clamp, so it lands on qmax.
  EXPECT_EQ(results[0].ints(),
            (std::vector<int64_t>{-3, -1, -1, -3, -5, 7, -8, 7}));
}

TEST_F(EvaluatorTest, RequantizeAndAddFollowTosaRescale) {
  // multiplier 2^30, shift 31: x / 2 with ties rounded up (single round);
  // per channel, the second channel uses shift 32: x / 4.
  const char *source = R"(
    func.func @f(%x: tensor<1x2xi32>, %y: tensor<1x2xi8>) -> (tensor<1x2xi8>, tensor<1x2xi8>) {
      %r = qint.requantize %x {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i8: 31, 32>, output_zp = 1 : i64, rounding = #qint.rounding<single_round>, clamp_min = -128 : i64, clamp_max = 100 : i64} : tensor<1x2xi32> -> tensor<1x2xi8>
      %a = qint.add %r, %y {lhs_zp = 1 : i64, rhs_zp = 0 : i64, lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8, rhs_multiplier = 1073741824 : i32, rhs_shift = 11 : i8, output_multiplier = 1073741824 : i32, output_shift = 50 : i8, output_zp = -2 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64} : (tensor<1x2xi8>, tensor<1x2xi8>) -> tensor<1x2xi8>
      return %r, %a : tensor<1x2xi8>, tensor<1x2xi8>
    })";
  Tensor x = ints(DType::I32, {1, 2}, {-7, 1000});
  Tensor y = ints(DType::I8, {1, 2}, {-64, 64});
  auto results = run(source, {x, y});
  // -7 / 2 = -3.5 rounds up to -3, plus the zero point 1: -2.
  // 1000 / 4 = 250, plus 1: 251, clamped to 100.
  EXPECT_EQ(results[0].ints(), (std::vector<int64_t>{-2, 100}));
  // lhs: (r - 1) * 2^30 >> 10 = (r - 1) * 2^20; rhs: y * 2^19.
  // sum * 2^30 >> 50 = sum / 2^20 = (r - 1) + y / 2, then -2.
  // (-3) + (-32) - 2 = -37; 99 + 32 - 2 = 129 -> clamped to 127.
  EXPECT_EQ(results[1].ints(), (std::vector<int64_t>{-37, 127}));
}

TEST_F(EvaluatorTest, ConstantFoldingEvaluatesOneOp) {
  func::FuncOp func = parse(R"(
    func.func @f() -> tensor<2xf32> {
      %a = "tosa.const"() <{values = dense<[4.0, 16.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
      %r = tosa.rsqrt %a : (tensor<2xf32>) -> tensor<2xf32>
      return %r : tensor<2xf32>
    })");
  Operation *rsqrt = &*std::next(func.getBody().front().begin());
  Tensor a(DType::F32, {2});
  a.f32() = {4.0f, 16.0f};
  auto results = evaluateOp(rsqrt, {a});
  ASSERT_TRUE(succeeded(results));
  EXPECT_EQ((*results)[0].f32(), (std::vector<float>{0.5f, 0.25f}));
}

} // namespace
