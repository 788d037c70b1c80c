//===- X86KernelAgreementTest.cpp - qint: evaluator vs VNNI kernels -------===//
//
// Runs random convolution and matmul chains, as quantization writes them
// (kernel, requantize, residual add), with the reference evaluator and
// JIT-compiled with convert-qint-to-x86's AVX-512 VNNI kernels, and requires
// bit-identical results (depthwise convolutions with one output channel per
// input channel too). Every chain must be lowered by the kernels (the
// test checks that no qint kernel op is left for the TOSA fallback), and
// the cases cover what the kernels handle specially: channel counts that
// are not multiples of 4 or 16 (C = 1, 3, 17, ...), output widths that
// leave a partial register tile, strides, dilations and padding (the halo),
// non-zero zero points (folded into the bias), bias near the ends of i32
// (the accumulator wraps), weights of every width 1..8 dense and packed,
// per-channel and per-tensor requantization in both rounding modes,
// residual adds with the kernel on either side, and accumulators narrower
// than i32 (i12..i31, wrapped in the epilogue) that overflow. The sparse
// kernel (which skips zero 1x4 weight blocks) is checked on the same kinds
// of chains with every eligible one sent to it.
//
// Skipped on a CPU without AVX-512 VNNI.
//
//===----------------------------------------------------------------------===//

#include "QIntAgreementFixtures.h"

#include "compress/Conversion/Passes.h"
#include "compress/Dialect/QInt/IR/QInt.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

using namespace compress;
using namespace compress::agreement;

namespace {

class X86KernelAgreement : public QIntWindowAgreement {
protected:
  X86KernelAgreement() { jitOptions.kernels = "x86-vnni"; }

  void SetUp() override {
    if (!hostSupportsQIntToX86())
      GTEST_SKIP() << "this CPU lacks AVX-512 VNNI";
  }

  /// Checks that convert-qint-to-x86 lowers every kernel, requantize and
  /// add of the module.
  void checkModule(const std::string &source) override {
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(source, &context);
    ASSERT_TRUE(module);
    mlir::PassManager pm(&context);
    pm.addPass(createConvertQIntToX86Pass({jitOptions.sparseKernels}));
    ASSERT_TRUE(mlir::succeeded(pm.run(*module)));
    // Each sparse kernel views its pixel grid as words, and no other
    // kernel does; pass statistics are not counted in release builds.
    module->walk([&](mlir::memref::ViewOp) { ++sparseKernels; });
    module->walk([&](mlir::Operation *op) {
      if (mlir::isa<qint::Conv2DOp, qint::DepthwiseConv2DOp, qint::MatmulOp,
                    qint::RequantizeOp, qint::AddOp>(op))
        ADD_FAILURE() << "left for the TOSA fallback: "
                      << op->getName().getStringRef().str();
    });
  }

  /// Kernels that took the sparse kernel, over every module checked.
  int64_t sparseKernels = 0;
  /// Input channel counts (convolutions) and reductions (matmuls) that are
  /// multiples of 4, as the sparse kernel needs.
  bool quadChannels = false;
  /// Input channel counts of 88 to 140 (convolutions), whose 3x3 weights
  /// overflow the kernels' L1 budget for two blocks of output channels.
  bool wideChannels = false;

  /// Constant weights of `shape`: qint.weights of any width 1..8, dense,
  /// (below 8 bits) packed or (but binary) sparse, or an arith.constant of
  /// any i8 values.
  std::string constantWeights(BatchedModule &module,
                              llvm::ArrayRef<int64_t> shape, int64_t axis) {
    if (oneIn(5)) {
      Tensor values(DType::I8, shape);
      for (int64_t &v : values.ints())
        v = activation(DType::I8, 0);
      std::string name = module.freshValue();
      std::string type = tensorTypeName(values);
      module.addLine(llvm::formatv("{0} = arith.constant dense<{1}> : {2}",
                                   name, denseLiteral(values.ints(), shape),
                                   type));
      return name;
    }
    bool isSigned = !oneIn(5);
    int64_t bits = isSigned ? uniform(1, 8) : uniform(1, 7);
    qint::WeightLayout layout = qint::WeightLayout::dense;
    if (!(isSigned && bits == 1) && oneIn(4))
      layout = qint::WeightLayout::sparse;
    else if (bits < 8 && oneIn(2))
      layout = qint::WeightLayout::packed;
    return weightsConstant(module, shape, axis, bits, isSigned, layout);
  }

  /// The accumulator width of chain `index`: i32, or for a third of the
  /// chains that requantize (which the kernels need to take a narrower
  /// one) 12 to 31 bits, often too few for the sums, which then wrap.
  unsigned accumulatorBits(int64_t index) {
    return index % 3 != 0 && oneIn(3) ? unsigned(uniform(12, 31)) : 32;
  }

  /// A constant bias of `channels` values of `bits` bits, sometimes near the
  /// ends of the type, or none. Returns `, %name` or nothing, and `, type`
  /// in `typeSuffix`.
  std::string constantBias(BatchedModule &module, int64_t channels,
                           unsigned bits, std::string &typeSuffix) {
    typeSuffix.clear();
    if (oneIn(4))
      return "";
    int64_t max = (int64_t(1) << (bits - 1)) - 1;
    SmallVector<int64_t> values;
    for (int64_t c = 0; c < channels; ++c)
      values.push_back(oneIn(6) ? pick<int64_t>({max - uniform(0, 1000),
                                                 -max - 1 + uniform(0, 1000)})
                                : uniform(-(1 << 10), 1 << 10));
    std::string type = tensorTypeName({channels}, "i" + std::to_string(bits));
    std::string name = module.freshValue();
    module.addLine(llvm::formatv("{0} = arith.constant dense<[{1}]> : {2}",
                                 name, joinInts(values), type));
    typeSuffix = ", " + type;
    return ", " + name;
  }

  /// Appends to the `bits`-bit accumulator `acc` of shape `shape`, a sum of
  /// `terms` products, nothing (i32 only), a requantize to i8, or a
  /// requantize and a residual add, and records the chain's last value as a
  /// result. Shifts are mostly chosen as quantization chooses them, so that
  /// results fall inside i8 (where rounding shows) rather than saturate.
  void addEpilogue(BatchedModule &module, std::string acc,
                   llvm::ArrayRef<int64_t> shape, int64_t terms,
                   unsigned bits, const std::string &label, int64_t index) {
    std::string accType =
        tensorTypeName(shape, "i" + std::to_string(bits));
    int64_t kind = index % 3;
    if (kind == 0) {
      module.addResult(acc, accType, label);
      return;
    }
    int64_t channels = shape.back();
    bool perChannel = channels > 1 && !oneIn(3);
    bool modelLike = !oneIn(4);
    // A typical |acc|: sqrt(terms) products of ~2^6-bit weights and ~2^6.5
    // -bit centred activations; the multiplier is ~2^30, the result ~2^7.
    int64_t accBits = 13 + int64_t(std::log2(double(terms))) / 2;
    SmallVector<int64_t> multipliers, shifts;
    for (int64_t c = 0, e = perChannel ? channels : 1; c < e; ++c) {
      multipliers.push_back(multiplier());
      shifts.push_back(modelLike ? 30 + accBits - 7 + uniform(-3, 1)
                                 : uniform(2, 62));
    }
    int64_t inZp = oneIn(4) ? uniform(-1000, 1000) : 0;
    int64_t outZp = zeroPoint(DType::I8);
    auto [lo, hi] = clampRange(DType::I8);
    const char *rounding = index % 2 ? "double_round" : "single_round";
    std::string outType = tensorTypeName(shape, "i8");
    std::string y = module.freshValue();
    module.addLine(llvm::formatv(
        "{0} = qint.requantize {1} {{multiplier = array<i32: {2}>, shift = "
        "array<i8: {3}>, input_zp = {4} : i64, output_zp = {5} : i64, "
        "rounding = #qint.rounding<{6}>, clamp_min = {7} : i64, clamp_max = "
        "{8} : i64} : {9} -> {10}",
        y, acc, joinInts(multipliers), joinInts(shifts), inZp, outZp, rounding,
        lo, hi, accType, outType));
    if (kind == 1) {
      module.addResult(y, outType, label + " + requantize");
      return;
    }
    int64_t skipZp = zeroPoint(DType::I8);
    std::string skip =
        module.addArgument(activations(DType::I8, shape, skipZp));
    bool kernelOnLeft = oneIn(2);
    int64_t kernelShift = uniform(12, 24), skipShift = uniform(12, 24);
    // Each side is ~2^(37 - shift); bring the sum back to ~2^7.
    int64_t outShift =
        60 - std::max(kernelShift, skipShift) + uniform(-3, 1);
    auto [addLo, addHi] = clampRange(DType::I8);
    std::string z = module.freshValue();
    module.addLine(llvm::formatv(
        "{0} = qint.add {1}, {2} {{lhs_zp = {3} : i64, rhs_zp = {4} : i64, "
        "lhs_multiplier = {5} : i32, lhs_shift = {6} : i8, rhs_multiplier = "
        "{7} : i32, rhs_shift = {8} : i8, output_multiplier = {9} : i32, "
        "output_shift = {10} : i8, output_zp = {11} : i64, rounding = "
        "#qint.rounding<{12}>, clamp_min = {13} : i64, clamp_max = {14} : "
        "i64} : ({15}, {15}) -> {15}",
        z, kernelOnLeft ? y : skip, kernelOnLeft ? skip : y,
        kernelOnLeft ? outZp : skipZp, kernelOnLeft ? skipZp : outZp,
        multiplier(), kernelOnLeft ? kernelShift : skipShift, multiplier(),
        kernelOnLeft ? skipShift : kernelShift, multiplier(), outShift,
        zeroPoint(DType::I8), rounding, addLo, addHi, outType));
    module.addResult(z, outType, label + " + requantize + add");
  }

  /// A random convolution chain: qint.conv2d (`o` outputs) or, when
  /// `depthwise`, qint.depthwise_conv2d with one output per channel.
  void addConvolutionChain(BatchedModule &module, int64_t index,
                           bool depthwise) {
    Window w = window(/*dilated=*/true, /*padBelowKernel=*/false);
    int64_t n = uniform(1, 2);
    int64_t c = wideChannels ? pick<int64_t>({88, 96, 130, uniform(88, 140)})
                : quadChannels
                    ? 4 * pick<int64_t>({1, 4, 8, uniform(1, 16)})
                    : pick<int64_t>({1, 3, 4, 16, 17, 33, uniform(1, 40)});
    int64_t o = depthwise ? c
                : wideChannels
                    ? pick<int64_t>({17, 48, 65, 80, uniform(1, 100)})
                    : pick<int64_t>({1, 6, 16, 17, 33, 64, 65, 80,
                                     uniform(1, 40)});
    // -128 (after a ReLU) makes the padding value 0 in the kernels' u8
    // domain, which they handle without a per-row bias.
    int64_t zp = oneIn(4) ? -128 : zeroPoint(DType::I8);
    Tensor input = activations(DType::I8, {n, w.in[0], w.in[1], c}, zp);
    std::string inputType = tensorTypeName(input);
    std::string x = module.addArgument(std::move(input));
    SmallVector<int64_t> wShape =
        depthwise ? SmallVector<int64_t>{w.kernel[0], w.kernel[1], c, 1}
                  : SmallVector<int64_t>{o, w.kernel[0], w.kernel[1], c};
    std::string weights = constantWeights(module, wShape, depthwise ? 2 : 0);
    unsigned bits = accumulatorBits(index);
    std::string biasType;
    std::string bias = constantBias(module, o, bits, biasType);
    SmallVector<int64_t> outShape = {n, w.out[0], w.out[1], o};
    std::string y = module.freshValue();
    std::string line = llvm::formatv(
        "{0} = qint.{1} {2}, {3}{4} {{input_zp = {5} : i64, {6}} : ({7}, "
        "{8}{9}) -> {10}",
        y, depthwise ? "depthwise_conv2d" : "conv2d", x, weights, bias, zp,
        windowAttributes(w, true), inputType, tensorTypeName(wShape, "i8"),
        biasType, tensorTypeName(outShape, "i" + std::to_string(bits)));
    module.addLine(line);
    int64_t terms = w.kernel[0] * w.kernel[1] * (depthwise ? 1 : c);
    addEpilogue(module, y, outShape, terms, bits, line, index);
  }

  /// A random matmul chain: [1, m, k] activations times [1, k, n] weights
  /// from `makeWeights`, an optional constant bias, then an epilogue.
  void addMatmulChain(
      BatchedModule &module, int64_t index, int64_t m, int64_t k, int64_t n,
      llvm::function_ref<std::string(llvm::ArrayRef<int64_t>)> makeWeights) {
    int64_t lhsZp = zeroPoint(DType::I8);
    Tensor lhs = activations(DType::I8, {1, m, k}, lhsZp);
    std::string lhsType = tensorTypeName(lhs);
    std::string a = module.addArgument(std::move(lhs));
    SmallVector<int64_t> rhsShape = {1, k, n};
    std::string rhs = makeWeights(rhsShape);
    unsigned bits = accumulatorBits(index);
    std::string biasType;
    std::string bias = constantBias(module, n, bits, biasType);
    SmallVector<int64_t> outShape = {1, m, n};
    std::string y = module.freshValue();
    std::string line = llvm::formatv(
        "{0} = qint.matmul {1}, {2}{3} {{lhs_zp = {4} : i64} : ({5}, {6}{7}) "
        "-> {8}",
        y, a, rhs, bias, lhsZp, lhsType, tensorTypeName(rhsShape, "i8"),
        biasType, tensorTypeName(outShape, "i" + std::to_string(bits)));
    module.addLine(line);
    addEpilogue(module, y, outShape, k, bits, line, index);
  }
};

TEST_F(X86KernelAgreement, Conv2DChains) {
  runCases(96, [&](BatchedModule &module, int64_t index) {
    addConvolutionChain(module, index, /*depthwise=*/false);
  });
}

/// Layers whose weights overflow the L1 cache, which the kernel tiles
/// three blocks of channels at a time: 3x3 convolutions over 88 channels
/// or more, matmuls over more than 768, with output channels that leave
/// one or two blocks over.
TEST_F(X86KernelAgreement, WideChains) {
  wideChannels = true;
  runCases(32, [&](BatchedModule &module, int64_t index) {
    if (index % 2 == 0) {
      addConvolutionChain(module, index, /*depthwise=*/false);
      return;
    }
    int64_t m = pick<int64_t>({1, 9, uniform(2, 30)});
    int64_t k = pick<int64_t>({772, 1030, uniform(769, 1100)});
    int64_t n = pick<int64_t>({17, 48, 65, uniform(1, 100)});
    addMatmulChain(module, index, m, k, n, [&](llvm::ArrayRef<int64_t> shape) {
      return constantWeights(module, shape, /*axis=*/2);
    });
  });
}

TEST_F(X86KernelAgreement, DepthwiseChains) {
  runCases(64, [&](BatchedModule &module, int64_t index) {
    addConvolutionChain(module, index, /*depthwise=*/true);
  });
}

TEST_F(X86KernelAgreement, MatmulChains) {
  runCases(64, [&](BatchedModule &module, int64_t index) {
    // The kernels take one weight matrix: batch 1, as models have.
    int64_t m = pick<int64_t>({1, 1, uniform(2, 9), uniform(10, 30)});
    int64_t k = pick<int64_t>({1, 3, 17, 64, uniform(1, 100)});
    int64_t n = pick<int64_t>({1, 10, 16, 33, 65, 130, uniform(1, 70)});
    addMatmulChain(module, index, m, k, n, [&](llvm::ArrayRef<int64_t> shape) {
      return constantWeights(module, shape, /*axis=*/2);
    });
  });
}

/// The sparse kernel on every chain it can take (`sparse-kernels=0`), with
/// weights dense, packed and sparse in blocks of every shape, so that its
/// pixel grid (strides, dilations, padding, zero points) and its transposed
/// epilogue meet the same cases as the dense kernel.
TEST_F(X86KernelAgreement, SparseKernelChains) {
  jitOptions.sparseKernels = 0;
  quadChannels = true;
  runCases(64, [&](BatchedModule &module, int64_t index) {
    if (index % 4 != 3) {
      addConvolutionChain(module, index, /*depthwise=*/false);
      return;
    }
    int64_t m = pick<int64_t>({16, 40, uniform(9, 70)});
    int64_t k = 4 * uniform(1, 40);
    int64_t n = pick<int64_t>({1, 16, 33, uniform(1, 70)});
    addMatmulChain(module, index, m, k, n, [&](llvm::ArrayRef<int64_t> shape) {
      return constantWeights(module, shape, /*axis=*/2);
    });
  });
  EXPECT_GE(sparseKernels, 16) << "chains the sparse kernel took";
}

/// Matrix-vector products with weights of 1 to 4 signed bits take the
/// kernel that keeps them packed: every width, dense and packed storage,
/// output counts that fill whole groups of 8 blocks and leave a partial one.
TEST_F(X86KernelAgreement, NibbleGemv) {
  runCases(32, [&](BatchedModule &module, int64_t index) {
    int64_t k = pick<int64_t>({1, 7, 64, 100, uniform(1, 300)});
    int64_t n = pick<int64_t>({1, 17, 128, 130, 257});
    addMatmulChain(module, index, 1, k, n, [&](llvm::ArrayRef<int64_t> shape) {
      return weightsConstant(module, shape, /*axis=*/2,
                             /*bits=*/index % 4 + 1, /*isSigned=*/true,
                             /*packed=*/index % 8 < 4);
    });
  });
}

} // namespace
