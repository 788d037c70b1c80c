//===- Cleanup.cpp - The compress-cleanup pass ----------------------------===//
//
// Normalises frontend TOSA (layout transposes, unfused batch norm, constant
// subgraphs) with three pattern sets applied together, so that each one
// exposes work for the others: folding `var + eps` to a constant lets
// batch norm's scale become one constant and fold into the conv, and
// sinking a transpose past batch norm lets it meet its inverse.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace compress {
#define GEN_PASS_DEF_CLEANUPPASS
#include "compress/Transforms/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;

namespace {

/// Counts successful rewrites by the label their pattern was added with.
struct RewriteCounter : public RewriterBase::Listener {
  llvm::StringMap<int64_t> counts;
  void notifyPatternEnd(const Pattern &pattern,
                        LogicalResult status) override {
    if (succeeded(status))
      for (StringRef label : pattern.getDebugLabels())
        ++counts[label];
  }
};

struct CleanupPass : public compress::impl::CleanupPassBase<CleanupPass> {
  using CleanupPassBase::CleanupPassBase;

  /// Rejects options no run could use, before any pass runs.
  LogicalResult initialize(MLIRContext *context) override {
    if (maxFoldElements < 0)
      return emitError(UnknownLoc::get(context),
                       "compress-cleanup: max-fold-elements must be "
                       "non-negative, got ")
             << maxFoldElements.getValue();
    return success();
  }

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateTransposeSinkingPatterns(patterns);
    populateConvAffineFoldingPatterns(patterns);
    populateConstantFoldingPatterns(patterns, maxFoldElements);
    RewriteCounter counter;
    GreedyRewriteConfig config;
    config.setListener(&counter);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config))) {
      getOperation().emitError("compress-cleanup did not converge");
      return signalPassFailure();
    }
    numTransposesRemoved += counter.counts.lookup("layout");
    numBatchNormsFolded += counter.counts.lookup("batch-norm");
    numConstantsFolded += counter.counts.lookup("constant");
  }
};

} // namespace
