//===- TestAccumulatorBounds.cpp - Soundness checks of accumulator bounds -===//
//
// `test-accumulator-bounds` checks, for every accumulating qint op with
// constant weights, the per-channel bounds that compress-narrow-accumulators
// proves: random term vectors (uniform over the term range and at its ends)
// never leave their channel's bound, the reference evaluator's results on
// random inputs never leave it, and the input that puts every term at the
// end of its range matching the sign of its weight makes the evaluator
// produce exactly the widest channel's upper (and, mirrored, lower) bound.
// One line per op on stdout.
//
//===----------------------------------------------------------------------===//

#include "TestAccumulatorBounds.h"

#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Dialect/QInt/IR/QInt.h"
#include "compress/Dialect/QInt/Utils/IntegerRanges.h"
#include "compress/Evaluator/Evaluator.h"
#include "compress/Support/Parallel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <string>
#include <vector>

using namespace mlir;
using namespace compress;
using namespace compress::qint;

namespace {

/// splitmix64: fast, and enough for drawing test inputs.
struct Random {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [lo, hi].
  int64_t uniform(int64_t lo, int64_t hi) {
    return lo + int64_t(next() % uint64_t(hi - lo + 1));
  }
};

/// Where term `k` of output channel `channel` reads the input, for the
/// output element `outIndex`; and that element. Conv windows are placed at
/// the first output position whose window lies inside the input, so that
/// every term reads an input element (not padding).
struct Placement {
  int64_t outIndex = 0;
  std::vector<int64_t> inputIndex;
};

std::optional<Placement> place(Operation *op, int64_t channel,
                               int64_t terms) {
  auto inType = cast<RankedTensorType>(op->getOperand(0).getType());
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  if (!inType.hasStaticShape() || !outType.hasStaticShape())
    return std::nullopt;
  ArrayRef<int64_t> in = inType.getShape(), out = outType.getShape();
  Placement p;
  if (isa<MatmulOp>(op)) {
    p.outIndex = channel; // batch 0, row 0
    for (int64_t k = 0; k < terms; ++k)
      p.inputIndex.push_back(k);
    return p;
  }
  ArrayRef<int64_t> pad, stride, dilation;
  int64_t kh, kw, multiplier = 1;
  bool depthwise = false;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    auto w = conv.getWeights().getType();
    kh = w.getDimSize(1), kw = w.getDimSize(2);
    pad = conv.getPad(), stride = conv.getStride(), dilation = conv.getDilation();
  } else {
    auto dw = cast<DepthwiseConv2DOp>(op);
    auto w = dw.getWeights().getType();
    kh = w.getDimSize(0), kw = w.getDimSize(1), multiplier = w.getDimSize(3);
    pad = dw.getPad(), stride = dw.getStride(), dilation = dw.getDilation();
    depthwise = true;
  }
  auto inside = [&](int64_t o, int axis, int64_t k) {
    int64_t first = o * stride[axis] - pad[2 * axis];
    int64_t last = first + (k - 1) * dilation[axis];
    return first >= 0 && last < in[1 + axis];
  };
  int64_t y = 0, x = 0;
  while (y < out[1] && !inside(y, 0, kh))
    ++y;
  while (x < out[2] && !inside(x, 1, kw))
    ++x;
  if (y == out[1] || x == out[2])
    return std::nullopt;
  p.outIndex = (y * out[2] + x) * out[3] + channel;
  int64_t c = in[3];
  for (int64_t k = 0; k < terms; ++k) {
    int64_t tap = depthwise ? k : k / c;
    int64_t ci = depthwise ? channel / multiplier : k % c;
    int64_t row = y * stride[0] - pad[0] + (tap / kw) * dilation[0];
    int64_t col = x * stride[1] - pad[2] + (tap % kw) * dilation[1];
    p.inputIndex.push_back((row * in[2] + col) * c + ci);
  }
  return p;
}

/// The op's constant operands (weights, bias) as the evaluator sees them.
llvm::Expected<SmallVector<Tensor>> constantOperands(Operation *op) {
  SmallVector<Tensor> operands;
  for (Value operand : op->getOperands().drop_front()) {
    if (auto weights = operand.getDefiningOp<WeightsOp>()) {
      Tensor t(DType::I8, weights.getType().getShape());
      std::vector<int8_t> values = weights.getUnpackedValues();
      t.ints().assign(values.begin(), values.end());
      operands.push_back(std::move(t));
      continue;
    }
    Attribute attr;
    FailureOr<Tensor> value = failure();
    if (matchPattern(operand, m_Constant(&attr)))
      value = tensorFromAttr(attr);
    if (failed(value))
      return llvm::createStringError("operand is not a constant");
    operands.push_back(std::move(*value));
  }
  return operands;
}

} // namespace

llvm::Expected<test::BoundCheck> compress::test::checkAccumulatorBounds(
    Operation *op, ArrayRef<ConstantIntRanges> ranges, int64_t samples,
    int64_t inputs, uint64_t seed) {
  std::optional<AccumulatorBounds> bounds = getAccumulatorBounds(op, ranges);
  if (!bounds || bounds->lo.empty())
    return llvm::createStringError("no per-channel bounds (weights or bias "
                                   "not constant)");
  BoundCheck check;
  check.channels = int64_t(bounds->lo.size());
  check.terms = bounds->reduction;
  int64_t tlo = bounds->termLo, thi = bounds->termHi;

  // Each channel's weights, and its bias: the bound minus the terms' part.
  SmallVector<SmallVector<int64_t>> weights = getChannelWeights(op);
  std::vector<int64_t> bias;
  for (int64_t c = 0; c < check.channels; ++c) {
    int64_t low = 0, high = 0;
    for (int64_t w : weights[c]) {
      low += std::min(w * tlo, w * thi);
      high += std::max(w * tlo, w * thi);
    }
    if (bounds->lo[c] - low != bounds->hi[c] - high)
      return llvm::createStringError("the bias is not a constant");
    bias.push_back(bounds->lo[c] - low);
  }

  // Random term vectors, half uniform and half at the ends of the range.
  Random random{seed};
  std::vector<int64_t> t(check.terms);
  for (int64_t s = 0; s < samples; ++s) {
    int64_t c = s % check.channels;
    if (s % 2 == 0) {
      for (int64_t &v : t)
        v = random.uniform(tlo, thi);
    } else {
      for (int64_t k = 0; k < check.terms; k += 64) {
        uint64_t bits = random.next();
        for (int64_t j = k; j < std::min(k + 64, check.terms); ++j)
          t[j] = (bits >> (j - k)) & 1 ? thi : tlo;
      }
    }
    int64_t acc = bias[c];
    const SmallVector<int64_t> &w = weights[c];
    for (int64_t k = 0; k < check.terms; ++k)
      acc += w[k] * t[k];
    if (acc < bounds->lo[c] || acc > bounds->hi[c])
      ++check.violations;
  }
  check.samples = samples;

  // Random inputs through the evaluator, every result element checked.
  auto operands = constantOperands(op);
  if (!operands)
    return operands.takeError();
  auto inType = cast<RankedTensorType>(op->getOperand(0).getType());
  DType inDType;
  if (!inType.hasStaticShape() ||
      !dtypeFromMLIR(inType.getElementType(), inDType))
    return llvm::createStringError("the input is not a static integer tensor");
  int64_t xlo = ranges[0].smin().getSExtValue();
  int64_t xhi = ranges[0].smax().getSExtValue();
  auto run = [&](Tensor input) -> llvm::Expected<Tensor> {
    SmallVector<Tensor> args = {std::move(input)};
    args.append(operands->begin(), operands->end());
    FailureOr<SmallVector<Tensor>> result = evaluateOp(op, args);
    if (failed(result))
      return llvm::createStringError("the evaluator failed");
    return std::move((*result)[0]);
  };
  for (int64_t i = 0; i < inputs; ++i) {
    Tensor input(inDType, inType.getShape());
    for (int64_t &v : input.ints())
      v = i % 2 ? (random.next() & 1 ? xhi : xlo) : random.uniform(xlo, xhi);
    auto result = run(std::move(input));
    if (!result)
      return result.takeError();
    for (int64_t e = 0, n = result->size(); e < n; ++e) {
      int64_t c = e % check.channels, v = result->ints()[e];
      check.evaluatedViolations += v < bounds->lo[c] || v > bounds->hi[c];
      ++check.evaluated;
    }
  }

  // The inputs that attain the widest channel's bounds.
  check.channel = bounds->widestChannel();
  check.lo = bounds->lo[check.channel];
  check.hi = bounds->hi[check.channel];
  std::optional<Placement> p = place(op, check.channel, check.terms);
  if (p) {
    const SmallVector<int64_t> &w = weights[check.channel];
    // The zero point: the input value of a zero term.
    int64_t inputZp = 0;
    if (auto conv = dyn_cast<Conv2DOp>(op))
      inputZp = conv.getInputZpAttr().getInt();
    else if (auto dw = dyn_cast<DepthwiseConv2DOp>(op))
      inputZp = dw.getInputZpAttr().getInt();
    else
      inputZp = cast<MatmulOp>(op).getLhsZpAttr().getInt();
    for (bool upper : {true, false}) {
      Tensor input(inDType, inType.getShape());
      for (int64_t &v : input.ints())
        v = inputZp;
      bool reachable = true;
      for (int64_t k = 0; k < check.terms; ++k) {
        int64_t term = (w[k] > 0) == upper ? thi : tlo;
        int64_t value = term + inputZp;
        reachable &= value >= xlo && value <= xhi;
        input.ints()[p->inputIndex[k]] = value;
      }
      auto result = run(std::move(input));
      if (!result)
        return result.takeError();
      bool attained =
          reachable && result->ints()[p->outIndex] == (upper ? check.hi : check.lo);
      (upper ? check.attainsHi : check.attainsLo) = attained;
    }
  }
  return check;
}

namespace {

struct TestAccumulatorBoundsPass
    : public PassWrapper<TestAccumulatorBoundsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestAccumulatorBoundsPass)

  TestAccumulatorBoundsPass() = default;
  TestAccumulatorBoundsPass(const TestAccumulatorBoundsPass &other)
      : PassWrapper(other) {}

  StringRef getArgument() const final { return "test-accumulator-bounds"; }
  StringRef getDescription() const final {
    return "Check the proven accumulator bounds on random and attaining "
           "inputs";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<CompressionDialect>();
  }

  Option<int64_t> samples{*this, "samples",
                          llvm::cl::desc("Random term vectors per op"),
                          llvm::cl::init(1000000)};
  Option<int64_t> inputs{*this, "inputs",
                         llvm::cl::desc("Random inputs per op run through "
                                        "the evaluator"),
                         llvm::cl::init(8)};
  Option<uint64_t> seed{*this, "seed", llvm::cl::desc("Random seed"),
                        llvm::cl::init(1)};

  void runOnOperation() override {
    struct Job {
      Operation *op;
      SmallVector<ConstantIntRanges> ranges;
      std::string name, line;
    };
    std::vector<Job> jobs;
    auto helper = getContext().getLoadedDialect<CompressionDialect>()
                      ->getLayerAttrHelper();
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      IntegerRanges ranges;
      if (failed(ranges.run(func)))
        return signalPassFailure();
      func.walk([&](Operation *op) {
        if (!isa<Conv2DOp, DepthwiseConv2DOp, MatmulOp>(op))
          return;
        Job job{op, {}, op->getName().getStringRef().str(), {}};
        for (Operation *user : op->getUsers())
          if (StringAttr name = helper.getAttr(user))
            job.name = name.str();
        for (Value operand : op->getOperands())
          job.ranges.push_back(ranges.rangeOf(operand));
        jobs.push_back(std::move(job));
      });
    }
    std::atomic<bool> failedAny = false;
    parallelForIndices(&getContext(), 0, jobs.size(), [&](size_t i) {
      Job &job = jobs[i];
      auto check = test::checkAccumulatorBounds(job.op, job.ranges, samples, inputs,
                                          seed + i);
      if (!check) {
        job.line = job.name + ": " + llvm::toString(check.takeError());
        failedAny = true;
        return;
      }
      job.line = llvm::formatv(
          "{0}: {1} channels x {2} terms; {3} term vectors, {4} outside; {5} "
          "evaluated, {6} outside; channel {7} [{8}, {9}] attained: {10}",
          job.name, check->channels, check->terms, check->samples,
          check->violations, check->evaluated, check->evaluatedViolations,
          check->channel, check->lo, check->hi,
          check->attainsLo && check->attainsHi ? "both"
          : check->attainsHi                   ? "upper only"
          : check->attainsLo                   ? "lower only"
                                               : "neither");
    });
    for (const Job &job : jobs)
      llvm::outs() << job.line << "\n";
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace

void compress::test::registerTestAccumulatorBoundsPass() {
  PassRegistration<TestAccumulatorBoundsPass>();
}
