//===- ElementwiseKernels.cpp - Elementwise TOSA kernels ------------------===//
//
// Broadcasting binary ops, unary math, clamp, cast, rescale and table, for
// float and integer element types, with TOSA's integer semantics (results
// wrap to the result type; fixed-point ops round as upstream lowers them).
//
//===----------------------------------------------------------------------===//

#include "Indexing.h"
#include "Kernels.h"
#include "compress/Support/FixedPoint.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>

using namespace mlir;
using namespace compress;
using namespace compress::detail;

namespace {

/// Shapes of a binary op's operands padded to the result rank.
bool checkBroadcast(KernelContext &ctx, const Tensor &a, const Tensor &b) {
  const Tensor &out = ctx.results[0];
  if (a.rank() != out.rank() || b.rank() != out.rank())
    return false;
  for (int64_t d = 0; d < out.rank(); ++d)
    if ((a.dim(d) != out.dim(d) && a.dim(d) != 1) ||
        (b.dim(d) != out.dim(d) && b.dim(d) != 1))
      return false;
  return true;
}

enum class BinaryKind { Add, Sub, Maximum, Minimum, Pow, IntDiv, Equal,
                        Greater, GreaterEqual, LogicalAnd, LogicalOr,
                        BitwiseAnd, BitwiseOr, BitwiseXor };

/// Applies a binary op to float32 operands; comparisons store 0 or 1 into
/// an integer result.
template <BinaryKind Kind>
void floatBinary(const Tensor &a, const Tensor &b, Tensor &out) {
  const float *x = a.f32().data(), *y = b.f32().data();
  auto apply = [&](auto store) {
    forEachBroadcast(out.shape(), a.shape(), b.shape(),
                     [&](int64_t o, int64_t i, int64_t j) {
                       float p = x[i], q = y[j];
                       switch (Kind) {
                       case BinaryKind::Add: store(o, p + q); break;
                       case BinaryKind::Sub: store(o, p - q); break;
                       case BinaryKind::Maximum:
                         store(o, std::isnan(p) || std::isnan(q)
                                      ? NAN
                                      : std::max(p, q));
                         break;
                       case BinaryKind::Minimum:
                         store(o, std::isnan(p) || std::isnan(q)
                                      ? NAN
                                      : std::min(p, q));
                         break;
                       case BinaryKind::Pow: store(o, std::pow(p, q)); break;
                       case BinaryKind::Equal: store(o, p == q); break;
                       case BinaryKind::Greater: store(o, p > q); break;
                       case BinaryKind::GreaterEqual: store(o, p >= q); break;
                       default: break;
                       }
                     });
  };
  if (out.dtype() == DType::F32)
    apply([&](int64_t o, float v) { out.f32()[o] = v; });
  else
    apply([&](int64_t o, float v) { out.ints()[o] = int64_t(v); });
}

/// Applies a binary op to integer operands, wrapping to the result type.
/// Returns false on a division by zero.
template <BinaryKind Kind>
bool integerBinary(const Tensor &a, const Tensor &b, Tensor &out) {
  const int64_t *x = a.ints().data(), *y = b.ints().data();
  int64_t *z = out.ints().data();
  DType rt = out.dtype();
  bool divideByZero = false;
  forEachBroadcast(out.shape(), a.shape(), b.shape(),
                   [&](int64_t o, int64_t i, int64_t j) {
                     int64_t p = x[i], q = y[j], r = 0;
                     switch (Kind) {
                     case BinaryKind::Add:
                       r = int64_t(uint64_t(p) + uint64_t(q));
                       break;
                     case BinaryKind::Sub:
                       r = int64_t(uint64_t(p) - uint64_t(q));
                       break;
                     case BinaryKind::Maximum: r = std::max(p, q); break;
                     case BinaryKind::Minimum: r = std::min(p, q); break;
                     case BinaryKind::IntDiv:
                       if (q == 0) {
                         divideByZero = true;
                         break;
                       }
                       r = p / q;
                       break;
                     case BinaryKind::Equal: r = p == q; break;
                     case BinaryKind::Greater: r = p > q; break;
                     case BinaryKind::GreaterEqual: r = p >= q; break;
                     case BinaryKind::LogicalAnd: r = p && q; break;
                     case BinaryKind::LogicalOr: r = p || q; break;
                     case BinaryKind::BitwiseAnd: r = p & q; break;
                     case BinaryKind::BitwiseOr: r = p | q; break;
                     case BinaryKind::BitwiseXor: r = p ^ q; break;
                     case BinaryKind::Pow: r = 0; break;
                     }
                     z[o] = wrapInt(r, rt);
                   });
  return !divideByZero;
}

/// Allocates a binary op's result and checks that its operands broadcast
/// to it.
static LogicalResult prepareBinary(KernelContext &ctx) {
  if (failed(ctx.allocResult(0)))
    return failure();
  if (!checkBroadcast(ctx, ctx.operand(0), ctx.operand(1)))
    return ctx.fail("operand shapes do not broadcast to the result");
  return success();
}

/// A TOSA binary op with broadcasting, on float32 or integer operands.
template <BinaryKind Kind>
LogicalResult binaryKernel(KernelContext &ctx) {
  if (failed(prepareBinary(ctx)))
    return failure();
  const Tensor &a = ctx.operand(0), &b = ctx.operand(1);
  Tensor &out = ctx.results[0];
  if (isFloat(a.dtype()) && a.dtype() == DType::F32) {
    floatBinary<Kind>(a, b, out);
    return success();
  }
  if (isFloat(a.dtype()))
    return ctx.fail("unsupported float element type");
  if (!integerBinary<Kind>(a, b, out))
    return ctx.fail("integer division by zero");
  return success();
}

enum class ShiftKind { LogicalLeft, LogicalRight, ArithmeticRight };

/// tosa.logical_left_shift, tosa.logical_right_shift and
/// tosa.arithmetic_right_shift (with its `round` attribute) on integers of
/// the element width: logical shifts act on the width's bit pattern, shift
/// amounts outside [0, width) are an error, as TOSA specifies.
template <ShiftKind Kind>
LogicalResult shiftKernel(KernelContext &ctx) {
  if (failed(prepareBinary(ctx)))
    return failure();
  const Tensor &a = ctx.operand(0), &b = ctx.operand(1);
  Tensor &out = ctx.results[0];
  if (isFloat(a.dtype()))
    return ctx.fail("shifts take integers");
  unsigned width = intBitWidth(a.dtype());
  uint64_t mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
  bool round = false;
  if (auto attr = ctx.op->getAttrOfType<BoolAttr>("round"))
    round = attr.getValue();
  const int64_t *x = a.ints().data(), *y = b.ints().data();
  int64_t *z = out.ints().data();
  DType rt = out.dtype();
  bool outOfRange = false;
  forEachBroadcast(out.shape(), a.shape(), b.shape(),
                   [&](int64_t o, int64_t i, int64_t j) {
                     int64_t p = x[i], q = y[j], r = 0;
                     if (q < 0 || q >= int64_t(width)) {
                       outOfRange = true;
                       return;
                     }
                     switch (Kind) {
                     case ShiftKind::LogicalLeft:
                       r = int64_t((uint64_t(p) << q) & mask);
                       break;
                     case ShiftKind::LogicalRight:
                       r = int64_t((uint64_t(p) & mask) >> q);
                       break;
                     case ShiftKind::ArithmeticRight:
                       r = p >> q;
                       if (round && q > 0)
                         r += (p >> (q - 1)) & 1;
                       break;
                     }
                     z[o] = wrapInt(r, rt);
                   });
  if (outOfRange)
    return ctx.fail("a shift amount is outside [0, " + Twine(width) + ")");
  return success();
}

/// tosa.mul: float product, or integer product with a rounding right shift
/// (shift operand; 0 for a plain product).
LogicalResult mulKernel(KernelContext &ctx) {
  if (failed(prepareBinary(ctx)))
    return failure();
  const Tensor &a = ctx.operand(0), &b = ctx.operand(1);
  Tensor &out = ctx.results[0];
  int64_t shift = ctx.operands.size() > 2 ? scalarInt(ctx.operand(2)) : 0;
  if (a.dtype() == DType::F32) {
    const float *x = a.f32().data(), *y = b.f32().data();
    float *z = out.f32().data();
    forEachBroadcast(out.shape(), a.shape(), b.shape(),
                     [&](int64_t o, int64_t i, int64_t j) {
                       z[o] = x[i] * y[j];
                     });
    return success();
  }
  if (isFloat(a.dtype()))
    return ctx.fail("unsupported float element type");
  if (shift < 0 || shift > 63)
    return ctx.fail("mul shift must be in [0, 63]");
  const int64_t *x = a.ints().data(), *y = b.ints().data();
  int64_t *z = out.ints().data();
  DType rt = out.dtype();
  forEachBroadcast(out.shape(), a.shape(), b.shape(),
                   [&](int64_t o, int64_t i, int64_t j) {
                     int64_t r = int64_t(uint64_t(x[i]) * uint64_t(y[j]));
                     if (shift > 0)
                       r = (r + (int64_t(1) << (shift - 1))) >> shift;
                     z[o] = wrapInt(r, rt);
                   });
  return success();
}

enum class UnaryKind { Sigmoid, Tanh, Exp, Log, Reciprocal, Rsqrt, Abs,
                       Negate, Floor, Ceil, Erf, Sin, Cos, LogicalNot,
                       BitwiseNot, Identity };

template <UnaryKind Kind>
LogicalResult unaryKernel(KernelContext &ctx) {
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &a = ctx.operand(0);
  Tensor &out = ctx.results[0];
  if (a.size() != out.size())
    return ctx.fail("operand and result sizes differ");
  if (a.dtype() == DType::F32 && out.dtype() == DType::F32) {
    const float *x = a.f32().data();
    float *z = out.f32().data();
    for (int64_t i = 0, e = a.size(); i < e; ++i) {
      float v = x[i];
      switch (Kind) {
      case UnaryKind::Sigmoid: v = 1.0f / (1.0f + std::exp(-v)); break;
      case UnaryKind::Tanh: v = std::tanh(v); break;
      case UnaryKind::Exp: v = std::exp(v); break;
      case UnaryKind::Log: v = std::log(v); break;
      case UnaryKind::Reciprocal: v = 1.0f / v; break;
      case UnaryKind::Rsqrt: v = 1.0f / std::sqrt(v); break;
      case UnaryKind::Abs: v = std::fabs(v); break;
      case UnaryKind::Negate: v = -v; break;
      case UnaryKind::Floor: v = std::floor(v); break;
      case UnaryKind::Ceil: v = std::ceil(v); break;
      case UnaryKind::Erf: v = std::erf(v); break;
      case UnaryKind::Sin: v = std::sin(v); break;
      case UnaryKind::Cos: v = std::cos(v); break;
      default: break;
      }
      z[i] = v;
    }
    return success();
  }
  if (isFloat(a.dtype()) || isFloat(out.dtype()))
    return ctx.fail("unsupported element type for this op");
  const int64_t *x = a.ints().data();
  int64_t *z = out.ints().data();
  // TOSA 1.0 negate on integers carries input/output zero points.
  int64_t inZp = 0, outZp = 0;
  if (Kind == UnaryKind::Negate && ctx.operands.size() >= 3) {
    inZp = scalarInt(ctx.operand(1));
    outZp = scalarInt(ctx.operand(2));
  }
  for (int64_t i = 0, e = a.size(); i < e; ++i) {
    int64_t v = x[i];
    switch (Kind) {
    case UnaryKind::Abs: v = v < 0 ? -v : v; break;
    case UnaryKind::Negate:
      v = std::clamp<int64_t>(outZp - (v - inZp), intMin(out.dtype()),
                              intMax(out.dtype()));
      break;
    case UnaryKind::LogicalNot: v = !v; break;
    case UnaryKind::BitwiseNot: v = ~v; break;
    case UnaryKind::Identity: break;
    default: return ctx.fail("op is not defined on integers");
    }
    z[i] = wrapInt(v, out.dtype());
  }
  return success();
}

LogicalResult clampKernel(KernelContext &ctx) {
  auto clamp = cast<tosa::ClampOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &a = ctx.operand(0);
  Tensor &out = ctx.results[0];
  if (a.dtype() == DType::F32) {
    float lo = cast<FloatAttr>(clamp.getMinValAttr()).getValueAsDouble();
    float hi = cast<FloatAttr>(clamp.getMaxValAttr()).getValueAsDouble();
    const float *x = a.f32().data();
    float *z = out.f32().data();
    for (int64_t i = 0, e = a.size(); i < e; ++i) {
      float v = x[i];
      z[i] = std::isnan(v) ? v : std::min(std::max(v, lo), hi);
    }
    return success();
  }
  if (isFloat(a.dtype()))
    return ctx.fail("unsupported float element type");
  int64_t lo = cast<IntegerAttr>(clamp.getMinValAttr()).getValue().getSExtValue();
  int64_t hi = cast<IntegerAttr>(clamp.getMaxValAttr()).getValue().getSExtValue();
  for (int64_t i = 0, e = a.size(); i < e; ++i)
    out.ints()[i] = std::clamp(a.ints()[i], lo, hi);
  return success();
}

LogicalResult selectKernel(KernelContext &ctx) {
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &c = ctx.operand(0), &a = ctx.operand(1), &b = ctx.operand(2);
  Tensor &out = ctx.results[0];
  if (!checkBroadcast(ctx, a, b) || c.rank() != out.rank())
    return ctx.fail("operand shapes do not broadcast to the result");
  // Broadcast the condition against the result, then pick per element.
  Tensor cond(DType::I1, out.shape());
  forEachBroadcast(out.shape(), c.shape(), out.shape(),
                   [&](int64_t o, int64_t i, int64_t) {
                     cond.ints()[o] = c.ints()[i];
                   });
  forEachBroadcast(out.shape(), a.shape(), b.shape(),
                   [&](int64_t o, int64_t i, int64_t j) {
                     bool pick = cond.ints()[o];
                     if (out.dtype() == DType::F32)
                       out.f32()[o] = pick ? a.f32()[i] : b.f32()[j];
                     else
                       out.ints()[o] = pick ? a.ints()[i] : b.ints()[j];
                   });
  return success();
}

LogicalResult castKernel(KernelContext &ctx) {
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &a = ctx.operand(0);
  Tensor &out = ctx.results[0];
  DType from = a.dtype(), to = out.dtype();
  for (int64_t i = 0, e = a.size(); i < e; ++i) {
    if (isFloat(from) && isFloat(to)) {
      double v = a.getAsDouble(i);
      if (to == DType::F32)
        out.f32()[i] = float(v);
      else
        out.f64()[i] = v;
    } else if (isFloat(from)) {
      double v = a.getAsDouble(i);
      if (to == DType::I1) {
        out.ints()[i] = v != 0.0;
        continue;
      }
      // Round half to even and saturate. NaN becomes the largest value:
      // upstream's f32 -> i32 lowering does that (its overflow test is true
      // for NaN); for narrower types its result is undefined, and the same
      // choice keeps the kernel uniform.
      double r = std::isnan(v) ? double(intMax(to)) : std::nearbyint(v);
      r = std::clamp(r, double(intMin(to)), double(intMax(to)));
      out.ints()[i] = int64_t(r);
    } else if (isFloat(to)) {
      int64_t v = a.ints()[i];
      if (to == DType::F32)
        out.f32()[i] = float(v);
      else
        out.f64()[i] = double(v);
    } else {
      int64_t v = a.ints()[i];
      out.ints()[i] = to == DType::I1 ? v != 0 : wrapInt(v, to);
    }
  }
  return success();
}

/// tosa.rescale through the fixed-point helpers.
LogicalResult rescaleKernel(KernelContext &ctx) {
  auto op = cast<tosa::RescaleOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  if (isFloat(in.dtype()) || isFloat(out.dtype()))
    return ctx.fail("rescale needs integer operands");
  SmallVector<int64_t> multiplier = shapeValues(ctx.operand(1));
  SmallVector<int64_t> shift = shapeValues(ctx.operand(2));
  int64_t inZp = scalarInt(ctx.operand(3)), outZp = scalarInt(ctx.operand(4));
  bool inUnsigned = op.getInputUnsigned(), outUnsigned = op.getOutputUnsigned();
  unsigned inBits = intBitWidth(in.dtype()), outBits = intBitWidth(out.dtype());
  // Zero points of unsigned operands are read as unsigned values.
  if (inUnsigned)
    inZp = int64_t(uint64_t(inZp) & ((uint64_t(1) << inBits) - 1));
  if (outUnsigned)
    outZp = int64_t(uint64_t(outZp) & ((uint64_t(1) << outBits) - 1));
  auto [outMin, outMax] = rescaleClampRange(outBits, outUnsigned);
  RescaleRounding rounding =
      op.getRoundingMode() == tosa::RoundingMode::DOUBLE_ROUND
          ? RescaleRounding::Double
          : RescaleRounding::Single;
  if (op.getRoundingMode() == tosa::RoundingMode::INEXACT_ROUND)
    return ctx.fail("rescale with INEXACT_ROUND is not supported");
  int64_t channels = in.rank() ? in.shape().back() : 1;
  bool perChannel = op.getPerChannel();
  if (perChannel && (int64_t(multiplier.size()) != channels ||
                     int64_t(shift.size()) != channels))
    return ctx.fail("per-channel rescale needs one multiplier and shift per "
                    "channel");
  if (multiplier.empty() || shift.empty())
    return ctx.fail("rescale needs a multiplier and a shift");
  for (int64_t i = 0, e = in.size(); i < e; ++i) {
    int64_t c = perChannel ? i % channels : 0;
    int64_t v = in.ints()[i];
    if (inUnsigned)
      v = int64_t(uint64_t(v) & ((uint64_t(1) << inBits) - 1));
    int64_t r = rescaleElement(v, inZp, int32_t(multiplier[c]),
                               int8_t(shift[c]), outZp, rounding, outMin,
                               outMax, inBits);
    out.ints()[i] = wrapInt(r, out.dtype());
  }
  return success();
}

/// tosa.table: 8-bit lookup, or 16-bit lookup with linear interpolation
/// between 513 entries giving a 32-bit result (TOSA spec).
LogicalResult tableKernel(KernelContext &ctx) {
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0), &table = ctx.operand(1);
  Tensor &out = ctx.results[0];
  if (in.dtype() == DType::I8) {
    if (table.size() != 256)
      return ctx.fail("an i8 table needs 256 entries");
    for (int64_t i = 0, e = in.size(); i < e; ++i)
      out.ints()[i] = wrapInt(table.ints()[in.ints()[i] + 128], out.dtype());
    return success();
  }
  if (in.dtype() == DType::I16) {
    if (table.size() != 513)
      return ctx.fail("an i16 table needs 513 entries");
    for (int64_t i = 0, e = in.size(); i < e; ++i) {
      int64_t v = in.ints()[i] + 32768;
      int64_t index = v >> 7, fraction = v & 0x7f;
      int64_t base = table.ints()[index], next = table.ints()[index + 1];
      out.ints()[i] = wrapInt(base * 128 + (next - base) * fraction,
                              out.dtype());
    }
    return success();
  }
  return ctx.fail("table needs an i8 or i16 input");
}

} // namespace

void compress::detail::registerElementwiseKernels(KernelTable &table) {
  table["tosa.add"] = binaryKernel<BinaryKind::Add>;
  table["tosa.sub"] = binaryKernel<BinaryKind::Sub>;
  table["tosa.maximum"] = binaryKernel<BinaryKind::Maximum>;
  table["tosa.minimum"] = binaryKernel<BinaryKind::Minimum>;
  table["tosa.pow"] = binaryKernel<BinaryKind::Pow>;
  table["tosa.intdiv"] = binaryKernel<BinaryKind::IntDiv>;
  table["tosa.equal"] = binaryKernel<BinaryKind::Equal>;
  table["tosa.greater"] = binaryKernel<BinaryKind::Greater>;
  table["tosa.greater_equal"] = binaryKernel<BinaryKind::GreaterEqual>;
  table["tosa.logical_and"] = binaryKernel<BinaryKind::LogicalAnd>;
  table["tosa.logical_or"] = binaryKernel<BinaryKind::LogicalOr>;
  table["tosa.bitwise_and"] = binaryKernel<BinaryKind::BitwiseAnd>;
  table["tosa.bitwise_or"] = binaryKernel<BinaryKind::BitwiseOr>;
  table["tosa.bitwise_xor"] = binaryKernel<BinaryKind::BitwiseXor>;
  table["tosa.logical_left_shift"] = shiftKernel<ShiftKind::LogicalLeft>;
  table["tosa.logical_right_shift"] = shiftKernel<ShiftKind::LogicalRight>;
  table["tosa.arithmetic_right_shift"] =
      shiftKernel<ShiftKind::ArithmeticRight>;
  table["tosa.mul"] = mulKernel;
  table["tosa.sigmoid"] = unaryKernel<UnaryKind::Sigmoid>;
  table["tosa.tanh"] = unaryKernel<UnaryKind::Tanh>;
  table["tosa.exp"] = unaryKernel<UnaryKind::Exp>;
  table["tosa.log"] = unaryKernel<UnaryKind::Log>;
  table["tosa.reciprocal"] = unaryKernel<UnaryKind::Reciprocal>;
  table["tosa.rsqrt"] = unaryKernel<UnaryKind::Rsqrt>;
  table["tosa.abs"] = unaryKernel<UnaryKind::Abs>;
  table["tosa.negate"] = unaryKernel<UnaryKind::Negate>;
  table["tosa.floor"] = unaryKernel<UnaryKind::Floor>;
  table["tosa.ceil"] = unaryKernel<UnaryKind::Ceil>;
  table["tosa.erf"] = unaryKernel<UnaryKind::Erf>;
  table["tosa.sin"] = unaryKernel<UnaryKind::Sin>;
  table["tosa.cos"] = unaryKernel<UnaryKind::Cos>;
  table["tosa.logical_not"] = unaryKernel<UnaryKind::LogicalNot>;
  table["tosa.bitwise_not"] = unaryKernel<UnaryKind::BitwiseNot>;
  table["tosa.identity"] = unaryKernel<UnaryKind::Identity>;
  table["tosa.clamp"] = clampKernel;
  table["tosa.select"] = selectKernel;
  table["tosa.cast"] = castKernel;
  table["tosa.rescale"] = rescaleKernel;
  table["tosa.table"] = tableKernel;
}
