//===- Calibration.cpp - Value ranges of a float graph from samples -------===//
//
// Range statistics (extremes, a zero-anchored histogram with per-bin
// moments), the three range-selection methods, and the driver that runs the
// reference evaluator over the samples and feeds every observed tensor into
// them.
//
// The mse search is exhaustive over pairs of bin edges. Per-bin counts, sums
// and sums of squares turn into prefix sums, which make the error of one
// candidate pair O(1); with 2048 bins that is at most about a million pairs
// per tensor, a few milliseconds, so there is no need for a heuristic search
// that might miss the optimum.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/Calibration.h"

#include "compress/Evaluator/Evaluator.h"
#include "compress/Support/Parallel.h"
#include "compress/Support/Progress.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace mlir;
using namespace compress;

std::optional<RangeMethod> compress::parseRangeMethod(StringRef name) {
  return llvm::StringSwitch<std::optional<RangeMethod>>(name)
      .Case("minmax", RangeMethod::MinMax)
      .Case("percentile", RangeMethod::Percentile)
      .Case("mse", RangeMethod::Mse)
      .Default(std::nullopt);
}

StringRef compress::rangeMethodName(RangeMethod method) {
  switch (method) {
  case RangeMethod::MinMax:
    return "minmax";
  case RangeMethod::Percentile:
    return "percentile";
  case RangeMethod::Mse:
    return "mse";
  }
  llvm_unreachable("unknown range method");
}

/// `range` widened to contain 0, with -0.0 replaced by 0.0 so that the
/// printed attribute does not depend on the sign of a zero.
static FloatRange widenToZero(FloatRange range) {
  return {std::min(range.min, 0.0) + 0.0, std::max(range.max, 0.0) + 0.0};
}

//===----------------------------------------------------------------------===//
// ObservedRange
//===----------------------------------------------------------------------===//

void ObservedRange::add(double value) {
  if (!std::isfinite(value)) {
    ++numNonFinite;
    return;
  }
  minValue = std::min(minValue, value);
  maxValue = std::max(maxValue, value);
  ++numFinite;
}

/// Calls `fn` on every element of a float tensor, as double.
template <typename Fn> static void forEachFloat(const Tensor &tensor, Fn &&fn) {
  if (tensor.dtype() == DType::F32)
    for (float value : tensor.f32())
      fn(double(value));
  else if (tensor.dtype() == DType::F64)
    for (double value : tensor.f64())
      fn(value);
}

void ObservedRange::add(const Tensor &tensor) {
  if (tensor.dtype() != DType::F32)
    return forEachFloat(tensor, [&](double value) { add(value); });
  // This runs on every element of every tensor of every sample. Eight
  // independent lanes keep the comparisons from waiting on one another,
  // and `v < lo ? v : lo` skips NaNs by itself. Infinities would enter the
  // extremes, so a tensor holding any non-finite value is redone one value
  // at a time.
  constexpr size_t lanes = 8;
  const float inf = std::numeric_limits<float>::infinity();
  float lo[lanes], hi[lanes];
  std::fill(std::begin(lo), std::end(lo), inf);
  std::fill(std::begin(hi), std::end(hi), -inf);
  int64_t nonFinite = 0;
  ArrayRef<float> data = tensor.f32();
  size_t i = 0;
  auto step = [&](size_t lane, float v) {
    lo[lane] = v < lo[lane] ? v : lo[lane];
    hi[lane] = v > hi[lane] ? v : hi[lane];
    nonFinite += !(std::fabs(v) <= std::numeric_limits<float>::max());
  };
  for (; i + lanes <= data.size(); i += lanes)
    for (size_t lane = 0; lane < lanes; ++lane)
      step(lane, data[i + lane]);
  for (size_t lane = 0; i < data.size(); ++i, ++lane)
    step(lane, data[i]);
  if (nonFinite) {
    for (float v : data)
      add(double(v));
    return;
  }
  if (data.empty())
    return;
  minValue = std::min<double>(minValue, *std::min_element(lo, lo + lanes));
  maxValue = std::max<double>(maxValue, *std::max_element(hi, hi + lanes));
  numFinite += data.size();
}

FloatRange ObservedRange::withZero() const {
  return widenToZero(empty() ? FloatRange() : extremes());
}

//===----------------------------------------------------------------------===//
// Histogram
//===----------------------------------------------------------------------===//

Histogram::Histogram(FloatRange range, int64_t targetBins)
    : bounds(widenToZero(range)) {
  assert(targetBins > 0 && "a histogram needs bins");
  double span = bounds.max - bounds.min;
  if (!(span > 0))
    return;
  width = span / double(targetBins);
  inverseWidth = 1.0 / width;
  // Subnormal widths have no finite inverse; such a range is too narrow to
  // matter and is left unbinned, which makes the selectors return it whole.
  if (!std::isnormal(width) || !std::isfinite(inverseWidth)) {
    width = inverseWidth = 0.0;
    return;
  }
  firstEdge = int64_t(std::floor(bounds.min * inverseWidth));
  int64_t lastEdge = int64_t(std::ceil(bounds.max * inverseWidth));
  int64_t numBinsOnGrid = std::max<int64_t>(lastEdge - firstEdge, 1);
  bins.assign(numBinsOnGrid, Bin());
}

Histogram Histogram::growing(int64_t maxBins) {
  assert(maxBins >= 2 && "a growing histogram needs room for two bins");
  Histogram histogram;
  histogram.maxBins = maxBins;
  return histogram;
}

/// floor(a / 2) for any sign.
static int64_t floorHalf(int64_t a) { return a >= 0 ? a / 2 : -((1 - a) / 2); }

void Histogram::mergePairs() {
  int64_t first = floorHalf(firstEdge);
  int64_t end = floorHalf(firstEdge + numBins() - 1) + 1;
  std::vector<Bin> merged(end - first);
  for (int64_t i = 0, e = numBins(); i < e; ++i) {
    Bin &into = merged[floorHalf(firstEdge + i) - first];
    into.count += bins[i].count;
    into.sum += bins[i].sum;
    into.square += bins[i].square;
  }
  bins = std::move(merged);
  firstEdge = first;
  width *= 2.0;
  inverseWidth *= 0.5;
}

void Histogram::cover(double valuesLo, double valuesHi) {
  lo = std::min(lo, valuesLo);
  hi = std::max(hi, valuesHi);
  bounds = widenToZero({lo, hi});
  double span = bounds.max - bounds.min;
  if (!(span > 0))
    return;
  // Grid indices of the first edge and one past the last bin: the bin
  // holding the maximum is always there, so nothing needs clamping.
  auto low = [&] { return int64_t(std::floor(bounds.min * inverseWidth)); };
  auto high = [&] {
    return int64_t(std::floor(bounds.max * inverseWidth)) + 1;
  };
  if (bins.empty()) {
    // The narrowest power-of-two width that fits, kept normal so that its
    // inverse is finite; the values seen so far were all zeros.
    // (A span beyond the largest double halves first: its values are
    // finite.)
    double perBin = std::isfinite(span) ? span / double(maxBins)
                                        : (bounds.max / 2 - bounds.min / 2) /
                                              double(maxBins) * 2;
    int exponent = std::max(int(std::ceil(std::log2(perBin))),
                            std::numeric_limits<double>::min_exponent - 1);
    width = std::ldexp(1.0, exponent);
    inverseWidth = std::ldexp(1.0, -exponent);
    firstEdge = low();
    bins.assign(high() - firstEdge, Bin());
    bins[-firstEdge].count = total;
  }
  while (high() - low() > maxBins)
    mergePairs();
  if (int64_t before = firstEdge - low(); before > 0) {
    bins.insert(bins.begin(), before, Bin());
    firstEdge -= before;
  }
  if (int64_t after = high() - (firstEdge + numBins()); after > 0)
    bins.resize(bins.size() + after);
}

/// The bin of finite `value` among `last + 1` bins whose lower edge is grid
/// index `firstEdge`. Truncation is floor here: the grid position is
/// non-negative for every value inside the range, and those outside clamp
/// to the outermost bins (before the conversion, which could overflow).
/// The clamps compile to min/max instructions rather than branches, which
/// the zeros of ReLU outputs, landing exactly on the lower clamp, would make
/// unpredictable.
static int64_t binOf(double value, double inverseWidth, double firstEdge,
                     int64_t last) {
  double grid = value * inverseWidth - firstEdge;
  return int64_t(std::min(std::max(grid, 0.0), double(last)));
}

void Histogram::add(double value) {
  if (!std::isfinite(value))
    return;
  if (maxBins)
    cover(value, value);
  ++total;
  zeros += value == 0.0;
  if (bins.empty())
    return;
  Bin &bin = bins[binOf(value, inverseWidth, double(firstEdge), numBins() - 1)];
  ++bin.count;
  bin.sum += value;
  bin.square += value * value;
}

void Histogram::add(const Tensor &tensor, std::optional<FloatRange> seen) {
  if (tensor.dtype() != DType::F32)
    return forEachFloat(tensor, [&](double value) { add(value); });
  ArrayRef<float> data = tensor.f32();
  if (maxBins) {
    // The grid depends only on the final extremes, so covering a range
    // wider than this tensor's (everything seen so far) changes nothing.
    if (!seen) {
      ObservedRange own;
      own.add(tensor);
      if (own.empty())
        return;
      seen = own.extremes();
    }
    cover(seen->min, seen->max);
  }
  uint64_t finite = 0, zerosSeen = 0;
  if (bins.empty()) {
    for (float v : data) {
      finite += std::fabs(v) <= std::numeric_limits<float>::max();
      zerosSeen += v == 0.0f;
    }
  } else {
    // The hot loop of calibration. Everything it reads is in locals, so
    // that stores into the bins cannot force reloads, and zeros are counted
    // without a branch: after a ReLU they are an unpredictable half of the
    // values.
    Bin *binData = bins.data();
    const double scale = inverseWidth, origin = double(firstEdge);
    const int64_t last = numBins() - 1;
    for (float v : data) {
      if (!(std::fabs(v) <= std::numeric_limits<float>::max()))
        continue;
      ++finite;
      zerosSeen += v == 0.0f;
      double value = v;
      Bin &bin = binData[binOf(value, scale, origin, last)];
      ++bin.count;
      bin.sum += value;
      bin.square += value * value;
    }
  }
  total += finite;
  zeros += zerosSeen;
}

int64_t Histogram::zeroBin() const {
  return std::min(zeroEdge(), numBins() - 1);
}

double Histogram::binLower(int64_t i) const {
  return std::clamp(double(firstEdge + i) * width, bounds.min, bounds.max);
}

double Histogram::binUpper(int64_t i) const {
  return std::clamp(double(firstEdge + i + 1) * width, bounds.min, bounds.max);
}

double Histogram::quantile(double q) const {
  if (bins.empty() || total == 0)
    return q < 0.5 ? bounds.min : bounds.max;
  double target = std::clamp(q, 0.0, 1.0) * double(total);
  uint64_t before = 0;
  for (int64_t i = 0, e = numBins(); i < e; ++i) {
    uint64_t inBin = count(i);
    if (!inBin)
      continue;
    uint64_t after = before + inBin;
    if (double(after) >= target) {
      double fraction =
          std::clamp((target - double(before)) / double(inBin), 0.0, 1.0);
      return binLower(i) + fraction * (binUpper(i) - binLower(i));
    }
    before = after;
  }
  return bounds.max;
}

//===----------------------------------------------------------------------===//
// Range selection
//===----------------------------------------------------------------------===//

FloatRange compress::selectPercentileRange(const Histogram &histogram,
                                           double p) {
  assert(p > 50.0 && p <= 100.0 && "percentile out of (50, 100]");
  return widenToZero(
      {histogram.quantile((100.0 - p) / 100.0), histogram.quantile(p / 100.0)});
}

namespace {
/// Prefix sums of a histogram's per-bin moments: entry `k` sums bins
/// `0 .. k-1`, so the values below bin edge `k` are `[0, k)` and those
/// above it `[k, numBins)`.
struct MomentPrefix {
  explicit MomentPrefix(const Histogram &histogram)
      : zeroBin(histogram.zeroBin()), zeros(double(histogram.zeroCount())) {
    int64_t n = histogram.numBins();
    count.assign(n + 1, 0.0);
    sum.assign(n + 1, 0.0);
    square.assign(n + 1, 0.0);
    for (int64_t i = 0; i < n; ++i) {
      count[i + 1] = count[i] + double(histogram.count(i));
      sum[i + 1] = sum[i] + histogram.sum(i);
      square[i + 1] = square[i] + histogram.sumOfSquares(i);
    }
  }

  /// Squared distance to `bound` of the values in bins `[first, last)`:
  /// sum (x - bound)^2 = n bound^2 - 2 bound sum x + sum x^2. Rounding in
  /// the expansion can leave a tiny negative number where the exact value
  /// is 0.
  double clipError(int64_t first, int64_t last, double bound) const {
    double n = count[last] - count[first];
    double s = sum[last] - sum[first];
    double s2 = square[last] - square[first];
    return std::max(0.0, n * bound * bound - 2.0 * bound * s + s2);
  }

  /// E(lo, hi) times the number of values, with bins `[0, below)` clipped
  /// to `lo`, bins `[above, n)` clipped to `hi` and the rest rounded.
  double totalError(int64_t below, double lo, int64_t above, double hi,
                    double levels) const {
    int64_t n = count.size() - 1;
    double rounded = count[above] - count[below];
    if (below <= zeroBin && zeroBin < above)
      rounded -= zeros;
    double delta = (hi - lo) / levels;
    return clipError(0, below, lo) + clipError(above, n, hi) +
           rounded * delta * delta / 12.0;
  }

  int64_t zeroBin;
  double zeros;
  std::vector<double> count, sum, square;
};
} // namespace

/// Number of steps between the quantization levels of `bits` bits.
static double quantizationSteps(unsigned bits) {
  return std::ldexp(1.0, int(bits)) - 1.0;
}

FloatRange compress::selectMseRange(const Histogram &histogram, unsigned bits) {
  int64_t n = histogram.numBins();
  if (n == 0 || histogram.totalCount() == 0)
    return histogram.range();
  MomentPrefix prefix(histogram);
  double levels = quantizationSteps(bits);
  auto edge = [&](int64_t k) {
    return k < n ? histogram.binLower(k) : histogram.binUpper(n - 1);
  };
  int64_t zero = histogram.zeroEdge();
  double best = std::numeric_limits<double>::infinity();
  FloatRange chosen = histogram.range();
  for (int64_t below = 0; below <= zero; ++below) {
    double lo = edge(below);
    for (int64_t above = zero; above <= n; ++above) {
      double hi = edge(above);
      if (!(hi > lo))
        continue;
      double error = prefix.totalError(below, lo, above, hi, levels);
      if (error < best) {
        best = error;
        chosen = {lo, hi};
      }
    }
  }
  return widenToZero(chosen);
}

double compress::expectedSquaredError(const Histogram &histogram,
                                      FloatRange range, unsigned bits) {
  int64_t n = histogram.numBins();
  if (n == 0 || histogram.totalCount() == 0)
    return 0.0;
  // Bins entirely outside the range are clipped; a bin that straddles a
  // bound counts as inside.
  int64_t below = 0;
  while (below < n && histogram.binUpper(below) <= range.min)
    ++below;
  int64_t above = n;
  while (above > below && histogram.binLower(above - 1) >= range.max)
    --above;
  MomentPrefix prefix(histogram);
  return prefix.totalError(below, range.min, above, range.max,
                           quantizationSteps(bits)) /
         prefix.count[n];
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

static bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<TensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

SmallVector<Value> compress::collectCalibratedValues(func::FuncOp func) {
  SmallVector<Value> values;
  DenseSet<Value> variable;
  for (BlockArgument arg : func.getArguments()) {
    variable.insert(arg);
    if (isFloatTensor(arg.getType()))
      values.push_back(arg);
  }
  func.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == func.getOperation())
      return;
    if (!llvm::any_of(op->getOperands(),
                      [&](Value v) { return variable.contains(v); }))
      return;
    for (Value result : op->getResults()) {
      variable.insert(result);
      if (isFloatTensor(result.getType()))
        values.push_back(result);
    }
  });
  return values;
}

llvm::Expected<llvm::MapVector<Value, CalibratedRange>>
compress::calibrateRanges(const Program &program, ArrayRef<Value> values,
                          int64_t numSamples, SampleSource inputsFor,
                          const CalibrationOptions &options,
                          MLIRContext *context) {
  DenseMap<Value, unsigned> indexOf;
  for (auto [i, value] : llvm::enumerate(values))
    indexOf[value] = i;

  // One run over all samples; `observe(i, tensor)` sees value `i`. The
  // samples run in groups of kSampleGroup (`Program::runBatch`), as many
  // groups at once as there are threads (up to 8), and keep what they saw
  // until their batch has run. The values are then updated in parallel,
  // each with its tensors in sample order, so the number of threads changes
  // nothing in the results.
  int64_t threads = context && context->isMultithreadingEnabled()
                        ? std::clamp<int64_t>(context->getNumThreads(), 1, 8)
                        : 1;
  int64_t batch = threads * kSampleGroup;
  auto runPass = [&](llvm::function_ref<void(unsigned, const Tensor &)> observe)
      -> llvm::Error {
    Progress progress("calibrating", numSamples);
    // seen[i][v]: value v in the batch's sample i, if it was produced.
    std::vector<std::vector<std::optional<Tensor>>> seen(
        batch, std::vector<std::optional<Tensor>>(values.size()));
    auto runGroup = [&](int64_t first, int64_t count) -> llvm::Error {
      std::vector<SmallVector<Tensor>> inputs;
      for (int64_t sample = first; sample < first + count; ++sample) {
        llvm::Expected<SmallVector<Tensor>> sampleInputs = inputsFor(sample);
        if (!sampleInputs)
          return sampleInputs.takeError();
        // The evaluator reports op results only; arguments are its inputs.
        std::vector<std::optional<Tensor>> &mine = seen[sample % batch];
        for (auto [v, value] : llvm::enumerate(values))
          if (auto arg = dyn_cast<BlockArgument>(value))
            if (arg.getArgNumber() < sampleInputs->size())
              mine[v] = (*sampleInputs)[arg.getArgNumber()];
        inputs.push_back(std::move(*sampleInputs));
      }
      auto observer = [&](unsigned sample, Value value, const Tensor &tensor) {
        auto it = indexOf.find(value);
        if (it != indexOf.end())
          seen[(first + sample) % batch][it->second] = tensor;
      };
      int64_t failed = -1;
      auto outputs = program.runBatch(inputs, BatchObserver(observer), &failed);
      if (!outputs)
        return groupFailure(outputs.takeError(), first, count, failed);
      return llvm::Error::success();
    };
    auto observeBatch = [&](int64_t first, int64_t count) {
      parallelForIndices(context, 0, values.size(), [&](size_t v) {
        for (int64_t i = 0; i < count; ++i)
          if (seen[i][v]) {
            observe(v, *seen[i][v]);
            seen[i][v].reset();
          }
      });
      progress.update(first + count);
    };
    if (std::optional<SampleFailure> failure = runSampleGroups(
            context, numSamples, kSampleGroup, batch, runGroup, observeBatch))
      return llvm::createStringError(failure->message);
    return llvm::Error::success();
  };

  // The histograms find their range as they fill, so one run over the
  // samples serves every method.
  std::vector<ObservedRange> observed(values.size());
  std::vector<Histogram> histograms;
  if (options.method != RangeMethod::MinMax)
    histograms.assign(values.size(),
                      Histogram::growing(2 * options.histogramBins));
  if (auto err = runPass([&](unsigned i, const Tensor &tensor) {
        observed[i].add(tensor);
        if (!histograms.empty() && !observed[i].empty())
          histograms[i].add(tensor, observed[i].extremes());
      }))
    return std::move(err);

  llvm::MapVector<Value, CalibratedRange> result;
  for (auto [i, value] : llvm::enumerate(values)) {
    CalibratedRange &entry = result[value];
    entry.nonFiniteCount = observed[i].nonFiniteCount();
    if (!observed[i].empty())
      entry.range = observed[i].withZero();
  }
  if (options.method == RangeMethod::MinMax)
    return result;

  // The mse search is quadratic in the bins of a signed value: the values
  // are independent, so they are searched in parallel.
  std::vector<CalibratedRange *> entries;
  for (Value value : values)
    entries.push_back(&result.find(value)->second);
  parallelForIndices(context, 0, values.size(), [&](size_t i) {
    if (!entries[i]->range)
      return;
    entries[i]->range =
        options.method == RangeMethod::Percentile
            ? selectPercentileRange(histograms[i], options.percentile)
            : selectMseRange(histograms[i], options.bits);
  });
  return result;
}
