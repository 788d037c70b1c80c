//===- QIntAgreementFixtures.h - Random qint programs for agreement -*- C++ -*-===//
//
// Fixtures that build random qint programs (values at the edges of their
// types and at exact rescale ties, random windows, weights of every width)
// for the tests that compare the reference evaluator with compiled code.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UNITTESTS_RUNTIME_QINTAGREEMENTFIXTURES_H
#define COMPRESS_UNITTESTS_RUNTIME_QINTAGREEMENTFIXTURES_H

#include "AgreementTestUtils.h"

#include "compress/Dialect/QInt/IR/QInt.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>

namespace compress::agreement {

using llvm::SmallVector;

/// Cases per module: large enough to amortise compilation, small enough to
/// keep a failing module readable.
inline constexpr int64_t kCasesPerModule = 16;

inline std::string joinInts(llvm::ArrayRef<int64_t> values) {
  std::string text;
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + std::to_string(values[i]);
  return text;
}

/// A double as the bit-exact hexadecimal literal MLIR parses for f64.
inline std::string f64Literal(double value) {
  return llvm::formatv("{0:x16} : f64", llvm::bit_cast<uint64_t>(value)).str();
}

inline int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

class QIntBackendAgreement : public AgreementTest {
protected:
  /// Exports qint to TOSA and compiles that with upstream's TOSA lowering
  /// (fixtures of compiled kernels choose theirs).
  QIntBackendAgreement() { jitOptions.kernels = "tosa"; }

  void TearDown() override {
    llvm::outs() << llvm::formatv("[ compared ] {0} random cases, {1} elements",
                                  numResultsCompared, numElementsCompared);
    if (numTies)
      llvm::outs() << llvm::formatv(" ({0} at or next to rescale ties)",
                                    numTies);
    llvm::outs() << ", bit for bit\n";
  }

  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  }
  bool oneIn(int64_t n) { return uniform(0, n - 1) == 0; }
  template <typename T> T pick(std::initializer_list<T> choices) {
    return choices.begin()[uniform(0, choices.size() - 1)];
  }

  /// Builds `numCases` cases with `addCase`, kCasesPerModule per module, and
  /// runs each module with both backends.
  void runCases(int64_t numCases,
                llvm::function_ref<void(BatchedModule &, int64_t)> addCase) {
    for (int64_t first = 0; first < numCases; first += kCasesPerModule) {
      BatchedModule module;
      for (int64_t i = first; i < std::min(numCases, first + kCasesPerModule);
           ++i)
        addCase(module, i);
      checkModule(module.source());
      if (HasFatalFailure())
        return;
      expectAgreement(module);
      if (HasFatalFailure())
        return;
    }
  }

  /// What a fixture checks of each module before running it.
  virtual void checkModule(const std::string &source) {}

  //===--------------------------------------------------------------------===//
  // Values
  //===--------------------------------------------------------------------===//

  /// A value where integer code tends to go wrong: the ends of the type,
  /// zero and the zero point, and their neighbours.
  int64_t edgeValue(DType type, int64_t zp) {
    int64_t lo = intMin(type), hi = intMax(type);
    int64_t v =
        pick<int64_t>({lo, lo + 1, hi, hi - 1, 0, 1, -1, zp, zp - 1, zp + 1});
    return std::clamp(v, lo, hi);
  }

  /// An activation: an edge value, a value near the zero point, a value of
  /// random magnitude, or any value of the type.
  int64_t activation(DType type, int64_t zp) {
    int64_t lo = intMin(type), hi = intMax(type);
    switch (uniform(0, 3)) {
    case 0:
      return edgeValue(type, zp);
    case 1:
      return std::clamp(zp + uniform(-16, 16), lo, hi);
    case 2: {
      int64_t magnitude = int64_t(1) << uniform(0, intBitWidth(type) - 2);
      return std::clamp(zp + uniform(-magnitude, magnitude), lo, hi);
    }
    default:
      return uniform(lo, hi);
    }
  }

  Tensor activations(DType type, llvm::ArrayRef<int64_t> shape, int64_t zp) {
    Tensor t(type, shape);
    for (int64_t &v : t.ints())
      v = activation(type, zp);
    return t;
  }

  /// A zero point of `type`: often 0, else anywhere in the type.
  int64_t zeroPoint(DType type) {
    return oneIn(3) ? 0 : uniform(intMin(type), intMax(type));
  }

  /// `[lo, hi]` within `type`: the whole type, or a random sub-range.
  std::pair<int64_t, int64_t> clampRange(DType type) {
    if (oneIn(3))
      return {intMin(type), intMax(type)};
    int64_t a = uniform(intMin(type), intMax(type));
    int64_t b = uniform(intMin(type), intMax(type));
    return {std::min(a, b), std::max(a, b)};
  }

  /// A multiplier in [2^30, 2^31): uniform, or with many trailing zero bits
  /// so that products of small values land exactly on rounding ties.
  int32_t multiplier() {
    if (oneIn(2))
      return int32_t(uniform(int64_t(1) << 30, (int64_t(1) << 31) - 1));
    int64_t zeros = uniform(8, 29);
    return int32_t((int64_t(1) << 30) +
                   (uniform(0, (int64_t(1) << (30 - zeros)) - 1) << zeros));
  }

  /// A value v in [lo, hi] with v * multiplier == target (mod 2^bits), if
  /// one exists.
  std::optional<int64_t> solveProduct(int32_t multiplier, unsigned bits,
                                      uint64_t target, int64_t lo, int64_t hi) {
    uint64_t m = uint64_t(multiplier);
    unsigned zeros = llvm::countr_zero(m);
    auto mask = [](unsigned n) {
      return n >= 64 ? ~uint64_t(0) : (uint64_t(1) << n) - 1;
    };
    target &= mask(bits);
    if (zeros >= bits)
      return target == 0 ? std::optional<int64_t>(uniform(lo, hi))
                         : std::nullopt;
    if (target & mask(zeros))
      return std::nullopt;
    // v = (target / 2^zeros) * odd^-1 (mod 2^(bits - zeros)); Newton's
    // iteration doubles the correct low bits of the inverse each step.
    uint64_t odd = m >> zeros, inverse = odd;
    for (int i = 0; i < 6; ++i)
      inverse *= 2 - odd * inverse;
    unsigned periodBits = bits - zeros;
    int64_t v0 = int64_t(((target >> zeros) * inverse) & mask(periodBits));
    int64_t period = int64_t(1) << periodBits;
    int64_t nLo = -floorDiv(v0 - lo, period);
    int64_t nHi = floorDiv(hi - v0, period);
    if (nLo > nHi)
      return std::nullopt;
    return v0 + uniform(nLo, nHi) * period;
  }

  /// An input of a rescale by `multiplier * 2^-shift` after subtracting
  /// `zp`: often an exact rounding tie of that rescale (single rounding, or
  /// either step of double rounding) or its neighbour, else an activation.
  int64_t rescaleInput(DType type, int64_t zp, int32_t multiplier, int shift) {
    int64_t lo = intMin(type), hi = intMax(type);
    if (!oneIn(3)) {
      uint64_t half = uint64_t(1) << (shift - 1);
      uint64_t roundBit30 = uint64_t(1) << 30;
      unsigned bits = shift;
      uint64_t target = half;
      if (shift > 31) {
        switch (uniform(0, 3)) {
        case 1:
          target = half - roundBit30;
          break;
        case 2:
          target = half + roundBit30;
          break;
        case 3:
          target = roundBit30;
          bits = 31;
          break;
        default:
          break;
        }
      }
      if (auto v = solveProduct(multiplier, bits, target, lo - zp, hi - zp)) {
        uint64_t mask = (uint64_t(1) << bits) - 1;
        EXPECT_EQ((uint64_t(*v) * uint64_t(multiplier)) & mask, target & mask);
        ++numTies;
        return std::clamp(zp + *v + pick<int64_t>({0, 0, 1, -1}), lo, hi);
      }
    }
    return activation(type, zp);
  }

  /// A positive scale: a power of two (whose reciprocal is exact, so that
  /// ties of the quantization are exact too) or any magnitude.
  double scale() {
    if (oneIn(2))
      return std::ldexp(1.0, int(uniform(-12, 3)));
    double exponent = std::uniform_real_distribution<double>(-9.0, 2.5)(rng);
    return std::exp(exponent);
  }

  std::mt19937_64 rng{20260513};
  /// Rescale inputs generated at an exact rounding tie or next to one.
  int64_t numTies = 0;
};

/// A random window (kernel, stride, dilation, padding) over a random
/// spatial size that leaves at least one window.
struct Window {
  int64_t in[2], kernel[2], stride[2], dilation[2], pad[4], out[2];
};

class QIntWindowAgreement : public QIntBackendAgreement {
protected:
  /// Windows with padding below `maxPad` (or below the kernel for
  /// pooling) and strides up to 3, so that many leave an incomplete last
  /// window for the export to trim.
  Window window(bool dilated, bool padBelowKernel) {
    Window w;
    for (int axis = 0; axis < 2; ++axis) {
      w.kernel[axis] = uniform(1, 4);
      w.stride[axis] = uniform(1, 3);
      w.dilation[axis] = dilated ? uniform(1, 2) : 1;
      int64_t maxPad = padBelowKernel ? w.kernel[axis] - 1 : 2;
      w.pad[2 * axis] = uniform(0, maxPad);
      w.pad[2 * axis + 1] = uniform(0, maxPad);
      int64_t extent = (w.kernel[axis] - 1) * w.dilation[axis] + 1;
      int64_t minIn =
          std::max<int64_t>(1, extent - w.pad[2 * axis] - w.pad[2 * axis + 1]);
      w.in[axis] = uniform(minIn, minIn + 7);
      int64_t span =
          w.in[axis] + w.pad[2 * axis] + w.pad[2 * axis + 1] - extent;
      w.out[axis] = span / w.stride[axis] + 1;
    }
    return w;
  }

  static std::string windowAttributes(const Window &w, bool withDilation) {
    std::string text = llvm::formatv("pad = array<i64: {0}, {1}, {2}, {3}>, "
                                     "stride = array<i64: {4}, {5}>",
                                     w.pad[0], w.pad[1], w.pad[2], w.pad[3],
                                     w.stride[0], w.stride[1]);
    if (withDilation)
      text += llvm::formatv(", dilation = array<i64: {0}, {1}>", w.dilation[0],
                            w.dilation[1]);
    return text;
  }

  /// Weights of `shape`: a qint.weights constant of random bit width (which
  /// exports as tosa.const), or an argument with any i8 value. Returns the
  /// SSA name.
  std::string weights(BatchedModule &module, llvm::ArrayRef<int64_t> shape,
                      int64_t axis) {
    if (oneIn(3)) {
      Tensor values(DType::I8, shape);
      for (int64_t &v : values.ints())
        v = activation(DType::I8, 0);
      return module.addArgument(std::move(values));
    }
    bool isSigned = !oneIn(5);
    int64_t bits = isSigned ? uniform(1, 8) : uniform(1, 7);
    return weightsConstant(module, shape, axis, bits, isSigned,
                           /*packed=*/false);
  }

  /// A qint.weights constant of `shape` with random `bits`-bit values,
  /// stored dense or packed. Returns the SSA name.
  std::string weightsConstant(BatchedModule &module,
                              llvm::ArrayRef<int64_t> shape, int64_t axis,
                              int64_t bits, bool isSigned, bool packed) {
    return weightsConstant(module, shape, axis, bits, isSigned,
                           packed ? qint::WeightLayout::packed
                                  : qint::WeightLayout::dense);
  }

  /// A qint.weights constant of `shape` with random `bits`-bit values in
  /// `layout`. Sparse weights (not binary) are pruned in random blocks of
  /// single elements or of up to 4 along the last or second-to-last
  /// dimension, from none to all of them. Returns the SSA name.
  std::string weightsConstant(BatchedModule &module,
                              llvm::ArrayRef<int64_t> shape, int64_t axis,
                              int64_t bits, bool isSigned,
                              qint::WeightLayout layout) {
    Tensor values(DType::I8, shape);
    int64_t hi =
        isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
    int64_t lo = isSigned ? -hi : 0;
    for (int64_t &v : values.ints())
      v = isSigned && bits == 1 ? pick<int64_t>({-1, 1}) : uniform(lo, hi);
    std::string scales;
    for (int64_t i = 0; i < shape[axis]; ++i)
      scales += i ? ", 0.5" : "0.5";
    std::string name = module.freshValue();
    std::string type = tensorTypeName(values);
    std::string storage;
    switch (layout) {
    case qint::WeightLayout::dense:
      storage = "values = dense<" + denseLiteral(values.ints(), shape) +
                "> : " + type;
      break;
    case qint::WeightLayout::packed:
      storage = "layout = #qint.layout<packed>, values = " +
                packedWeightsLiteral(values.ints(), bits, isSigned);
      break;
    case qint::WeightLayout::sparse: {
      std::vector<int64_t> block(shape.size(), 1);
      if (int64_t rank = shape.size(); oneIn(2) && rank >= 2)
        block[rank - uniform(1, 2)] = uniform(2, 4);
      qint::WeightBlocks blocks(shape, block);
      int64_t pruned = uniform(0, 10);
      for (int64_t b = 0, e = blocks.getNumBlocks(); b < e; ++b)
        if (uniform(0, 9) < pruned)
          for (int64_t i : blocks.getElements(b))
            values.ints()[i] = 0;
      storage = "layout = #qint.layout<sparse>, " +
                sparseWeightsAttributes(values.ints(), shape, block, bits,
                                        isSigned);
      break;
    }
    }
    module.addLine(llvm::formatv(
        "{0} = qint.weights {{axis = {1} : i64, bits = {2} : i64, is_signed "
        "= {3}, scales = array<f32: {4}>, {5}} : {6}",
        name, axis, bits, isSigned ? "true" : "false", scales, storage, type));
    return name;
  }

  /// The weights of packed case `index`: every width from 1 to 7 in turn
  /// (1 bit is binary, 2 bits ternary), signed three times in four.
  static std::pair<int64_t, bool> packedWidth(int64_t index) {
    return {index % 7 + 1, (index / 7) % 4 != 2};
  }

  /// An odd number in [1, hi] (odd weight counts leave a partial byte and
  /// a partial group of 8 for every odd width).
  int64_t oddSize(int64_t hi) { return 2 * uniform(0, (hi - 1) / 2) + 1; }

  /// An optional bias of `channels` i32 values, sometimes near the ends of
  /// i32 so that the accumulator wraps. Returns `, %name` or nothing, and
  /// the matching `, type` in `typeSuffix`.
  std::string bias(BatchedModule &module, int64_t channels,
                   std::string &typeSuffix) {
    typeSuffix.clear();
    if (oneIn(3))
      return "";
    Tensor values(DType::I32, {channels});
    for (int64_t &v : values.ints())
      v = oneIn(6) ? pick<int64_t>({INT32_MAX - uniform(0, 1000),
                                    INT32_MIN + uniform(0, 1000)})
                   : uniform(-(1 << 20), 1 << 20);
    typeSuffix = ", " + tensorTypeName(values);
    return ", " + module.addArgument(std::move(values));
  }

  /// Makes the weights operand of `shape` with per-slice scales along
  /// `axis`; returns its SSA name.
  using WeightsMaker =
      llvm::function_ref<std::string(llvm::ArrayRef<int64_t>, int64_t)>;

  /// Adds a qint.conv2d (`c` inputs, `o` outputs) or, when `depthwise`, a
  /// qint.depthwise_conv2d (`c` channels times multiplier `o`) over a
  /// random input, with weights from `makeWeights` and an optional bias.
  void addConvolution(BatchedModule &module, const Window &w, int64_t n,
                      int64_t c, int64_t o, bool depthwise,
                      WeightsMaker makeWeights) {
    int64_t zp = zeroPoint(DType::I8);
    Tensor input = activations(DType::I8, {n, w.in[0], w.in[1], c}, zp);
    std::string inputType = tensorTypeName(input);
    std::string x = module.addArgument(std::move(input));
    SmallVector<int64_t> wShape =
        depthwise ? SmallVector<int64_t>{w.kernel[0], w.kernel[1], c, o}
                  : SmallVector<int64_t>{o, w.kernel[0], w.kernel[1], c};
    std::string wName = makeWeights(wShape, depthwise ? 2 : 0);
    int64_t channels = depthwise ? c * o : o;
    std::string biasType;
    std::string biasOperand = bias(module, channels, biasType);
    std::string outType =
        tensorTypeName({n, w.out[0], w.out[1], channels}, "i32");
    std::string y = module.freshValue();
    std::string line = llvm::formatv(
        "{0} = qint.{1} {2}, {3}{4} {{input_zp = {5} : i64, {6}} : ({7}, "
        "{8}{9}) -> {10}",
        y, depthwise ? "depthwise_conv2d" : "conv2d", x, wName, biasOperand,
        zp, windowAttributes(w, true), inputType, tensorTypeName(wShape, "i8"),
        biasType, outType);
    module.addLine(line);
    module.addResult(y, outType, line);
  }

  /// Adds a qint.matmul of a random [b, m, k] input with [b, k, n] weights
  /// from `makeWeights` and an optional bias.
  void addMatmul(BatchedModule &module, int64_t b, int64_t m, int64_t k,
                 int64_t n, WeightsMaker makeWeights) {
    int64_t lhsZp = zeroPoint(DType::I8), rhsZp = zeroPoint(DType::I8);
    Tensor lhs = activations(DType::I8, {b, m, k}, lhsZp);
    std::string lhsType = tensorTypeName(lhs);
    std::string a = module.addArgument(std::move(lhs));
    SmallVector<int64_t> rhsShape = {b, k, n};
    std::string rhs = makeWeights(rhsShape, /*axis=*/2);
    std::string biasType;
    std::string biasOperand = bias(module, n, biasType);
    std::string outType = tensorTypeName({b, m, n}, "i32");
    std::string y = module.freshValue();
    std::string line = llvm::formatv(
        "{0} = qint.matmul {1}, {2}{3} {{lhs_zp = {4} : i64, rhs_zp = {5} : "
        "i64} : ({6}, {7}{8}) -> {9}",
        y, a, rhs, biasOperand, lhsZp, rhsZp, lhsType,
        tensorTypeName(rhsShape, "i8"), biasType, outType);
    module.addLine(line);
    module.addResult(y, outType, line);
  }
};

} // namespace compress::agreement

#endif // COMPRESS_UNITTESTS_RUNTIME_QINTAGREEMENTFIXTURES_H
