//===- NarrowAccumulators.cpp - The compress-narrow-accumulators pass -----===//
//
// Proves each accumulator's range from the constant weights and the input
// range (InferIntRangeInterface under MLIR's integer range analysis) and
// gives the accumulator the narrowest type that holds it, or, with
// accumulator-bits=P, requires width P and names every layer that does not
// fit. The program computes the same integers afterwards: a value in range
// never wraps, and the narrow type only says how many bits it needs.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/QInt/Transforms/Passes.h"

#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Dialect/QInt/IR/QInt.h"
#include "compress/Dialect/QInt/Utils/IntegerRanges.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <optional>
#include <string>

namespace compress::qint {
#define GEN_PASS_DEF_NARROWACCUMULATORSPASS
#include "compress/Dialect/QInt/Transforms/Passes.h.inc"
} // namespace compress::qint

using namespace mlir;
using namespace compress;
using namespace compress::qint;

namespace {

/// What the pass proves about one accumulating op.
struct Accumulator {
  Operation *op;
  std::string layer;
  /// Per-channel bounds, when the weights are constants.
  std::optional<AccumulatorBounds> bounds;
  /// The range of every element.
  int64_t lo = 0, hi = 0;
  /// Whether the range is proven at all (else it is the whole type).
  bool proven = false;
  /// Bits the range, the bias constants and the users' zero points need.
  unsigned needed = 0;
  unsigned before = 0, after = 0;
  /// Why the type is kept although it could be narrower.
  std::string kept;
  /// With tile-terms: the range of the widest partial sum over that many
  /// consecutive terms.
  std::optional<std::pair<int64_t, int64_t>> tile;
};

/// The smallest and largest partial sum, bias excluded, over at most
/// `tile` consecutive terms of any channel. The term range is widened to
/// contain 0, so that a window's bound also holds for every shorter run (a
/// last, partial tile).
std::pair<int64_t, int64_t> tileRange(Operation *op,
                                      const AccumulatorBounds &bounds,
                                      int64_t tile) {
  int64_t termLo = std::min<int64_t>(bounds.termLo, 0);
  int64_t termHi = std::max<int64_t>(bounds.termHi, 0);
  int64_t lo = 0, hi = 0;
  for (const SmallVector<int64_t> &w : getChannelWeights(op)) {
    int64_t n = int64_t(w.size()), t = std::min(tile, n);
    // Sliding sums of each term's smallest and largest product.
    int64_t sumLo = 0, sumHi = 0;
    for (int64_t k = 0; k < n; ++k) {
      auto add = [&](int64_t at, int64_t sign) {
        int64_t a = w[at] * termLo, b = w[at] * termHi;
        sumLo += sign * std::min(a, b);
        sumHi += sign * std::max(a, b);
      };
      add(k, 1);
      if (k >= t)
        add(k - t, -1);
      if (k >= t - 1) {
        lo = std::min(lo, sumLo);
        hi = std::max(hi, sumHi);
      }
    }
  }
  return {lo, hi};
}

/// The layer's name: `compress.layer` on the requantize that reads the
/// accumulator (where compress-quantize puts it), else the op's location.
std::string layerName(Operation *op) {
  auto helper = op->getContext()
                    ->getLoadedDialect<CompressionDialect>()
                    ->getLayerAttrHelper();
  for (Operation *user : op->getUsers())
    if (StringAttr name = helper.getAttr(user))
      return name.str();
  if (StringAttr name = helper.getAttr(op))
    return name.str();
  if (auto loc = dyn_cast<FileLineColLoc>(op->getLoc()))
    return llvm::formatv("{0}:{1}:{2}", loc.getFilename(), loc.getLine(),
                         loc.getColumn())
        .str();
  std::string text;
  llvm::raw_string_ostream os(text);
  op->getLoc().print(os);
  return text;
}

Value biasOf(Operation *op) {
  if (auto conv = dyn_cast<Conv2DOp>(op))
    return conv.getBias();
  if (auto conv = dyn_cast<DepthwiseConv2DOp>(op))
    return conv.getBias();
  return cast<MatmulOp>(op).getBias();
}

/// Proves the range of `op`'s accumulator and the bits it needs.
Accumulator analyse(Operation *op, const IntegerRanges &ranges) {
  Accumulator acc{op, layerName(op)};
  Value result = op->getResult(0);
  acc.before = getElementTypeOrSelf(result.getType()).getIntOrFloatBitWidth();
  SmallVector<ConstantIntRanges> operandRanges;
  for (Value operand : op->getOperands())
    operandRanges.push_back(ranges.rangeOf(operand));
  acc.bounds = getAccumulatorBounds(op, operandRanges);
  if (acc.bounds && !acc.bounds->lo.empty()) {
    acc.lo = *llvm::min_element(acc.bounds->lo);
    acc.hi = *llvm::max_element(acc.bounds->hi);
    // Bounds beyond the type mean the sum can wrap.
    acc.proven = signedBitsFor(acc.lo, acc.hi) <= acc.before;
  } else {
    // Without exact bounds the analysis gives the whole type when the sum
    // can wrap.
    ConstantIntRanges range = ranges.rangeOf(result);
    acc.lo = range.smin().getSExtValue();
    acc.hi = range.smax().getSExtValue();
    acc.proven =
        !(range.smin().isMinSignedValue() && range.smax().isMaxSignedValue());
  }
  acc.needed = std::max(2u, signedBitsFor(acc.lo, acc.hi));

  // The new type must also hold the bias constants and the zero points
  // the users subtract from the accumulator.
  if (Value bias = biasOf(op)) {
    DenseIntElementsAttr values;
    if (matchPattern(bias, m_Constant(&values))) {
      for (const APInt &v : values.getValues<APInt>())
        acc.needed = std::max(acc.needed,
                              signedBitsFor(v.getSExtValue(), v.getSExtValue()));
    } else {
      acc.kept = "its bias is not a constant";
    }
  }
  for (Operation *user : result.getUsers()) {
    int64_t zp;
    if (auto requantize = dyn_cast<RequantizeOp>(user))
      zp = requantize.getInputZpAttr().getInt();
    else if (auto dequantize = dyn_cast<DequantizeOp>(user))
      zp = dequantize.getZeroPointAttr().getInt();
    else {
      acc.kept = ("'" + user->getName().getStringRef() +
                  "' reads it (only qint.requantize and qint.dequantize "
                  "read narrow accumulators)")
                     .str();
      continue;
    }
    acc.needed = std::max(acc.needed, signedBitsFor(zp, zp));
  }
  acc.after = acc.before;
  return acc;
}

/// Rewrites `acc.op`'s accumulator, and its constant bias, to `width` bits.
void narrow(Accumulator &acc, unsigned width) {
  Operation *op = acc.op;
  OpBuilder builder(op);
  Type elementType = builder.getIntegerType(width);
  if (Value bias = biasOf(op)) {
    DenseIntElementsAttr values;
    bool constant = matchPattern(bias, m_Constant(&values));
    assert(constant && "analyse keeps accumulators with other biases");
    (void)constant;
    auto type = cast<RankedTensorType>(bias.getType()).clone(elementType);
    SmallVector<APInt> narrowed;
    for (const APInt &v : values.getValues<APInt>())
      narrowed.push_back(v.trunc(width));
    Value newBias = arith::ConstantOp::create(
        builder, op->getLoc(), DenseIntElementsAttr::get(type, narrowed));
    Operation *old = bias.getDefiningOp();
    op->setOperand(2, newBias);
    if (old && old->use_empty())
      old->erase();
  }
  Value result = op->getResult(0);
  result.setType(cast<RankedTensorType>(result.getType()).clone(elementType));
  acc.after = width;
}

llvm::json::Object toJson(const Accumulator &acc) {
  auto typeName = [](unsigned width) { return "i" + std::to_string(width); };
  llvm::json::Object entry{
      {"layer", acc.layer},
      {"op", acc.op->getName().getStringRef()},
      {"proven", acc.proven},
      {"bound", llvm::json::Array{acc.lo, acc.hi}},
      {"bits_needed", int64_t(acc.needed)},
      {"type_before", typeName(acc.before)},
      {"type_after", typeName(acc.after)},
  };
  if (acc.bounds && !acc.bounds->lo.empty()) {
    int64_t c = acc.bounds->widestChannel();
    entry["channels"] = int64_t(acc.bounds->lo.size());
    entry["terms_per_channel"] = acc.bounds->reduction;
    entry["term_range"] =
        llvm::json::Array{acc.bounds->termLo, acc.bounds->termHi};
    entry["widest_channel"] = c;
    entry["widest_channel_bound"] =
        llvm::json::Array{acc.bounds->lo[c], acc.bounds->hi[c]};
  }
  if (!acc.kept.empty())
    entry["kept_because"] = acc.kept;
  if (acc.tile) {
    entry["tile_bound"] = llvm::json::Array{acc.tile->first, acc.tile->second};
    entry["tile_bits"] =
        int64_t(signedBitsFor(acc.tile->first, acc.tile->second));
  }
  return entry;
}

struct NarrowAccumulatorsPass
    : public compress::qint::impl::NarrowAccumulatorsPassBase<
          NarrowAccumulatorsPass> {
  using NarrowAccumulatorsPassBase::NarrowAccumulatorsPassBase;

  LogicalResult initialize(MLIRContext *context) override {
    Location loc = UnknownLoc::get(context);
    if (accumulatorBits != 0 && (accumulatorBits < 2 || accumulatorBits > 32))
      return emitError(loc) << "compress-narrow-accumulators: "
                               "accumulator-bits must be 0 or in [2, 32], got "
                            << int64_t(accumulatorBits);
    if (tileTerms < 0)
      return emitError(loc) << "compress-narrow-accumulators: tile-terms "
                               "must be non-negative, got "
                            << int64_t(tileTerms);
    for (int64_t width : widths)
      if (width < 2 || width > 32)
        return emitError(loc) << "compress-narrow-accumulators: widths must "
                                 "be in [2, 32], got "
                              << width;
    return success();
  }

  /// The width `acc` gets, or its own if none narrower is allowed. Above
  /// 32 bits the IR names only i48 and i64.
  unsigned chooseWidth(const Accumulator &acc) const {
    if (accumulatorBits != 0)
      return std::min<unsigned>(acc.before, unsigned(accumulatorBits));
    if (acc.needed > 32)
      return acc.needed <= 48 ? std::min(acc.before, 48u) : acc.before;
    if (widths.empty())
      return acc.needed;
    unsigned best = acc.before;
    for (int64_t width : widths)
      if (unsigned(width) >= acc.needed && unsigned(width) < best)
        best = unsigned(width);
    return best;
  }

  void runOnOperation() override {
    std::vector<Accumulator> accumulators;
    bool failed = false;
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      IntegerRanges ranges;
      if (mlir::failed(ranges.run(func))) {
        func.emitError("integer range analysis failed");
        return signalPassFailure();
      }
      // Analyse everything before rewriting: the analysis describes the IR
      // as it was.
      size_t first = accumulators.size();
      func.walk([&](Operation *op) {
        if (!isa<Conv2DOp, DepthwiseConv2DOp, MatmulOp>(op))
          return;
        accumulators.push_back(analyse(op, ranges));
        Accumulator &acc = accumulators.back();
        if (tileTerms > 0 && acc.bounds && !acc.bounds->lo.empty())
          acc.tile = tileRange(op, *acc.bounds, tileTerms);
      });
      for (size_t i = first; i < accumulators.size(); ++i) {
        Accumulator &acc = accumulators[i];
        ++numAccumulators;
        bool fits = acc.proven && acc.needed <= acc.before;
        if (accumulatorBits != 0 &&
            (!fits || acc.needed > unsigned(accumulatorBits) ||
             (!acc.kept.empty() && acc.before > unsigned(accumulatorBits)))) {
          reportUnproven(acc);
          failed = true;
          continue;
        }
        unsigned width = chooseWidth(acc);
        if (!fits || !acc.kept.empty() || width >= acc.before)
          continue;
        narrow(acc, width);
        ++numNarrowed;
      }
    }
    if (!report.empty() && mlir::failed(writeReport(accumulators)))
      failed = true;
    if (failed)
      signalPassFailure();
  }

  void reportUnproven(const Accumulator &acc) {
    ++numUnproven;
    InFlightDiagnostic diag = acc.op->emitError()
                              << "accumulator of layer '" << acc.layer
                              << "' is not proven to fit accumulator-bits="
                              << int64_t(accumulatorBits) << ": ";
    if (!acc.proven) {
      diag << "its range is not bounded (it may wrap in "
           << acc.before << " bits)";
      return;
    }
    if (acc.needed <= unsigned(accumulatorBits)) {
      diag << "it fits, but " << acc.kept;
      return;
    }
    diag << "it needs " << acc.needed << " bits";
    if (acc.bounds && !acc.bounds->lo.empty()) {
      int64_t c = acc.bounds->widestChannel();
      diag << "; output channel " << c << " ranges over ["
           << acc.bounds->lo[c] << ", " << acc.bounds->hi[c] << "]";
    } else {
      diag << "; it ranges over [" << acc.lo << ", " << acc.hi << "]";
    }
  }

  LogicalResult writeReport(const std::vector<Accumulator> &accumulators) {
    llvm::json::Array layers;
    for (const Accumulator &acc : accumulators)
      layers.push_back(toJson(acc));
    llvm::json::Object root{{"accumulators", std::move(layers)}};
    if (accumulatorBits != 0)
      root["accumulator_bits"] = int64_t(accumulatorBits);
    std::error_code ec;
    llvm::raw_fd_ostream os(report, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return getOperation().emitError()
             << "compress-narrow-accumulators: cannot write report '"
             << report << "': " << ec.message();
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
    return success();
  }
};

} // namespace
