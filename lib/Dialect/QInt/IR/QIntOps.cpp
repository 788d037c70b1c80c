//===- QIntOps.cpp - Integer kernel dialect operations --------------------===//
//
// Verifiers and integer range inference of the `qint` ops (the storage side
// of `qint.weights` is in WeightsOp.cpp). The ranges are what the overflow
// analysis builds on: accumulating ops bound their accumulators from their
// input ranges and, when the weights are constants, from the exact weight
// values of each output channel.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/QInt/IR/QInt.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/OpImplementation.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace compress::qint;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

namespace {
/// Signed bounds of an integer element type.
struct Bounds {
  int64_t lo, hi;
};
} // namespace

static Bounds typeBounds(Type type) {
  unsigned width = getElementTypeOrSelf(type).getIntOrFloatBitWidth();
  if (width >= 64)
    return {INT64_MIN, INT64_MAX};
  return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
}

static unsigned elementWidth(Type type) {
  return getElementTypeOrSelf(type).getIntOrFloatBitWidth();
}

bool compress::qint::isAccumulatorType(Type type) {
  auto intType = dyn_cast<IntegerType>(type);
  if (!intType || !intType.isSignless())
    return false;
  unsigned width = intType.getWidth();
  return (width >= 2 && width <= 32) || width == 48 || width == 64;
}

/// Emits "<name> = <value> is outside <type>" unless lo <= value <= hi.
static LogicalResult checkInType(Operation *op, StringRef name, int64_t value,
                                 Type type) {
  Bounds b = typeBounds(type);
  if (value < b.lo || value > b.hi)
    return op->emitOpError() << name << " " << value << " is outside the range ["
                             << b.lo << ", " << b.hi << "] of "
                             << getElementTypeOrSelf(type);
  return success();
}

/// Checks the window attributes of a 2-D kernel and, where all sizes are
/// static, the spatial output size.
static LogicalResult verifyWindow(Operation *op, ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> stride,
                                  ArrayRef<int64_t> pad,
                                  ArrayRef<int64_t> dilation,
                                  ArrayRef<int64_t> inShape,
                                  ArrayRef<int64_t> outShape) {
  if (kernel.size() != 2 || stride.size() != 2 || dilation.size() != 2)
    return op->emitOpError(
        "expects kernel, stride and dilation of two elements");
  if (pad.size() != 4)
    return op->emitOpError("expects pad of four elements [top, bottom, left, "
                           "right]");
  for (int64_t v : pad)
    if (v < 0)
      return op->emitOpError("expects non-negative padding");
  for (int i = 0; i < 2; ++i)
    if (stride[i] < 1 || dilation[i] < 1 || kernel[i] < 1)
      return op->emitOpError(
          "expects positive kernel, stride and dilation");
  for (int i = 0; i < 2; ++i) {
    int64_t in = inShape[1 + i], out = outShape[1 + i];
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(out))
      continue;
    int64_t span = in + pad[2 * i] + pad[2 * i + 1] -
                   (kernel[i] - 1) * dilation[i] - 1;
    int64_t expected = span < 0 ? 0 : span / stride[i] + 1;
    if (span < 0 || expected != out)
      return op->emitOpError() << "expects output " << (i ? "width " : "height ")
                               << (span < 0 ? 0 : expected) << ", got " << out;
  }
  return success();
}

static bool dimsMatch(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Values of a constant integer tensor (qint.weights or a dense constant).
static std::optional<SmallVector<int64_t>> constantInts(Value value) {
  if (auto weights = value.getDefiningOp<WeightsOp>()) {
    std::vector<int8_t> values = weights.getUnpackedValues();
    return SmallVector<int64_t>(values.begin(), values.end());
  }
  ElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  if (!isa<IntegerType>(attr.getElementType()))
    return std::nullopt;
  // Resource-backed constants cannot be iterated as APInt; they are then
  // bounded by their type, like any unknown value.
  auto values = attr.tryGetValues<APInt>();
  if (!values)
    return std::nullopt;
  SmallVector<int64_t> result;
  result.reserve(attr.getNumElements());
  for (const APInt &v : *values)
    result.push_back(v.getSExtValue());
  return result;
}

/// A ConstantIntRanges for [lo, hi] in `type`, or the whole type if the
/// interval does not fit (the op wraps).
static ConstantIntRanges makeRange(__int128 lo, __int128 hi, Type type) {
  unsigned width = elementWidth(type);
  Bounds b = typeBounds(type);
  if (lo < b.lo || hi > b.hi)
    return ConstantIntRanges::maxRange(width);
  return ConstantIntRanges::fromSigned(APInt(width, int64_t(lo), true),
                                       APInt(width, int64_t(hi), true));
}

/// Signed bounds of a range, widened to 128 bits.
static std::pair<__int128, __int128> signedBounds(const ConstantIntRanges &r) {
  return {r.smin().getSExtValue(), r.smax().getSExtValue()};
}

namespace {
/// How an accumulating op reads its operands: the input's zero point,
/// whether a window can read padding, and where the weight of output
/// channel `c` and reduction term `k` sits among the constant weights.
struct AccumulatorShape {
  int64_t inputZp = 0, weightZp = 0;
  bool padded = false;
  /// Output channels and terms per channel; negative when dynamic.
  int64_t channels = -1, reduction = -1;
  std::function<int64_t(int64_t, int64_t)> weightIndex;
  Value weights, bias;
};
} // namespace

static bool anyPadding(ArrayRef<int64_t> pad) {
  return llvm::any_of(pad, [](int64_t p) { return p > 0; });
}

static std::optional<AccumulatorShape> accumulatorShape(Operation *op) {
  AccumulatorShape shape;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    auto wType = conv.getWeights().getType();
    shape.inputZp = conv.getInputZpAttr().getInt();
    shape.padded = anyPadding(conv.getPad());
    // The verifier guarantees a static kernel; the input channels may be
    // dynamic, and then the reduction size is unknown.
    if (!ShapedType::isDynamic(wType.getDimSize(3))) {
      int64_t reduction = wType.getDimSize(1) * wType.getDimSize(2) *
                          wType.getDimSize(3);
      shape.reduction = reduction;
      if (wType.hasStaticShape()) {
        shape.channels = wType.getDimSize(0);
        shape.weightIndex = [reduction](int64_t c, int64_t k) {
          return c * reduction + k;
        };
      }
    }
    shape.weights = conv.getWeights();
    shape.bias = conv.getBias();
    return shape;
  }
  if (auto conv = dyn_cast<DepthwiseConv2DOp>(op)) {
    auto wType = conv.getWeights().getType();
    shape.inputZp = conv.getInputZpAttr().getInt();
    shape.padded = anyPadding(conv.getPad());
    shape.reduction = wType.getDimSize(0) * wType.getDimSize(1);
    if (wType.hasStaticShape()) {
      // Output channel oc = ci*m + mi reads weights [:, :, ci, mi].
      int64_t outputs = wType.getDimSize(2) * wType.getDimSize(3);
      shape.channels = outputs;
      shape.weightIndex = [outputs](int64_t oc, int64_t k) {
        return k * outputs + oc;
      };
    }
    shape.weights = conv.getWeights();
    shape.bias = conv.getBias();
    return shape;
  }
  if (auto matmul = dyn_cast<MatmulOp>(op)) {
    auto rType = matmul.getRhs().getType();
    shape.inputZp = matmul.getLhsZpAttr().getInt();
    shape.weightZp = matmul.getRhsZpAttr().getInt();
    // Exact per-column bounds need one batch of weights.
    if (rType.hasStaticShape() && rType.getDimSize(0) == 1) {
      int64_t columns = rType.getDimSize(2);
      shape.channels = columns;
      shape.reduction = rType.getDimSize(1);
      shape.weightIndex = [columns](int64_t col, int64_t row) {
        return row * columns + col;
      };
    } else if (!ShapedType::isDynamic(rType.getDimSize(1))) {
      shape.reduction = rType.getDimSize(1);
    }
    shape.weights = matmul.getRhs();
    shape.bias = matmul.getBias();
    return shape;
  }
  return std::nullopt;
}

/// The range of one term `x - zp` for inputs in `input`, 0 included when a
/// window can read padding (which holds `zp`).
static std::pair<__int128, __int128>
termRange(const ConstantIntRanges &input, const AccumulatorShape &shape) {
  auto [xlo, xhi] = signedBounds(input);
  xlo -= shape.inputZp;
  xhi -= shape.inputZp;
  if (shape.padded) {
    xlo = std::min<__int128>(xlo, 0);
    xhi = std::max<__int128>(xhi, 0);
  }
  return {xlo, xhi};
}

static std::pair<__int128, __int128> productRange(__int128 alo, __int128 ahi,
                                                  __int128 blo, __int128 bhi) {
  __int128 c[4] = {alo * blo, alo * bhi, ahi * blo, ahi * bhi};
  return {*std::min_element(c, c + 4), *std::max_element(c, c + 4)};
}

unsigned compress::qint::signedBitsFor(int64_t lo, int64_t hi) {
  unsigned bits = 1;
  while (bits < 64 && (lo < -(int64_t(1) << (bits - 1)) ||
                       hi > (int64_t(1) << (bits - 1)) - 1))
    ++bits;
  return bits;
}

int64_t AccumulatorBounds::widestChannel() const {
  int64_t widest = 0;
  unsigned widestBits = 0;
  for (size_t c = 0; c < lo.size(); ++c) {
    unsigned bits = signedBitsFor(lo[c], hi[c]);
    if (bits > widestBits) {
      widest = int64_t(c);
      widestBits = bits;
    }
  }
  return widest;
}

unsigned AccumulatorBounds::bitsNeeded() const {
  int64_t c = widestChannel();
  return lo.empty() ? 1 : signedBitsFor(lo[c], hi[c]);
}

SmallVector<SmallVector<int64_t>>
compress::qint::getChannelWeights(Operation *op) {
  std::optional<AccumulatorShape> shape = accumulatorShape(op);
  std::optional<SmallVector<int64_t>> weights;
  if (!shape || shape->channels < 0 ||
      !(weights = constantInts(shape->weights)))
    return {};
  SmallVector<SmallVector<int64_t>> channels(shape->channels);
  for (int64_t c = 0; c < shape->channels; ++c)
    for (int64_t k = 0; k < shape->reduction; ++k)
      channels[c].push_back((*weights)[shape->weightIndex(c, k)] -
                            shape->weightZp);
  return channels;
}

std::optional<AccumulatorBounds> compress::qint::getAccumulatorBounds(
    Operation *op, ArrayRef<ConstantIntRanges> operandRanges) {
  std::optional<AccumulatorShape> shape = accumulatorShape(op);
  if (!shape || shape->channels < 0 || operandRanges.empty())
    return std::nullopt;
  std::optional<SmallVector<int64_t>> weights = constantInts(shape->weights);
  if (!weights)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> bias;
  std::optional<ConstantIntRanges> biasRange;
  if (shape->bias) {
    bias = constantInts(shape->bias);
    if (!bias && operandRanges.size() > 2)
      biasRange = operandRanges[2];
    if (!bias && !biasRange)
      return std::nullopt;
  }
  auto [tlo, thi] = termRange(operandRanges[0], *shape);
  AccumulatorBounds bounds;
  auto fits = [](__int128 v) { return v >= INT64_MIN && v <= INT64_MAX; };
  if (!fits(tlo) || !fits(thi))
    return std::nullopt;
  bounds.termLo = int64_t(tlo);
  bounds.termHi = int64_t(thi);
  bounds.reduction = shape->reduction;
  for (int64_t c = 0; c < shape->channels; ++c) {
    __int128 clo = 0, chi = 0;
    for (int64_t k = 0; k < shape->reduction; ++k) {
      __int128 w = (*weights)[shape->weightIndex(c, k)] - shape->weightZp;
      auto [plo, phi] = productRange(w, w, tlo, thi);
      clo += plo;
      chi += phi;
    }
    if (bias) {
      clo += (*bias)[c];
      chi += (*bias)[c];
    } else if (biasRange) {
      auto [blo, bhi] = signedBounds(*biasRange);
      clo += blo;
      chi += bhi;
    }
    if (!fits(clo) || !fits(chi))
      return std::nullopt;
    bounds.lo.push_back(int64_t(clo));
    bounds.hi.push_back(int64_t(chi));
  }
  return bounds;
}

/// The range of an accumulating op's result: the exact per-channel bounds
/// when the weights are constants, else products of the operand ranges.
/// An interval that leaves the accumulator type is the whole type: the op
/// may wrap.
static ConstantIntRanges accumulatorRange(Operation *op,
                                          ArrayRef<ConstantIntRanges> argRanges,
                                          Type accType) {
  if (std::optional<AccumulatorBounds> bounds =
          getAccumulatorBounds(op, argRanges)) {
    if (bounds->lo.empty())
      return makeRange(0, 0, accType);
    return makeRange(*llvm::min_element(bounds->lo),
                     *llvm::max_element(bounds->hi), accType);
  }
  std::optional<AccumulatorShape> shape = accumulatorShape(op);
  if (!shape || shape->reduction < 0)
    return ConstantIntRanges::maxRange(elementWidth(accType));
  auto [tlo, thi] = termRange(argRanges[0], *shape);
  auto [wlo, whi] = signedBounds(argRanges[1]);
  wlo -= shape->weightZp;
  whi -= shape->weightZp;
  auto [plo, phi] = productRange(wlo, whi, tlo, thi);
  __int128 lo = plo * shape->reduction, hi = phi * shape->reduction;
  if (shape->bias && argRanges.size() > 2) {
    auto [blo, bhi] = signedBounds(argRanges[2]);
    lo += blo;
    hi += bhi;
  }
  return makeRange(lo, hi, accType);
}

//===----------------------------------------------------------------------===//
// WeightsOp (the rest is in WeightsOp.cpp)
//===----------------------------------------------------------------------===//

void WeightsOp::inferResultRanges(ArrayRef<ConstantIntRanges>,
                                  SetIntRangeFn setResultRange) {
  auto values = constantInts(getResult());
  int64_t lo = 0, hi = 0;
  if (values && !values->empty()) {
    lo = *std::min_element(values->begin(), values->end());
    hi = *std::max_element(values->begin(), values->end());
  }
  setResultRange(getResult(), makeRange(lo, hi, getResult().getType()));
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------===//

std::pair<int64_t, int64_t> QuantizeOp::getClampBounds() {
  Bounds b = typeBounds(getOutput().getType());
  return {getQminAttr() ? getQminAttr().getInt() : b.lo, getQmaxAttr() ? getQmaxAttr().getInt() : b.hi};
}

static LogicalResult verifyScale(Operation *op, double scale) {
  if (!(scale > 0.0) || !std::isfinite(scale))
    return op->emitOpError() << "scale must be positive and finite, got "
                             << scale;
  return success();
}

LogicalResult QuantizeOp::verify() {
  if (failed(verifyScale(*this, getScale().convertToDouble())))
    return failure();
  Type outType = getOutput().getType();
  auto [qmin, qmax] = getClampBounds();
  if (failed(checkInType(*this, "qmin", qmin, outType)) ||
      failed(checkInType(*this, "qmax", qmax, outType)))
    return failure();
  if (qmin > qmax)
    return emitOpError() << "qmin " << qmin << " exceeds qmax " << qmax;
  if (getZeroPointAttr().getInt() < qmin || getZeroPointAttr().getInt() > qmax)
    return emitOpError() << "zero_point " << getZeroPointAttr().getInt()
                         << " is outside [qmin, qmax] = [" << qmin << ", "
                         << qmax << "]";
  return success();
}

void QuantizeOp::inferResultRangesFromOptional(
    ArrayRef<IntegerValueRange>, SetIntLatticeFn setResultRange) {
  auto [qmin, qmax] = getClampBounds();
  setResultRange(getOutput(), makeRange(qmin, qmax, getOutput().getType()));
}

LogicalResult DequantizeOp::verify() {
  if (failed(verifyScale(*this, getScale().convertToDouble())))
    return failure();
  return checkInType(*this, "zero_point", getZeroPointAttr().getInt(),
                     getInput().getType());
}

void DequantizeOp::inferResultRanges(ArrayRef<ConstantIntRanges>,
                                     SetIntRangeFn) {}

//===----------------------------------------------------------------------===//
// Accumulating kernels
//===----------------------------------------------------------------------===//

static LogicalResult verifyBias(Operation *op, Value bias, int64_t channels,
                                Type accType) {
  if (!bias)
    return success();
  auto biasType = cast<RankedTensorType>(bias.getType());
  if (biasType.getRank() != 1 || !dimsMatch(biasType.getDimSize(0), channels))
    return op->emitOpError() << "expects a bias of shape [" << channels
                             << "], got " << biasType;
  if (biasType.getElementType() != getElementTypeOrSelf(accType))
    return op->emitOpError("bias element type must be the accumulator type ")
           << getElementTypeOrSelf(accType);
  return success();
}

LogicalResult Conv2DOp::verify() {
  auto inType = getInput().getType();
  auto wType = getWeights().getType();
  auto outType = getOutput().getType();
  if (inType.getRank() != 4 || wType.getRank() != 4 || outType.getRank() != 4)
    return emitOpError("expects rank-4 input (NHWC), weights (OHWI) and "
                       "output");
  if (!dimsMatch(inType.getDimSize(3), wType.getDimSize(3)))
    return emitOpError("input channels do not match weight channels");
  if (!dimsMatch(inType.getDimSize(0), outType.getDimSize(0)) ||
      !dimsMatch(outType.getDimSize(3), wType.getDimSize(0)))
    return emitOpError("output batch or channels do not match");
  if (failed(checkInType(*this, "input_zp", getInputZpAttr().getInt(), inType)))
    return failure();
  SmallVector<int64_t> kernel = {wType.getDimSize(1), wType.getDimSize(2)};
  if (ShapedType::isDynamic(kernel[0]) || ShapedType::isDynamic(kernel[1]))
    return emitOpError("expects static kernel sizes");
  if (failed(verifyWindow(*this, kernel, getStride(), getPad(), getDilation(),
                          inType.getShape(), outType.getShape())))
    return failure();
  return verifyBias(*this, getBias(), wType.getDimSize(0), outType);
}

void Conv2DOp::inferResultRanges(ArrayRef<ConstantIntRanges> argRanges,
                                 SetIntRangeFn setResultRange) {
  setResultRange(getOutput(), accumulatorRange(*this, argRanges,
                                               getOutput().getType()));
}

LogicalResult DepthwiseConv2DOp::verify() {
  auto inType = getInput().getType();
  auto wType = getWeights().getType();
  auto outType = getOutput().getType();
  if (inType.getRank() != 4 || wType.getRank() != 4 || outType.getRank() != 4)
    return emitOpError("expects rank-4 input (NHWC), weights (HWCM) and "
                       "output");
  if (!dimsMatch(inType.getDimSize(3), wType.getDimSize(2)))
    return emitOpError("input channels do not match weight channels");
  int64_t outChannels = ShapedType::isDynamic(wType.getDimSize(2)) ||
                                ShapedType::isDynamic(wType.getDimSize(3))
                            ? ShapedType::kDynamic
                            : wType.getDimSize(2) * wType.getDimSize(3);
  if (!dimsMatch(inType.getDimSize(0), outType.getDimSize(0)) ||
      !dimsMatch(outType.getDimSize(3), outChannels))
    return emitOpError("output batch or channels do not match");
  if (failed(checkInType(*this, "input_zp", getInputZpAttr().getInt(), inType)))
    return failure();
  SmallVector<int64_t> kernel = {wType.getDimSize(0), wType.getDimSize(1)};
  if (ShapedType::isDynamic(kernel[0]) || ShapedType::isDynamic(kernel[1]))
    return emitOpError("expects static kernel sizes");
  if (failed(verifyWindow(*this, kernel, getStride(), getPad(), getDilation(),
                          inType.getShape(), outType.getShape())))
    return failure();
  return verifyBias(*this, getBias(), outChannels, outType);
}

void DepthwiseConv2DOp::inferResultRanges(
    ArrayRef<ConstantIntRanges> argRanges, SetIntRangeFn setResultRange) {
  setResultRange(getOutput(), accumulatorRange(*this, argRanges,
                                               getOutput().getType()));
}

LogicalResult MatmulOp::verify() {
  auto lType = getLhs().getType();
  auto rType = getRhs().getType();
  auto outType = getOutput().getType();
  if (lType.getRank() != 3 || rType.getRank() != 3 || outType.getRank() != 3)
    return emitOpError("expects rank-3 operands [B,M,K] x [B,K,N] -> [B,M,N]");
  if (!dimsMatch(lType.getDimSize(2), rType.getDimSize(1)))
    return emitOpError("reduction sizes do not match");
  if (!dimsMatch(lType.getDimSize(0), rType.getDimSize(0)) ||
      !dimsMatch(lType.getDimSize(0), outType.getDimSize(0)) ||
      !dimsMatch(lType.getDimSize(1), outType.getDimSize(1)) ||
      !dimsMatch(rType.getDimSize(2), outType.getDimSize(2)))
    return emitOpError("result shape does not match the operands");
  if (failed(checkInType(*this, "lhs_zp", getLhsZpAttr().getInt(), lType)) ||
      failed(checkInType(*this, "rhs_zp", getRhsZpAttr().getInt(), rType)))
    return failure();
  return verifyBias(*this, getBias(), rType.getDimSize(2), outType);
}

void MatmulOp::inferResultRanges(ArrayRef<ConstantIntRanges> argRanges,
                                 SetIntRangeFn setResultRange) {
  setResultRange(getOutput(), accumulatorRange(*this, argRanges,
                                               getOutput().getType()));
}

//===----------------------------------------------------------------------===//
// Fixed-point rescaling
//===----------------------------------------------------------------------===//

static LogicalResult verifyShift(Operation *op, int64_t shift) {
  if (shift < 2 || shift > 62)
    return op->emitOpError() << "shift " << shift
                             << " is outside the range [2, 62] of "
                                "tosa.rescale";
  return success();
}

static LogicalResult verifyClamp(Operation *op, int64_t lo, int64_t hi,
                                 Type type) {
  if (failed(checkInType(op, "clamp_min", lo, type)) ||
      failed(checkInType(op, "clamp_max", hi, type)))
    return failure();
  if (lo > hi)
    return op->emitOpError() << "clamp_min " << lo << " exceeds clamp_max "
                             << hi;
  return success();
}

LogicalResult RequantizeOp::verify() {
  ArrayRef<int32_t> multiplier = getMultiplier();
  ArrayRef<int8_t> shift = getShift();
  if (multiplier.empty() || multiplier.size() != shift.size())
    return emitOpError("expects as many shifts as multipliers, at least one");
  auto inType = getInput().getType();
  if (multiplier.size() > 1) {
    int64_t channels = inType.getRank() ? inType.getShape().back() : 1;
    if (!dimsMatch(channels, multiplier.size()))
      return emitOpError() << "per-channel scaling needs one multiplier per "
                              "element of the last dimension ("
                           << channels << "), got " << multiplier.size();
  }
  for (int32_t m : multiplier)
    if (m < 0)
      return emitOpError("multipliers must be non-negative");
  for (int8_t s : shift)
    if (failed(verifyShift(*this, s)))
      return failure();
  if (elementWidth(inType) > 32)
    return emitOpError("input wider than 32 bits cannot be rescaled with a "
                       "32-bit multiplier");
  Type outType = getOutput().getType();
  if (elementWidth(outType) > 32)
    return emitOpError("result wider than 32 bits is not supported");
  if (failed(checkInType(*this, "input_zp", getInputZpAttr().getInt(), inType)) ||
      failed(checkInType(*this, "output_zp", getOutputZpAttr().getInt(), outType)))
    return failure();
  return verifyClamp(*this, getClampMinAttr().getInt(), getClampMaxAttr().getInt(), outType);
}

void RequantizeOp::inferResultRanges(ArrayRef<ConstantIntRanges>,
                                     SetIntRangeFn setResultRange) {
  setResultRange(getOutput(), makeRange(getClampMinAttr().getInt(), getClampMaxAttr().getInt(),
                                        getOutput().getType()));
}

LogicalResult AddOp::verify() {
  // The I8Attr/I32Attr getters return unsigned values, which would hide a
  // negative multiplier and misreport a negative shift: read the attributes.
  for (int64_t s : {getLhsShiftAttr().getInt(), getRhsShiftAttr().getInt(),
                    getOutputShiftAttr().getInt()})
    if (failed(verifyShift(*this, s)))
      return failure();
  for (int64_t m :
       {getLhsMultiplierAttr().getInt(), getRhsMultiplierAttr().getInt(),
        getOutputMultiplierAttr().getInt()})
    if (m < 0)
      return emitOpError("multipliers must be non-negative");
  Type outType = getOutput().getType();
  if (failed(checkInType(*this, "lhs_zp", getLhsZpAttr().getInt(), getLhs().getType())) ||
      failed(checkInType(*this, "rhs_zp", getRhsZpAttr().getInt(), getRhs().getType())) ||
      failed(checkInType(*this, "output_zp", getOutputZpAttr().getInt(), outType)))
    return failure();
  return verifyClamp(*this, getClampMinAttr().getInt(), getClampMaxAttr().getInt(), outType);
}

void AddOp::inferResultRanges(ArrayRef<ConstantIntRanges>,
                              SetIntRangeFn setResultRange) {
  setResultRange(getOutput(), makeRange(getClampMinAttr().getInt(), getClampMaxAttr().getInt(),
                                        getOutput().getType()));
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

static LogicalResult verifyPool(Operation *op, RankedTensorType inType,
                                RankedTensorType outType,
                                ArrayRef<int64_t> kernel,
                                ArrayRef<int64_t> stride,
                                ArrayRef<int64_t> pad) {
  if (inType.getRank() != 4 || outType.getRank() != 4)
    return op->emitOpError("expects rank-4 (NHWC) input and output");
  if (inType.getElementType() != outType.getElementType())
    return op->emitOpError("input and output element types differ");
  if (!dimsMatch(inType.getDimSize(0), outType.getDimSize(0)) ||
      !dimsMatch(inType.getDimSize(3), outType.getDimSize(3)))
    return op->emitOpError("output batch or channels do not match");
  if (kernel.size() == 2 && pad.size() == 4)
    for (int i = 0; i < 4; ++i)
      if (pad[i] >= kernel[i / 2])
        return op->emitOpError("padding must be smaller than the kernel");
  SmallVector<int64_t> dilation = {1, 1};
  return verifyWindow(op, kernel, stride, pad, dilation, inType.getShape(),
                      outType.getShape());
}

LogicalResult MaxPool2DOp::verify() {
  return verifyPool(*this, getInput().getType(), getOutput().getType(),
                    getKernel(), getStride(), getPad());
}

void MaxPool2DOp::inferResultRanges(ArrayRef<ConstantIntRanges> argRanges,
                                    SetIntRangeFn setResultRange) {
  setResultRange(getOutput(), argRanges[0]);
}

LogicalResult AvgPool2DOp::verify() {
  if (failed(verifyPool(*this, getInput().getType(), getOutput().getType(),
                        getKernel(), getStride(), getPad())))
    return failure();
  if (getAccType().getIntOrFloatBitWidth() != 32)
    return emitOpError("expects an i32 accumulator, as tosa.avg_pool2d");
  if (failed(checkInType(*this, "input_zp", getInputZpAttr().getInt(),
                         getInput().getType())))
    return failure();
  return checkInType(*this, "output_zp", getOutputZpAttr().getInt(), getOutput().getType());
}

void AvgPool2DOp::inferResultRanges(ArrayRef<ConstantIntRanges> argRanges,
                                    SetIntRangeFn setResultRange) {
  // The mean of in-range values (shifted by the zero points) stays in range,
  // up to one step of rounding.
  auto [lo, hi] = signedBounds(argRanges[0]);
  Bounds b = typeBounds(getOutput().getType());
  __int128 shift = __int128(getOutputZpAttr().getInt()) - getInputZpAttr().getInt();
  __int128 rlo = std::max<__int128>(b.lo, lo + shift - 1);
  __int128 rhi = std::min<__int128>(b.hi, hi + shift + 1);
  setResultRange(getOutput(), makeRange(rlo, rhi, getOutput().getType()));
}

#define GET_OP_CLASSES
#include "compress/Dialect/QInt/IR/QIntOps.cpp.inc"
