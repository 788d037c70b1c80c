//===- SensitivityTest.cpp - Fisher and Hutchinson Hessian traces ---------===//
//
// The estimators of compress/Analysis/Sensitivity.h on graphs whose traces
// are known in closed form. For logits z and p = softmax(z), the
// Gauss-Newton matrix of a tensor t is J^T (diag(p) - p p^T) J with
// J = dz/dt; for a matmul z = x W its trace is
// ||x||^2 * sum_k p_k (1 - p_k), and with orthonormal columns of W the
// trace for x is sum_k p_k (1 - p_k). The Fisher estimate of one sample,
// ||J^T (e_y - p)||^2 for a label y drawn from p, has that expectation; it
// equals it exactly when ||e_y - p|| is the same for every y, as when all
// logits are equal. Hutchinson's probes converge to the same traces.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/Sensitivity.h"
#include "compress/Support/Progress.h"
#include "compress/Support/Samples.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace mlir;
using namespace compress;

namespace {

/// The graph of test/Transforms/compress-sensitivity.mlir: a convolution
/// maps x of [1, 1, 1, 2] to h = [x0, x1, 0]; the matmul's two weight
/// columns differ by d = [0, 0, -1], orthogonal to every h, so both logits
/// are equal and p = [1/2, 1/2]. Whatever label is drawn, e_y - p is
/// +-[1/2, -1/2], which makes the Fisher estimate exact: the matmul's
/// weight trace is ||h||^2 / 2 / 6, the convolution's ||x||^2 / 4 / 6, the
/// matmul input's ||M (e_y - p)||^2 / 3 = 1/12, the convolution input's 0.
constexpr const char *kEqualLogits = R"mlir(
func.func @main(%x: tensor<1x1x1x2xf32>) -> tensor<1x2xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<[[[[1.0, 0.0]]], [[[0.0, 1.0]]], [[[0.0, 0.0]]]]> : tensor<3x1x1x2xf32>}> : () -> tensor<3x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<3xf32>}> : () -> tensor<3xf32>
  %c = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x3xf32>
  %s3 = tosa.const_shape {values = dense<[1, 1, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %h = tosa.reshape %c, %s3 : (tensor<1x1x1x3xf32>, !tosa.shape<3>) -> tensor<1x1x3xf32>
  %m = "tosa.const"() <{values = dense<[[[0.5, 0.5], [-1.0, -1.0], [2.0, 3.0]]]> : tensor<1x3x2xf32>}> : () -> tensor<1x3x2xf32>
  %l = tosa.matmul %h, %m, %z, %z : (tensor<1x1x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %l, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  return %r : tensor<1x2xf32>
}
)mlir";

/// A matmul z = x W with W = [e_0, e_1] (orthonormal columns): for
/// x = [1, 1/2, 2], z = [1, 1/2]. The Gauss-Newton traces are
/// ||x||^2 * 2 p0 p1 / 6 for W and 2 p0 p1 / 3 for x; the Fisher estimate
/// of one sample is ||x||^2 * 2 p1^2 / 6 for label 0 and
/// ||x||^2 * 2 p0^2 / 6 for label 1.
constexpr const char *kUnequalLogits = R"mlir(
func.func @main(%x: tensor<1x1x3xf32>) -> tensor<1x2xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<[[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]]> : tensor<1x3x2xf32>}> : () -> tensor<1x3x2xf32>
  %l = tosa.matmul %x, %w, %z, %z : (tensor<1x1x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %l, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  return %r : tensor<1x2xf32>
}
)mlir";

/// Logits shaped [2, 2]: not one row of class scores.
constexpr const char *kSquareResult = R"mlir(
func.func @main(%x: tensor<1x4xf32>) -> tensor<2x2xf32> {
  %s = tosa.const_shape {values = dense<[2, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %x, %s : (tensor<1x4xf32>, !tosa.shape<2>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}
)mlir";

/// Two results.
constexpr const char *kTwoResults = R"mlir(
func.func @main(%x: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  return %x, %x : tensor<1x4xf32>, tensor<1x4xf32>
}
)mlir";

/// The logits pass through tosa.abs, which has no reverse-mode kernel.
constexpr const char *kNoReverseKernel = R"mlir(
func.func @main(%x: tensor<1x1x3xf32>) -> tensor<1x2xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<[[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]]> : tensor<1x3x2xf32>}> : () -> tensor<1x3x2xf32>
  %l = tosa.matmul %x, %w, %z, %z : (tensor<1x1x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %l, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  %a = tosa.abs %r : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %a : tensor<1x2xf32>
}
)mlir";

/// The samples of compress-sensitivity.mlir: x = [1, 2] and [3, -1].
Tensor equalLogitsData() {
  Tensor data(DType::F32, {2, 1, 1, 2});
  data.f32() = {1, 2, 3, -1};
  return data;
}

/// `count` copies of x = [1, 1/2, 2].
Tensor unequalLogitsData(int64_t count) {
  Tensor data(DType::F32, {count, 1, 3});
  for (int64_t i = 0; i < count; ++i)
    llvm::copy(llvm::ArrayRef<float>{1.0f, 0.5f, 2.0f},
               data.f32().begin() + 3 * i);
  return data;
}

/// p0 of kUnequalLogits: softmax([1, 1/2])[0].
double unequalP0() { return 1.0 / (1.0 + std::exp(-0.5)); }

/// Records the progress of every task, in order with the diagnostics.
class RecordingReporter : public ProgressReporter {
public:
  explicit RecordingReporter(std::vector<std::string> &log) : log(log) {}
  void update(llvm::StringRef label, int64_t done, int64_t total) override {
    last = {done, total};
  }
  void finish(llvm::StringRef label, int64_t done, int64_t total) override {
    log.push_back(
        ("finish " + label + " " + llvm::Twine(done) + "/" + llvm::Twine(total))
            .str());
  }
  std::pair<int64_t, int64_t> last;

private:
  std::vector<std::string> &log;
};

class SensitivityTest : public ::testing::Test {
protected:
  SensitivityTest()
      : handler(&context, [this](Diagnostic &diag) {
          log.push_back("error: " + diag.str());
          return success();
        }) {
    context.loadDialect<func::FuncDialect, tosa::TosaDialect>();
  }

  /// Parses `source` and returns its only function.
  func::FuncOp parse(const char *source) {
    module = parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module);
    return *module->getOps<func::FuncOp>().begin();
  }

  /// The samples `data` fed to `func`, the first `count` of them (0: all).
  static SampleSet samplesFor(func::FuncOp func, Tensor data,
                              int64_t count = 0) {
    SampleSet set;
    SmallVector<TensorSpec> arguments;
    llvm::cantFail(getSignature(func, arguments, set.results));
    set.argument = arguments.front();
    set.count = count ? count : data.shape().front();
    set.data = std::move(data);
    return set;
  }

  /// The diagnostics reported, each prefixed by "error: ".
  std::vector<std::string> log;
  MLIRContext context;
  ScopedDiagnosticHandler handler;
  OwningOpRef<ModuleOp> module;
};

/// Tolerance of values computed exactly, up to rounding.
constexpr double kExact = 1e-12;
/// Relative tolerance of an average over 1000 samples or rounds of probes:
/// a few standard deviations of the estimates on these graphs.
constexpr double kProbed = 0.05;

TEST_F(SensitivityTest, FisherIsExactWhenEveryLabelWeighsTheSame) {
  func::FuncOp func = parse(kEqualLogits);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  ASSERT_EQ(layers.size(), 2u);
  SampleSet samples = samplesFor(func, equalLogitsData());
  // Every seed draws other labels, but they all give the same estimate.
  for (int64_t seed : {0, 7, 123456789}) {
    SensitivityOptions options;
    options.seed = seed;
    FailureOr<SensitivityEstimate> estimate =
        computeFisherTraces(func, layers, samples, "samples", options);
    ASSERT_TRUE(succeeded(estimate));
    EXPECT_EQ(estimate->numSamples, 2);
    ASSERT_EQ(estimate->traces.size(), 2u);
    // conv2d_0: (5/4 + 10/4) / 2 / 6; matmul_0: (5/2 + 10/2) / 2 / 6.
    EXPECT_NEAR(estimate->traces[0].weights, 0.3125, kExact);
    EXPECT_NEAR(estimate->traces[0].activations, 0.0, kExact);
    EXPECT_NEAR(estimate->traces[1].weights, 0.625, kExact);
    EXPECT_NEAR(estimate->traces[1].activations, 1.0 / 12, kExact);
  }
  EXPECT_TRUE(log.empty());

  // The first sample alone, x = [1, 2]: 5/4 / 6 and 5/2 / 6.
  FailureOr<SensitivityEstimate> one = computeFisherTraces(
      func, layers, samplesFor(func, equalLogitsData(), 1), "samples", {});
  ASSERT_TRUE(succeeded(one));
  EXPECT_EQ(one->numSamples, 1);
  EXPECT_NEAR(one->traces[0].weights, 5.0 / 24, kExact);
  EXPECT_NEAR(one->traces[1].weights, 5.0 / 12, kExact);
}

TEST_F(SensitivityTest, FisherDrawsLabelsFromTheModel) {
  func::FuncOp func = parse(kUnequalLogits);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  ASSERT_EQ(layers.size(), 1u);
  double p0 = unequalP0(), p1 = 1 - p0;
  double labelZero = 5.25 * 2 * p1 * p1 / 6;
  double labelOne = 5.25 * 2 * p0 * p0 / 6;
  // With one sample each seed draws one label; label 0 comes up about as
  // often as p0 says.
  SampleSet one = samplesFor(func, unequalLogitsData(1));
  int64_t zeros = 0, numSeeds = 2000;
  for (int64_t seed = 0; seed < numSeeds; ++seed) {
    SensitivityOptions options;
    options.seed = seed;
    FailureOr<SensitivityEstimate> estimate =
        computeFisherTraces(func, layers, one, "samples", options);
    ASSERT_TRUE(succeeded(estimate));
    double trace = estimate->traces[0].weights;
    bool isZero = std::abs(trace - labelZero) < 1e-6;
    EXPECT_TRUE(isZero || std::abs(trace - labelOne) < 1e-6) << trace;
    zeros += isZero;
  }
  EXPECT_NEAR(double(zeros) / double(numSeeds), p0, 0.04);
}

TEST_F(SensitivityTest, FisherConvergesToTheGaussNewtonTrace) {
  func::FuncOp func = parse(kUnequalLogits);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  double p0 = unequalP0(), p1 = 1 - p0;
  FailureOr<SensitivityEstimate> estimate = computeFisherTraces(
      func, layers, samplesFor(func, unequalLogitsData(1000)), "samples", {});
  ASSERT_TRUE(succeeded(estimate));
  EXPECT_EQ(estimate->numSamples, 1000);
  double weights = 5.25 * 2 * p0 * p1 / 6, input = 2 * p0 * p1 / 3;
  EXPECT_NEAR(estimate->traces[0].weights, weights, kProbed * weights);
  EXPECT_NEAR(estimate->traces[0].activations, input, kProbed * input);
}

TEST_F(SensitivityTest, FisherSeedMakesResultsReproducible) {
  func::FuncOp func = parse(kUnequalLogits);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  SampleSet samples = samplesFor(func, unequalLogitsData(20));
  auto run = [&](int64_t seed) {
    SensitivityOptions options;
    options.seed = seed;
    FailureOr<SensitivityEstimate> estimate =
        computeFisherTraces(func, layers, samples, "samples", options);
    EXPECT_TRUE(succeeded(estimate));
    return estimate->traces[0].weights;
  };
  EXPECT_EQ(run(3), run(3));
  EXPECT_NE(run(3), run(4));
}

TEST_F(SensitivityTest, HutchinsonConvergesToTheExactTraces) {
  func::FuncOp func = parse(kEqualLogits);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  SensitivityOptions options;
  options.probes = 1000;
  options.tolerance = 0;
  FailureOr<SensitivityEstimate> estimate = computeHutchinsonTraces(
      func, layers, samplesFor(func, equalLogitsData()), "samples", options);
  ASSERT_TRUE(succeeded(estimate));
  // Every round probes each sample once.
  EXPECT_EQ(estimate->numSamples, 2000);
  EXPECT_NEAR(estimate->traces[0].weights, 0.3125, kProbed * 0.3125);
  EXPECT_NEAR(estimate->traces[0].activations, 0.0, 1e-6);
  EXPECT_NEAR(estimate->traces[1].weights, 0.625, kProbed * 0.625);
  EXPECT_NEAR(estimate->traces[1].activations, 1.0 / 12, kProbed / 12);

  // With unequal logits it still finds the Gauss-Newton traces, which
  // Fisher only reaches on average.
  func = parse(kUnequalLogits);
  layers = collectWeightLayers(func);
  estimate = computeHutchinsonTraces(
      func, layers, samplesFor(func, unequalLogitsData(1)), "samples", options);
  ASSERT_TRUE(succeeded(estimate));
  double p0 = unequalP0(), p1 = 1 - p0;
  double weights = 5.25 * 2 * p0 * p1 / 6, input = 2 * p0 * p1 / 3;
  EXPECT_NEAR(estimate->traces[0].weights, weights, kProbed * weights);
  EXPECT_NEAR(estimate->traces[0].activations, input, kProbed * input);
}

TEST_F(SensitivityTest, HutchinsonEstimatesTheLayersGiven) {
  func::FuncOp func = parse(kEqualLogits);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  SensitivityOptions options;
  options.probes = 1000;
  options.tolerance = 0;
  FailureOr<SensitivityEstimate> estimate = computeHutchinsonTraces(
      func, {layers[1]}, samplesFor(func, equalLogitsData()), "samples",
      options);
  ASSERT_TRUE(succeeded(estimate));
  ASSERT_EQ(estimate->traces.size(), 1u);
  EXPECT_NEAR(estimate->traces[0].weights, 0.625, kProbed * 0.625);
  EXPECT_NEAR(estimate->traces[0].activations, 1.0 / 12, kProbed / 12);
}

TEST_F(SensitivityTest, HutchinsonSeedMakesResultsReproducible) {
  func::FuncOp func = parse(kEqualLogits);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  SampleSet samples = samplesFor(func, equalLogitsData());
  auto run = [&](int64_t seed) {
    SensitivityOptions options;
    options.seed = seed;
    options.probes = 5;
    options.tolerance = 0;
    FailureOr<SensitivityEstimate> estimate =
        computeHutchinsonTraces(func, layers, samples, "samples", options);
    EXPECT_TRUE(succeeded(estimate));
    return std::make_pair(estimate->traces[0].weights,
                          estimate->traces[1].weights);
  };
  EXPECT_EQ(run(11), run(11));
  EXPECT_NE(run(11), run(12));
}

TEST_F(SensitivityTest, HutchinsonStopsOnceTheMeansSettle) {
  func::FuncOp func = parse(kEqualLogits);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  SensitivityOptions options;
  options.probes = 1000;
  options.tolerance = 0.01;
  FailureOr<SensitivityEstimate> estimate = computeHutchinsonTraces(
      func, layers, samplesFor(func, equalLogitsData()), "samples", options);
  ASSERT_TRUE(succeeded(estimate));
  // Whole rounds, at least two (the first has nothing to compare with),
  // and far fewer than allowed.
  EXPECT_EQ(estimate->numSamples % 2, 0);
  EXPECT_GE(estimate->numSamples, 4);
  EXPECT_LT(estimate->numSamples, 2000);
}

TEST_F(SensitivityTest, NonFiniteLogitsFailTheSample) {
  func::FuncOp func = parse(kEqualLogits);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  Tensor data = equalLogitsData();
  data.f32()[2] = std::nanf("");
  SampleSet samples = samplesFor(func, std::move(data));
  EXPECT_TRUE(
      failed(computeFisherTraces(func, layers, samples, "samples", {})));
  EXPECT_TRUE(
      failed(computeHutchinsonTraces(func, layers, samples, "samples", {})));
  EXPECT_EQ(log, (std::vector<std::string>{
                     "error: sensitivity failed: sample 1: the logits are not "
                     "finite",
                     "error: sensitivity failed: sample 1: the logits are not "
                     "finite"}));
}

TEST_F(SensitivityTest, ResultsMustBeOneRowOfLogits) {
  func::FuncOp func = parse(kSquareResult);
  Tensor data(DType::F32, {1, 4});
  SampleSet samples = samplesFor(func, data);
  EXPECT_TRUE(failed(computeFisherTraces(func, {}, samples, "samples", {})));
  func = parse(kTwoResults);
  samples = samplesFor(func, data);
  EXPECT_TRUE(
      failed(computeHutchinsonTraces(func, {}, samples, "samples", {})));
  EXPECT_EQ(log,
            (std::vector<std::string>{
                "error: the fisher method needs @main to return float32 "
                "logits shaped [1, K] or [K], but it returns float32 [2, 2]",
                "error: the hutchinson method needs @main to return logits "
                "shaped [1, K] or [K], but it returns 2 values"}));
}

TEST_F(SensitivityTest, OnlyFisherNeedsReverseModeKernels) {
  func::FuncOp func = parse(kNoReverseKernel);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  SampleSet samples = samplesFor(func, unequalLogitsData(1));
  EXPECT_TRUE(
      failed(computeFisherTraces(func, layers, samples, "samples", {})));
  EXPECT_EQ(log, (std::vector<std::string>{
                     "error: sensitivity failed: sample 0: reverse mode does "
                     "not support 'tosa.abs'"}));
  // The logits are positive, so abs changes nothing.
  FailureOr<SensitivityEstimate> estimate =
      computeHutchinsonTraces(func, layers, samples, "samples", {});
  ASSERT_TRUE(succeeded(estimate));
  EXPECT_GT(estimate->traces[0].weights, 0.0);
}

TEST_F(SensitivityTest, ProgressEndsBeforeAFailedSampleIsReported) {
  RecordingReporter reporter(log);
  setProgressReporter(&reporter);
  func::FuncOp func = parse(kEqualLogits);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  EXPECT_TRUE(succeeded(computeFisherTraces(
      func, layers, samplesFor(func, equalLogitsData()), "samples", {})));
  EXPECT_EQ(reporter.last, std::make_pair(int64_t(2), int64_t(2)));

  Tensor data = equalLogitsData();
  data.f32()[2] = INFINITY;
  EXPECT_TRUE(failed(computeFisherTraces(
      func, layers, samplesFor(func, std::move(data)), "samples", {})));
  setProgressReporter(nullptr);
  EXPECT_EQ(log, (std::vector<std::string>{
                     "finish sensitivity 2/2", "finish sensitivity 1/2",
                     "error: sensitivity failed: sample 1: the logits are not "
                     "finite"}));
}

TEST_F(SensitivityTest, ImportReadsNumbersAndObjects) {
  func::FuncOp func = parse(kEqualLogits);
  SmallVector<WeightLayer> layers = collectWeightLayers(func);
  auto importText = [&](llvm::StringRef text) {
    SmallString<128> path;
    int fd;
    EXPECT_FALSE(
        llvm::sys::fs::createTemporaryFile("sensitivity", "json", fd, path));
    {
      llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
      os << text;
    }
    FailureOr<SensitivityEstimate> estimate = importTraces(func, layers, path);
    llvm::sys::fs::remove(path);
    return estimate;
  };

  FailureOr<SensitivityEstimate> estimate = importText(
      R"({"matmul_0": {"trace": 0.5, "activation_trace": 2}, "conv2d_0": 0.25})");
  ASSERT_TRUE(succeeded(estimate));
  EXPECT_EQ(estimate->numSamples, 0);
  ASSERT_EQ(estimate->traces.size(), 2u);
  EXPECT_EQ(estimate->traces[0].weights, 0.25);
  EXPECT_EQ(estimate->traces[0].activations, 0.0);
  EXPECT_EQ(estimate->traces[1].weights, 0.5);
  EXPECT_EQ(estimate->traces[1].activations, 2.0);
  EXPECT_TRUE(log.empty());

  EXPECT_TRUE(failed(importText(R"({"matmul_0": 1, "conv2d_0": -1})")));
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("sensitivity of layer 'conv2d_0' in '"),
            std::string::npos)
      << log[0];
}

} // namespace
