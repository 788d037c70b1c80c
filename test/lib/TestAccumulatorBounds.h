//===- TestAccumulatorBounds.h - Soundness checks of accumulator bounds ---===//
//
// Checks the accumulator bounds that compress-narrow-accumulators relies on
// (qint::getAccumulatorBounds) against the arithmetic they bound: random
// term vectors never leave a channel's bound, the reference evaluator's
// results on random inputs never leave it either, and the input built to
// reach the widest channel's bound reaches it exactly.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_TEST_LIB_TESTACCUMULATORBOUNDS_H
#define COMPRESS_TEST_LIB_TESTACCUMULATORBOUNDS_H

#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/InferIntRangeInterface.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace compress::test {

struct BoundCheck {
  int64_t channels = 0, terms = 0;
  /// Random term vectors checked against their channel's bound (half
  /// uniform over the term range, half at its ends), and how many fell
  /// outside.
  int64_t samples = 0, violations = 0;
  /// Accumulator elements the evaluator produced on random inputs, and how
  /// many fell outside their channel's bound.
  int64_t evaluated = 0, evaluatedViolations = 0;
  /// The widest channel and whether the input built for each of its bounds
  /// made the evaluator produce exactly that bound.
  int64_t channel = 0, lo = 0, hi = 0;
  bool attainsLo = false, attainsHi = false;
};

/// Checks the bounds of the accumulating op `op` (constant weights) for
/// operand ranges `ranges` with `samples` random term vectors and
/// `inputs` random inputs through the reference evaluator, and the inputs
/// that attain the widest channel's bounds; deterministic for a `seed`.
llvm::Expected<BoundCheck>
checkAccumulatorBounds(mlir::Operation *op,
                       llvm::ArrayRef<mlir::ConstantIntRanges> ranges,
                       int64_t samples, int64_t inputs, uint64_t seed);

/// Registers `test-accumulator-bounds`.
void registerTestAccumulatorBoundsPass();

} // namespace compress::test

#endif // COMPRESS_TEST_LIB_TESTACCUMULATORBOUNDS_H
