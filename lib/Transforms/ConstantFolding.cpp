//===- ConstantFolding.cpp - Fold constant subgraphs with the evaluator ---===//
//
// Any op whose operands are all constants is computed once by the reference
// evaluator and replaced by a `tosa.const`. Using the evaluator (rather than
// per-op folders) means every op it can run folds, with exactly the
// semantics used everywhere else in compress.
//
//===----------------------------------------------------------------------===//

#include "compress/Evaluator/Evaluator.h"
#include "compress/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace compress;

namespace {

struct FoldConstantOp : public RewritePattern {
  FoldConstantOp(MLIRContext *ctx, int64_t maxElements)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx),
        maxElements(maxElements) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (op->hasTrait<OpTrait::ConstantLike>() || op->getNumRegions() ||
        op->getNumResults() == 0 || op->getNumOperands() == 0 ||
        !isa<tosa::TosaDialect>(op->getDialect()))
      return rewriter.notifyMatchFailure(op, "not a foldable tosa op");
    if (!hasKernel(op->getName().getStringRef()))
      return rewriter.notifyMatchFailure(op, "no evaluator kernel");
    for (Value result : op->getResults()) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type || !type.hasStaticShape() ||
          type.getNumElements() > maxElements)
        return rewriter.notifyMatchFailure(op, "result too large or dynamic");
    }
    SmallVector<Tensor> operands;
    for (Value operand : op->getOperands()) {
      Attribute attr;
      if (!matchPattern(operand, m_Constant(&attr)))
        return rewriter.notifyMatchFailure(op, "operand is not constant");
      FailureOr<Tensor> tensor = tensorFromAttr(attr);
      if (failed(tensor))
        return rewriter.notifyMatchFailure(op, "unreadable constant");
      operands.push_back(std::move(*tensor));
    }
    FailureOr<SmallVector<Tensor>> results = evaluateOp(op, operands);
    if (failed(results))
      return rewriter.notifyMatchFailure(op, "evaluation failed");
    SmallVector<Value> replacements;
    for (auto [result, tensor] : llvm::zip(op->getResults(), *results)) {
      auto type = cast<RankedTensorType>(result.getType());
      auto value = cast<ElementsAttr>(tensorToAttr(tensor, type));
      replacements.push_back(
          tosa::ConstOp::create(rewriter, op->getLoc(), type, value));
    }
    rewriter.replaceOp(op, replacements);
    return success();
  }

  int64_t maxElements;
};

} // namespace

void compress::populateConstantFoldingPatterns(RewritePatternSet &patterns,
                                               int64_t maxElements) {
  patterns.addWithLabel<FoldConstantOp>({"constant"}, patterns.getContext(),
                                        maxElements);
}
