//===- Calibration.h - Value ranges from sample inputs ----------*- C++ -*-===//
//
// Calibration runs a float function on sample inputs with the reference
// evaluator and chooses, for each float tensor it computes, the range that
// affine quantization of that tensor should cover.
//
// Three methods choose the range. `minmax` takes the observed extremes.
// `percentile` and `mse` need the distribution of the values, so they run
// the samples twice: the first pass finds the extremes, the second fills a
// histogram over them whose bins are fixed in advance. Fixing the bins keeps
// the result independent of the order in which values arrive (no re-binning)
// and exact to one bin width. Every range contains 0, because the affine
// quantizer must represent 0 exactly (zero padding, ReLU outputs).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_ANALYSIS_CALIBRATION_H
#define COMPRESS_ANALYSIS_CALIBRATION_H

#include "compress/Support/Tensor.h"

#include "mlir/IR/Value.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace compress {

class Program;

/// How a tensor's quantization range is chosen from the observed values.
enum class RangeMethod { MinMax, Percentile, Mse };

/// Parses `minmax`, `percentile` or `mse`.
std::optional<RangeMethod> parseRangeMethod(llvm::StringRef name);
/// The name `parseRangeMethod` accepts, as recorded in `#compress.range`.
llvm::StringRef rangeMethodName(RangeMethod method);

/// A closed interval of float values.
struct FloatRange {
  double min = 0.0;
  double max = 0.0;
};

/// The extremes of the finite values seen in a tensor across samples.
/// NaNs and infinities have no place in a quantization range; they are only
/// counted, so that the caller can warn about them.
class ObservedRange {
public:
  /// Adds every element of a float tensor.
  void add(const Tensor &tensor);
  /// Adds one value.
  void add(double value);

  /// True until a finite value has been added.
  bool empty() const { return numFinite == 0; }
  /// The smallest and largest finite value (meaningless while empty()).
  FloatRange extremes() const { return {minValue, maxValue}; }
  /// `extremes()` widened to contain 0.
  FloatRange withZero() const;
  int64_t finiteCount() const { return numFinite; }
  int64_t nonFiniteCount() const { return numNonFinite; }

private:
  double minValue = std::numeric_limits<double>::infinity();
  double maxValue = -std::numeric_limits<double>::infinity();
  int64_t numFinite = 0;
  int64_t numNonFinite = 0;
};

/// A histogram of values inside a known range, with equal-width bins on a
/// grid anchored at 0: bin edges are integer multiples of the bin width, so
/// 0 is always an edge and a clipping range made of edges always contains 0
/// exactly. Each bin keeps its count and the sum and sum of squares of its
/// values, which makes the clipping error of a range at bin edges exact
/// rather than an estimate from bin centres. Exact zeros are also counted
/// on their own: the affine quantizer represents them without error.
class Histogram {
public:
  /// Bins of width `(max(hi, 0) - min(lo, 0)) / targetBins` covering
  /// `range` widened to 0; there are `targetBins` to `targetBins + 2` of
  /// them depending on where the range falls on the grid. A range of [0, 0],
  /// or one too narrow to divide into bins of normal float width, gets no
  /// bins; the selectors then return it whole.
  Histogram(FloatRange range, int64_t targetBins);

  /// A histogram for values whose range is not known in advance, so that
  /// one pass over the data both finds the range and fills the bins. Its
  /// bins have a power-of-two width on the same grid anchored at 0, which
  /// doubles, merging pairs of bins exactly, whenever the values seen would
  /// need more than `maxBins` bins; it ends with `maxBins / 2` to `maxBins`
  /// bins over the values' extremes widened to 0, which `range()` returns.
  /// Only zeros so far: no bins yet (they are counted, and placed in the
  /// zero bin once there are bins).
  static Histogram growing(int64_t maxBins);

  /// Adds the finite elements of a float tensor; values outside the range
  /// go into the outermost bins (a growing histogram grows to hold them).
  /// A caller that already tracks the extremes of everything added, this
  /// tensor included, may pass them in `seen`: a growing histogram then
  /// covers them instead of finding the tensor's own, which gives the
  /// same bins.
  void add(const Tensor &tensor,
           std::optional<FloatRange> seen = std::nullopt);
  /// Adds one value (ignored unless finite).
  void add(double value);

  /// The range given at construction (or, growing, the extremes seen),
  /// widened to contain 0.
  FloatRange range() const { return bounds; }
  int64_t numBins() const { return bins.size(); }
  double binWidth() const { return width; }
  /// Index of the bin edge at 0 (`numBins()` if the range ends at 0).
  int64_t zeroEdge() const { return -firstEdge; }
  /// Lower and upper edge of bin `i`, cut to `range()`.
  double binLower(int64_t i) const;
  double binUpper(int64_t i) const;
  /// Values in bin `i`. Zeros belong to the bin above the zero edge, or to
  /// the last bin if the range ends at 0.
  uint64_t count(int64_t i) const { return bins[i].count; }
  double sum(int64_t i) const { return bins[i].sum; }
  double sumOfSquares(int64_t i) const { return bins[i].square; }
  /// The bin that holds the zeros.
  int64_t zeroBin() const;
  /// Values that were exactly 0.
  uint64_t zeroCount() const { return zeros; }
  /// Values added, including those of a histogram without bins.
  uint64_t totalCount() const { return total; }

  /// The value below which a fraction `q` (in [0, 1]) of the values lie:
  /// the empirical distribution function inverted with linear interpolation
  /// inside the bin where it crosses `q`. quantile(0) and quantile(1) are
  /// the lowest and highest value the histogram can tell apart, i.e. the
  /// bounds of the first and last non-empty bins, cut to `range()`. Without
  /// bins it returns the bounds of `range()`.
  double quantile(double q) const;

private:
  struct Bin {
    uint64_t count = 0;
    double sum = 0.0;
    double square = 0.0;
  };

  Histogram() = default;
  /// Growing histograms: makes the grid cover [lo, hi] (and the extremes
  /// seen so far), widening the bins as needed.
  void cover(double lo, double hi);
  /// Doubles the bin width, merging each pair of bins.
  void mergePairs();

  FloatRange bounds;
  double width = 0.0;
  double inverseWidth = 0.0;
  /// Grid index of the lower edge of bin 0 (edges are multiples of width).
  int64_t firstEdge = 0;
  uint64_t total = 0;
  uint64_t zeros = 0;
  std::vector<Bin> bins;
  /// Nonzero for a growing histogram: the most bins it keeps.
  int64_t maxBins = 0;
  /// A growing histogram's extremes (empty while lo > hi).
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
};

/// The `percentile` method: `[Q((100 - p) / 100), Q(p / 100)]` with `Q`
/// `histogram.quantile`, widened to contain 0. Requires `p` in (50, 100];
/// `p = 100` gives the observed extremes.
FloatRange selectPercentileRange(const Histogram &histogram, double p);

/// The `mse` method: the range `[lo, hi]` that minimises the expected
/// squared error per value of `bits`-bit affine quantization,
///
///   E(lo, hi) = ( sum_{x < lo} (lo - x)^2 + sum_{x > hi} (x - hi)^2
///                 + n_rounded * delta^2 / 12 ) / n,
///   delta = (hi - lo) / (2^bits - 1),
///
/// i.e. the exact clipping error of the values outside and the mean
/// rounding error of a uniform quantizer for the `n_rounded` values inside
/// that are not exactly 0 (the quantizer keeps 0 exact, which matters for
/// the many zeros after a ReLU). `lo` runs over the bin edges in [min, 0]
/// and `hi` over those in [0, max] (the outermost ones cut to the observed
/// extremes), so the result contains 0 and never exceeds the observed
/// range. Ties go to the lowest `lo`, then the lowest `hi`.
FloatRange selectMseRange(const Histogram &histogram, unsigned bits);

/// The error `selectMseRange` minimises, E(range.min, range.max), for a
/// range that contains 0. A bin that straddles a bound counts as inside, so
/// the value is exact for ranges made of bin edges, such as those
/// `selectMseRange` returns. Exposed to explain and test its choices.
double expectedSquaredError(const Histogram &histogram, FloatRange range,
                            unsigned bits);

/// What calibration computes and how.
struct CalibrationOptions {
  RangeMethod method = RangeMethod::MinMax;
  /// Kept by the percentile method, in (50, 100].
  double percentile = 99.99;
  /// Bit width the mse method optimises for, in [2, 16].
  unsigned bits = 8;
  /// Histogram resolution of the percentile and mse methods: their
  /// histograms end with `histogramBins` to `2 * histogramBins` bins over
  /// the range (see `Histogram::growing`).
  int64_t histogramBins = 2048;
};

/// The calibrated range of one tensor and what was seen of it.
struct CalibratedRange {
  /// Absent if the tensor never held a finite value.
  std::optional<FloatRange> range;
  /// NaNs and infinities seen (and left out of the range).
  int64_t nonFiniteCount = 0;
};

/// The float tensors of `func` worth a range: its float tensor arguments,
/// then in op order the float tensor results of ops that depend on an
/// argument. Results computed from constants alone are left out: they are
/// weights or shapes, which quantization handles by other means.
llvm::SmallVector<mlir::Value> collectCalibratedValues(mlir::func::FuncOp func);

/// Supplies the inputs of sample `index`, one tensor per argument.
using SampleSource =
    llvm::function_ref<llvm::Expected<llvm::SmallVector<Tensor>>(int64_t)>;

/// Runs `program` (compiled from the function `values` belong to) on
/// samples 0 .. numSamples-1 and chooses a range for each of `values`
/// (arguments of the function or results of its ops) with
/// `options.method`. Fails with the first error of `inputsFor` or of the
/// evaluator, naming the sample. Every method takes one run over the
/// samples (the histograms of `percentile` and `mse` grow to the range they
/// see, `Histogram::growing`), reported as the progress task `calibrating`
/// (compress/Support/Progress.h), which ends before the function returns. With a
/// `context`, as many samples run at once as its thread pool has threads,
/// and the values' statistics are then updated in parallel, each in sample
/// order: the ranges are the same for any number of threads.
llvm::Expected<llvm::MapVector<mlir::Value, CalibratedRange>>
calibrateRanges(const Program &program, llvm::ArrayRef<mlir::Value> values,
                int64_t numSamples, SampleSource inputsFor,
                const CalibrationOptions &options,
                mlir::MLIRContext *context = nullptr);

} // namespace compress

#endif // COMPRESS_ANALYSIS_CALIBRATION_H
