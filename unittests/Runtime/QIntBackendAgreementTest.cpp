//===- QIntBackendAgreementTest.cpp - qint: evaluator vs exported TOSA ----===//
//
// Runs every qint op on random shapes, zero points, multipliers, shifts,
// clamps, rounding modes, weights, biases and windows with the reference
// evaluator, whose kernels define what the ops mean, and JIT-compiled (the
// JIT exports qint to TOSA with convert-qint-to-tosa and compiles that with
// upstream's TOSA lowering), and requires bit-identical results. Inputs
// include the extremes of each type and exact rounding ties of each
// rescale, where an off-by-one in the export or the lowering would show.
//
// Compiling a module costs far more than running it, so each module's
// entry function holds many independent cases, one result each.
//
//===----------------------------------------------------------------------===//

#include "QIntAgreementFixtures.h"

#include <cstring>
#include <limits>

using namespace compress;
using namespace compress::agreement;

namespace {

//===----------------------------------------------------------------------===//
// Rescaling
//===----------------------------------------------------------------------===//

TEST_F(QIntBackendAgreement, Requantize) {
  runCases(80, [&](BatchedModule &module, int64_t index) {
    DType inType = pick({DType::I8, DType::I16, DType::I32});
    DType outType = pick({DType::I8, DType::I16, DType::I32});
    bool doubleRound = index % 2;
    SmallVector<int64_t> shape;
    for (int64_t rank = uniform(1, 4), d = 1; d < rank; ++d)
      shape.push_back(uniform(1, 4));
    int64_t channels = uniform(1, 8);
    shape.push_back(channels);
    bool perChannel = channels > 1 && !oneIn(3);
    SmallVector<int64_t> multipliers, shifts;
    for (int64_t c = 0, e = perChannel ? channels : 1; c < e; ++c) {
      multipliers.push_back(multiplier());
      shifts.push_back(uniform(2, 50));
    }
    int64_t inZp = zeroPoint(inType), outZp = zeroPoint(outType);
    auto [lo, hi] = clampRange(outType);
    Tensor input(inType, shape);
    for (int64_t i = 0; i < input.size(); ++i) {
      int64_t c = perChannel ? i % channels : 0;
      input.ints()[i] =
          rescaleInput(inType, inZp, multipliers[c], int(shifts[c]));
    }
    std::string inTypeName = tensorTypeName(input);
    std::string outTypeName = tensorTypeName(shape, elementTypeName(outType));
    std::string x = module.addArgument(std::move(input));
    std::string y = module.freshValue();
    std::string line = llvm::formatv(
        "{0} = qint.requantize {1} {{multiplier = array<i32: {2}>, shift = "
        "array<i8: {3}>, input_zp = {4} : i64, output_zp = {5} : i64, "
        "rounding = #qint.rounding<{6}>, clamp_min = {7} : i64, clamp_max = "
        "{8} : i64} : {9} -> {10}",
        y, x, joinInts(multipliers), joinInts(shifts), inZp, outZp,
        doubleRound ? "double_round" : "single_round", lo, hi, inTypeName,
        outTypeName);
    module.addLine(line);
    module.addResult(y, outTypeName, line);
  });
}

TEST_F(QIntBackendAgreement, Add) {
  runCases(32, [&](BatchedModule &module, int64_t index) {
    DType lhsType = pick({DType::I8, DType::I16});
    DType rhsType = pick({DType::I8, DType::I16});
    DType outType = pick({DType::I8, DType::I16});
    SmallVector<int64_t> shape;
    for (int64_t rank = uniform(1, 4), d = 0; d < rank; ++d)
      shape.push_back(uniform(1, 5));
    // Half the cases scale like real models (inputs up by ~2^10 to 2^20,
    // the sum down again), half use any shift.
    bool modelLike = index % 4 < 2;
    auto inputShift = [&] {
      return modelLike ? uniform(10, 28) : uniform(2, 50);
    };
    int64_t lhsShift = inputShift(), rhsShift = inputShift();
    int64_t outShift = modelLike ? uniform(30, 50) : uniform(2, 50);
    int32_t lhsMultiplier = multiplier(), rhsMultiplier = multiplier(),
            outMultiplier = multiplier();
    int64_t lhsZp = zeroPoint(lhsType), rhsZp = zeroPoint(rhsType);
    int64_t outZp = zeroPoint(outType);
    auto [lo, hi] = clampRange(outType);
    Tensor lhs(lhsType, shape), rhs(rhsType, shape);
    for (int64_t i = 0; i < lhs.size(); ++i) {
      lhs.ints()[i] = rescaleInput(lhsType, lhsZp, lhsMultiplier, lhsShift);
      rhs.ints()[i] = rescaleInput(rhsType, rhsZp, rhsMultiplier, rhsShift);
    }
    std::string lhsTypeName = tensorTypeName(lhs);
    std::string rhsTypeName = tensorTypeName(rhs);
    std::string outTypeName = tensorTypeName(shape, elementTypeName(outType));
    std::string a = module.addArgument(std::move(lhs));
    std::string b = module.addArgument(std::move(rhs));
    std::string y = module.freshValue();
    std::string line = llvm::formatv(
        "{0} = qint.add {1}, {2} {{lhs_zp = {3} : i64, rhs_zp = {4} : i64, "
        "lhs_multiplier = {5} : i32, lhs_shift = {6} : i8, rhs_multiplier = "
        "{7} : i32, rhs_shift = {8} : i8, output_multiplier = {9} : i32, "
        "output_shift = {10} : i8, output_zp = {11} : i64, rounding = "
        "#qint.rounding<{12}>, clamp_min = {13} : i64, clamp_max = {14} : "
        "i64} : ({15}, {16}) -> {17}",
        y, a, b, lhsZp, rhsZp, lhsMultiplier, lhsShift, rhsMultiplier, rhsShift,
        outMultiplier, outShift, outZp,
        index % 2 ? "double_round" : "single_round", lo, hi, lhsTypeName,
        rhsTypeName, outTypeName);
    module.addLine(line);
    module.addResult(y, outTypeName, line);
  });
}


TEST_F(QIntWindowAgreement, Conv2D) {
  runCases(40, [&](BatchedModule &module, int64_t) {
    Window w = window(/*dilated=*/true, /*padBelowKernel=*/false);
    int64_t n = uniform(1, 2), c = uniform(1, 5), o = uniform(1, 6);
    addConvolution(module, w, n, c, o, /*depthwise=*/false,
                   [&](llvm::ArrayRef<int64_t> shape, int64_t axis) {
                     return weights(module, shape, axis);
                   });
  });
}

TEST_F(QIntWindowAgreement, DepthwiseConv2D) {
  runCases(32, [&](BatchedModule &module, int64_t) {
    Window w = window(/*dilated=*/true, /*padBelowKernel=*/false);
    int64_t n = uniform(1, 2), c = uniform(1, 5), m = uniform(1, 3);
    addConvolution(module, w, n, c, m, /*depthwise=*/true,
                   [&](llvm::ArrayRef<int64_t> shape, int64_t axis) {
                     return weights(module, shape, axis);
                   });
  });
}

TEST_F(QIntWindowAgreement, Matmul) {
  runCases(40, [&](BatchedModule &module, int64_t) {
    int64_t b = uniform(1, 2), m = uniform(1, 5), k = uniform(1, 16),
            n = uniform(1, 6);
    addMatmul(module, b, m, k, n, [&](llvm::ArrayRef<int64_t> shape, int64_t axis) {
      return weights(module, shape, axis);
    });
  });
}

/// Accumulators narrower than i32 (as compress-narrow-accumulators writes
/// them, but also too narrow, so that they wrap): the export computes them
/// in i32 and wraps them with two shifts; a requantize or a dequantize
/// reads them.
TEST_F(QIntWindowAgreement, NarrowAccumulators) {
  runCases(40, [&](BatchedModule &module, int64_t index) {
    int64_t bits = uniform(8, 31);
    std::string acc = "i" + std::to_string(bits);
    int64_t zp = zeroPoint(DType::I8);
    std::string y = module.freshValue(), line;
    SmallVector<int64_t> outShape;
    std::string biasValues;
    int64_t max = (int64_t(1) << (bits - 1)) - 1;
    auto biasOf = [&](int64_t channels) {
      SmallVector<int64_t> values;
      for (int64_t c = 0; c < channels; ++c)
        values.push_back(oneIn(4) ? pick<int64_t>({max, -max - 1})
                                  : uniform(-max / 4, max / 4));
      std::string name = module.freshValue();
      module.addLine(llvm::formatv("{0} = arith.constant dense<[{1}]> : {2}",
                                   name, joinInts(values),
                                   tensorTypeName({channels}, acc)));
      return name;
    };
    if (index % 2 == 0) {
      Window w = window(/*dilated=*/true, /*padBelowKernel=*/false);
      int64_t n = uniform(1, 2), c = uniform(1, 5), o = uniform(1, 6);
      Tensor input = activations(DType::I8, {n, w.in[0], w.in[1], c}, zp);
      std::string inputType = tensorTypeName(input);
      std::string x = module.addArgument(std::move(input));
      SmallVector<int64_t> wShape = {o, w.kernel[0], w.kernel[1], c};
      std::string wName = weights(module, wShape, 0);
      std::string b = biasOf(o);
      outShape = {n, w.out[0], w.out[1], o};
      line = llvm::formatv(
          "{0} = qint.conv2d {1}, {2}, {3} {{input_zp = {4} : i64, {5}} : "
          "({6}, {7}, {8}) -> {9}",
          y, x, wName, b, zp, windowAttributes(w, true), inputType,
          tensorTypeName(wShape, "i8"), tensorTypeName({o}, acc),
          tensorTypeName(outShape, acc));
    } else {
      int64_t m = uniform(1, 5), k = uniform(1, 16), n = uniform(1, 6);
      Tensor lhs = activations(DType::I8, {1, m, k}, zp);
      std::string lhsType = tensorTypeName(lhs);
      std::string a = module.addArgument(std::move(lhs));
      SmallVector<int64_t> rhsShape = {1, k, n};
      std::string rhs = weights(module, rhsShape, 2);
      std::string b = biasOf(n);
      outShape = {1, m, n};
      line = llvm::formatv(
          "{0} = qint.matmul {1}, {2}, {3} {{lhs_zp = {4} : i64} : ({5}, "
          "{6}, {7}) -> {8}",
          y, a, rhs, b, zp, lhsType, tensorTypeName(rhsShape, "i8"),
          tensorTypeName({n}, acc), tensorTypeName(outShape, acc));
    }
    module.addLine(line);
    std::string accType = tensorTypeName(outShape, acc);
    std::string z = module.freshValue();
    if (oneIn(4)) {
      std::string outType = tensorTypeName(outShape, "f32");
      module.addLine(llvm::formatv("{0} = qint.dequantize {1} {{scale = "
                                   "0.25 : f64, zero_point = {2} : i64} : "
                                   "{3} -> {4}",
                                   z, y, uniform(-100, 100), accType,
                                   outType));
      module.addResult(z, outType, line + " + dequantize");
      return;
    }
    std::string outType = tensorTypeName(outShape, "i8");
    module.addLine(llvm::formatv(
        "{0} = qint.requantize {1} {{multiplier = array<i32: {2}>, shift = "
        "array<i8: {3}>, input_zp = {4} : i64, output_zp = {5} : i64, "
        "rounding = #qint.rounding<{6}>, clamp_min = -128 : i64, clamp_max "
        "= 127 : i64} : {7} -> {8}",
        z, y, multiplier(), uniform(30, 30 + bits - 7), uniform(-100, 100),
        zeroPoint(DType::I8), index % 4 < 2 ? "double_round" : "single_round",
        accType, outType));
    module.addResult(z, outType, line + " + requantize");
  });
}

//===----------------------------------------------------------------------===//
// Packed weights: decoded at run time by the exported TOSA
//===----------------------------------------------------------------------===//

/// Every width from 1 to 7 (see packedWidth), mostly with odd weight counts
/// so that the last byte and the last group of 8 are partial.
TEST_F(QIntWindowAgreement, PackedConvolutions) {
  for (bool depthwise : {false, true})
    runCases(28, [&](BatchedModule &module, int64_t index) {
      auto [bits, isSigned] = packedWidth(index);
      bool oddCount = index % 4 != 3;
      Window w = window(/*dilated=*/true, /*padBelowKernel=*/false);
      while (oddCount && (w.kernel[0] % 2 == 0 || w.kernel[1] % 2 == 0))
        w = window(/*dilated=*/true, /*padBelowKernel=*/false);
      int64_t n = uniform(1, 2);
      int64_t c = oddCount ? oddSize(5) : uniform(1, 5);
      int64_t o = depthwise ? (oddCount ? oddSize(3) : uniform(1, 3))
                            : (oddCount ? oddSize(7) : uniform(1, 6));
      addConvolution(module, w, n, c, o, depthwise,
                     [&](llvm::ArrayRef<int64_t> shape, int64_t axis) {
                       return weightsConstant(module, shape, axis, bits,
                                              isSigned, /*packed=*/true);
                     });
    });
}

TEST_F(QIntWindowAgreement, PackedMatmul) {
  runCases(28, [&](BatchedModule &module, int64_t index) {
    auto [bits, isSigned] = packedWidth(index);
    bool oddCount = index % 4 != 3;
    int64_t b = oddCount ? 1 : uniform(1, 2), m = uniform(1, 5);
    int64_t k = oddCount ? oddSize(31) : uniform(1, 32);
    int64_t n = oddCount ? oddSize(9) : uniform(1, 8);
    addMatmul(module, b, m, k, n, [&](llvm::ArrayRef<int64_t> shape, int64_t axis) {
      return weightsConstant(module, shape, axis, bits, isSigned,
                             /*packed=*/true);
    });
  });
}

//===----------------------------------------------------------------------===//
// Sparse weights: exported dense
//===----------------------------------------------------------------------===//

/// Every width from 2 to 8 (binary weights cannot be sparse), pruned in
/// random blocks.
TEST_F(QIntWindowAgreement, SparseConvolutions) {
  for (bool depthwise : {false, true})
    runCases(21, [&](BatchedModule &module, int64_t index) {
      int64_t bits = index % 7 + 2;
      bool isSigned = bits == 8 || index % 3 != 2;
      Window w = window(/*dilated=*/true, /*padBelowKernel=*/false);
      int64_t n = uniform(1, 2), c = uniform(1, 9);
      int64_t o = depthwise ? uniform(1, 3) : uniform(1, 6);
      addConvolution(module, w, n, c, o, depthwise,
                     [&](llvm::ArrayRef<int64_t> shape, int64_t axis) {
                       return weightsConstant(module, shape, axis, bits,
                                              isSigned,
                                              qint::WeightLayout::sparse);
                     });
    });
}

TEST_F(QIntWindowAgreement, SparseMatmul) {
  runCases(21, [&](BatchedModule &module, int64_t index) {
    int64_t bits = index % 7 + 2;
    bool isSigned = bits == 8 || index % 3 != 2;
    int64_t b = uniform(1, 2), m = uniform(1, 5);
    int64_t k = uniform(1, 32), n = uniform(1, 8);
    addMatmul(module, b, m, k, n, [&](llvm::ArrayRef<int64_t> shape, int64_t axis) {
      return weightsConstant(module, shape, axis, bits, isSigned,
                             qint::WeightLayout::sparse);
    });
  });
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

TEST_F(QIntWindowAgreement, MaxPool2D) {
  runCases(32, [&](BatchedModule &module, int64_t) {
    Window w = window(/*dilated=*/false, /*padBelowKernel=*/true);
    DType type = pick({DType::I8, DType::I16});
    int64_t n = uniform(1, 2), c = uniform(1, 4);
    Tensor input = activations(type, {n, w.in[0], w.in[1], c}, 0);
    std::string inputType = tensorTypeName(input);
    std::string x = module.addArgument(std::move(input));
    std::string outType =
        tensorTypeName({n, w.out[0], w.out[1], c}, elementTypeName(type));
    std::string y = module.freshValue();
    std::string line = llvm::formatv(
        "{0} = qint.max_pool2d {1} {{kernel = array<i64: {2}, {3}>, {4}} : "
        "{5} -> {6}",
        y, x, w.kernel[0], w.kernel[1], windowAttributes(w, false), inputType,
        outType);
    module.addLine(line);
    module.addResult(y, outType, line);
  });
}

TEST_F(QIntWindowAgreement, AvgPool2D) {
  runCases(32, [&](BatchedModule &module, int64_t) {
    // Windows need not tile the padded input: the divisor is the in-bounds
    // count, which the export reproduces by trimming to an exact tiling.
    Window w = window(/*dilated=*/false, /*padBelowKernel=*/true);
    DType type = pick({DType::I8, DType::I16});
    // TOSA takes zero points on i8 average pooling only.
    int64_t inZp = type == DType::I8 ? zeroPoint(type) : 0;
    int64_t outZp = type == DType::I8 ? zeroPoint(type) : 0;
    int64_t n = uniform(1, 2), c = uniform(1, 4);
    Tensor input = activations(type, {n, w.in[0], w.in[1], c}, inZp);
    std::string inputType = tensorTypeName(input);
    std::string x = module.addArgument(std::move(input));
    std::string outType =
        tensorTypeName({n, w.out[0], w.out[1], c}, elementTypeName(type));
    std::string y = module.freshValue();
    std::string line = llvm::formatv(
        "{0} = qint.avg_pool2d {1} {{kernel = array<i64: {2}, {3}>, {4}, "
        "input_zp = {5} : i64, output_zp = {6} : i64, acc_type = i32} : {7} "
        "-> {8}",
        y, x, w.kernel[0], w.kernel[1], windowAttributes(w, false), inZp, outZp,
        inputType, outType);
    module.addLine(line);
    module.addResult(y, outType, line);
  });
}

//===----------------------------------------------------------------------===//
// Float boundaries
//===----------------------------------------------------------------------===//

TEST_F(QIntBackendAgreement, Quantize) {
  runCases(48, [&](BatchedModule &module, int64_t) {
    DType outType = oneIn(4) ? DType::I16 : DType::I8;
    double s = scale();
    std::string bounds;
    int64_t qmin = intMin(outType), qmax = intMax(outType);
    if (oneIn(2)) {
      std::tie(qmin, qmax) =
          oneIn(2) ? std::pair<int64_t, int64_t>(-8, 7) : clampRange(outType);
      bounds = llvm::formatv(", qmin = {0} : i64, qmax = {1} : i64", qmin, qmax)
                   .str();
    }
    int64_t zp = uniform(qmin, qmax);
    SmallVector<int64_t> shape;
    for (int64_t rank = uniform(1, 3), d = 0; d < rank; ++d)
      shape.push_back(uniform(1, 6));
    Tensor input(DType::F32, shape);
    const float inf = std::numeric_limits<float>::infinity();
    for (float &x : input.f32()) {
      // Exact ties when the scale is a power of two, extremes and NaN.
      float tie = float((double(uniform(-300, 300)) + 0.5) * s);
      switch (uniform(0, 4)) {
      case 0:
        x = tie;
        break;
      case 1:
        x = std::nextafter(tie, oneIn(2) ? inf : -inf);
        break;
      case 2:
        x = pick<float>({inf, -inf, std::numeric_limits<float>::quiet_NaN(),
                         std::numeric_limits<float>::max(),
                         -std::numeric_limits<float>::max(), 0.0f, -0.0f,
                         1e-40f, -1e-40f, float(2147483648.0 * s),
                         float(-2147483648.0 * s), float(2147483520.0 * s),
                         1e30f, -1e30f});
        break;
      default:
        x = float(std::uniform_real_distribution<double>(-300, 300)(rng) * s);
      }
    }
    std::string inputType = tensorTypeName(input);
    std::string x = module.addArgument(std::move(input));
    std::string outTypeName = tensorTypeName(shape, elementTypeName(outType));
    std::string y = module.freshValue();
    std::string line = llvm::formatv(
        "{0} = qint.quantize {1} {{scale = {2}, zero_point = {3} : i64{4}} : "
        "{5} -> {6}",
        y, x, f64Literal(s), zp, bounds, inputType, outTypeName);
    module.addLine(line);
    module.addResult(y, outTypeName, line);
  });
}

TEST_F(QIntBackendAgreement, Dequantize) {
  runCases(32, [&](BatchedModule &module, int64_t) {
    DType inType = pick({DType::I8, DType::I16, DType::I32});
    // An i32 input with a zero point does not export (q - zp can overflow).
    int64_t zp = inType == DType::I32 ? 0 : zeroPoint(inType);
    SmallVector<int64_t> shape;
    for (int64_t rank = uniform(1, 3), d = 0; d < rank; ++d)
      shape.push_back(uniform(1, 6));
    Tensor input = activations(inType, shape, zp);
    std::string inputType = tensorTypeName(input);
    std::string x = module.addArgument(std::move(input));
    std::string outType = tensorTypeName(shape, "f32");
    std::string y = module.freshValue();
    std::string line = llvm::formatv(
        "{0} = qint.dequantize {1} {{scale = {2}, zero_point = {3} : i64} : "
        "{4} -> {5}",
        y, x, f64Literal(scale()), zp, inputType, outType);
    module.addLine(line);
    module.addResult(y, outType, line);
  });
}

} // namespace
