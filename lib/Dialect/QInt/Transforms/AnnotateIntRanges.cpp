//===- AnnotateIntRanges.cpp - The compress-annotate-int-ranges pass ------===//
//
// Runs MLIR's integer range analysis over a function and writes what it
// proves about each qint result into the IR: the signed bounds, and for
// accumulating ops the number of bits those bounds need. Making the ranges
// visible serves two readers: lit tests of the ops' InferIntRangeInterface
// implementations, and the accumulator-overflow analysis, which compares
// the bits needed with the accumulator type the IR names.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/QInt/Transforms/Passes.h"

#include "compress/Dialect/QInt/IR/QInt.h"

#include "compress/Dialect/QInt/Utils/IntegerRanges.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

#include <algorithm>

namespace compress::qint {
#define GEN_PASS_DEF_ANNOTATEINTRANGESPASS
#include "compress/Dialect/QInt/Transforms/Passes.h.inc"
} // namespace compress::qint

using namespace mlir;
using namespace compress::qint;

/// Whether `op` accumulates products into the integer type of its result,
/// which is what the overflow analysis has to bound.
static bool isAccumulating(Operation *op) {
  return isa<Conv2DOp, DepthwiseConv2DOp, MatmulOp>(op);
}

/// The smallest signed two's-complement width that holds every value of
/// `range`. Both bounds are stored in the width of the value's type, so the
/// result never exceeds that width.
static unsigned signedBitsNeeded(const ConstantIntRanges &range) {
  return std::max(range.smin().getSignificantBits(),
                  range.smax().getSignificantBits());
}

namespace {

struct AnnotateIntRangesPass
    : public compress::qint::impl::AnnotateIntRangesPassBase<
          AnnotateIntRangesPass> {
  using AnnotateIntRangesPassBase::AnnotateIntRangesPassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IntegerRanges ranges;
    if (failed(ranges.run(func))) {
      func.emitError("integer range analysis failed");
      return signalPassFailure();
    }

    Builder builder(&getContext());
    func.walk([&](Operation *op) {
      if (!isa_and_nonnull<QIntDialect>(op->getDialect()))
        return;
      // Annotations describe the IR as it is now: drop those of an earlier
      // run before writing new ones, so a result the analysis cannot bound
      // is left without a stale range.
      op->removeAttr(kRangeAttrName);
      op->removeAttr(kAccBitsNeededAttrName);
      // Every qint op has a single result, so an attribute on the op names
      // the range of that result unambiguously.
      if (op->getNumResults() != 1)
        return;
      Value result = op->getResult(0);
      if (!isa<IntegerType>(getElementTypeOrSelf(result.getType())))
        return;
      std::optional<ConstantIntRanges> proven = ranges.proven(result);
      if (!proven)
        return;
      const ConstantIntRanges &range = *proven;
      op->setAttr(kRangeAttrName,
                  builder.getDenseI64ArrayAttr({range.smin().getSExtValue(),
                                                range.smax().getSExtValue()}));
      ++numRangesAnnotated;
      if (!isAccumulating(op))
        return;
      unsigned bits = signedBitsNeeded(range);
      op->setAttr(kAccBitsNeededAttrName, builder.getI64IntegerAttr(bits));
      ++numAccumulatorsAnnotated;
      unsigned accWidth =
          getElementTypeOrSelf(result.getType()).getIntOrFloatBitWidth();
      if (bits == accWidth)
        ++numFullWidthAccumulators;
    });
  }
};

} // namespace
