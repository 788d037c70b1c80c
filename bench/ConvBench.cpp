//===- ConvBench.cpp - Evaluator convolution throughput -------------------===//
//
// Measures the reference evaluator's fp32 convolution throughput on the
// convolution shapes of ResNet-20 (CIFAR-10), and the same convolutions
// compiled by upstream MLIR's TOSA lowering (tosa-to-linalg, loops, LLVM -O3)
// in the same process, and prints GMAC/s of both and their ratio. Absolute
// numbers on shared machines are noise; the ratio is the figure to watch.
//
//===----------------------------------------------------------------------===//

#include "compress/Evaluator/Evaluator.h"
#include "compress/InitAll.h"
#include "compress/Runtime/ModelRunner.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <random>

using namespace mlir;
using namespace compress;
namespace cl = llvm::cl;

static cl::opt<double> minSeconds("min-seconds",
                                  cl::desc("Time spent per shape and runner"),
                                  cl::init(0.3));

namespace {
struct ConvCase {
  int64_t h, w, c, o, k, stride, count;
};

/// ResNet-20's convolutions: input HxWxC, O filters of KxK, stride, and how
/// many times the network uses the shape.
const ConvCase kResNet20[] = {
    {32, 32, 3, 16, 3, 1, 1},  {32, 32, 16, 16, 3, 1, 6},
    {32, 32, 16, 32, 3, 2, 1}, {16, 16, 32, 32, 3, 1, 5},
    {16, 16, 32, 64, 3, 2, 1}, {8, 8, 64, 64, 3, 1, 5},
};

std::string hexFloats(int64_t n, std::mt19937 &rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::string s = "0x";
  for (int64_t i = 0; i < n; ++i) {
    float v = dist(rng);
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    s += llvm::formatv("{0:X-2}{1:X-2}{2:X-2}{3:X-2}", bits & 0xff,
                       (bits >> 8) & 0xff, (bits >> 16) & 0xff, bits >> 24)
             .str();
  }
  return s;
}

/// One tosa.conv2d with TorchToTosa's padding rule for stride 2.
std::string convModule(const ConvCase &c, std::mt19937 &rng) {
  int64_t oh = c.h / c.stride, ow = c.w / c.stride;
  std::string pad = c.stride == 1 ? "1, 1, 1, 1" : "1, 0, 1, 0";
  std::string in = llvm::formatv("tensor<1x{0}x{1}x{2}xf32>", c.h, c.w, c.c);
  std::string wt =
      llvm::formatv("tensor<{0}x{1}x{1}x{2}xf32>", c.o, c.k, c.c);
  std::string out = llvm::formatv("tensor<1x{0}x{1}x{2}xf32>", oh, ow, c.o);
  return llvm::formatv(
      R"(func.func @main(%x: {0}) -> {2} {{
  %w = "tosa.const"() <{{values = dense<"{3}"> : {1}}> : () -> {1}
  %b = "tosa.const"() <{{values = dense<0.0> : tensor<{4}xf32>}> : () -> tensor<{4}xf32>
  %z = "tosa.const"() <{{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: {5}>, stride = array<i64: {6}, {6}>} : ({0}, {1}, tensor<{4}xf32>, tensor<1xf32>, tensor<1xf32>) -> {2}
  return %y : {2}
})",
      in, wt, out, hexFloats(c.o * c.k * c.k * c.c, rng), c.o, pad,
      c.stride);
}

/// Seconds per call of `run`, measured over at least `minSeconds`.
template <typename F> double secondsPerCall(F run) {
  run(); // warm-up (packs weights, faults pages)
  int64_t calls = 0;
  auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  do {
    run();
    ++calls;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                            start)
                  .count();
  } while (elapsed < minSeconds);
  return elapsed / calls;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "evaluator convolution benchmark\n");
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  std::mt19937 rng(42);

  double totalMacs = 0, evalSeconds = 0, jitSeconds = 0;
  llvm::outs() << "ResNet-20 fp32 convolutions, batch 1, one thread\n";
  for (const ConvCase &c : kResNet20) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(convModule(c, rng), &context);
    if (!module)
      return 1;
    auto func = *findEntryFunction(*module, "main");
    auto reference = createReferenceRunner(func);
    auto jit = createJitRunner(*module, "main");
    if (!reference || !jit) {
      llvm::errs() << "cannot prepare the benchmark: "
                   << (reference ? llvm::toString(jit.takeError())
                                 : llvm::toString(reference.takeError()))
                   << "\n";
      return 1;
    }
    Tensor input(DType::F32, {1, c.h, c.w, c.c});
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (float &v : input.f32())
      v = dist(rng);
    double macs = double(c.h / c.stride) * (c.w / c.stride) * c.o * c.k *
                  c.k * c.c;
    double evalTime = secondsPerCall([&] {
      llvm::cantFail((*reference)->run({input}));
    });
    double jitTime = secondsPerCall([&] {
      llvm::cantFail((*jit)->run({input}));
    });
    llvm::outs() << llvm::formatv(
        "  {0,2}x{1,-2} c{2,-2} -> {3,-2} k{4} s{5} x{6}: evaluator {7,6:F2} "
        "GMAC/s, upstream MLIR JIT {8,6:F2} GMAC/s, ratio {9,5:F1}x\n",
        c.h, c.w, c.c, c.o, c.k, c.stride, c.count, macs / evalTime * 1e-9,
        macs / jitTime * 1e-9, jitTime / evalTime);
    totalMacs += macs * c.count;
    evalSeconds += evalTime * c.count;
    jitSeconds += jitTime * c.count;
  }
  llvm::outs() << llvm::formatv(
      "all ResNet-20 convolutions ({0:F1} MMAC): evaluator {1:F2} GMAC/s, "
      "upstream MLIR JIT {2:F2} GMAC/s, ratio {3:F1}x\n",
      totalMacs * 1e-6, totalMacs / evalSeconds * 1e-9,
      totalMacs / jitSeconds * 1e-9, jitSeconds / evalSeconds);
  return 0;
}
