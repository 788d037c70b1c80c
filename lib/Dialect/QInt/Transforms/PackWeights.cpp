//===- PackWeights.cpp - The compress-pack-weights pass -------------------===//
//
// Rewrites sub-byte `qint.weights` from one byte per value to the packed
// bitstream layout, so that the IR and everything compiled from it hold
// the weights at their real size (a 4-bit model in half the bytes, a
// ternary one in a quarter). Only the storage changes: the op's result
// type and the integers it means stay the same, so no user is rewritten.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/QInt/Transforms/Passes.h"

#include "compress/Dialect/QInt/IR/QInt.h"
#include "compress/Dialect/QInt/Utils/WeightPacking.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace compress::qint {
#define GEN_PASS_DEF_PACKWEIGHTSPASS
#include "compress/Dialect/QInt/Transforms/Passes.h.inc"
} // namespace compress::qint

using namespace mlir;
using namespace compress::qint;

/// Dense weights that packing makes smaller.
static bool isPackable(WeightsOp op) {
  return op.getLayout() == WeightLayout::dense && op.getBitsAttr().getInt() < 8;
}

namespace {

struct PackDenseWeights : OpRewritePattern<WeightsOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(WeightsOp op,
                                PatternRewriter &rewriter) const override {
    if (!isPackable(op))
      return rewriter.notifyMatchFailure(op, "already packed or 8-bit");
    std::vector<int8_t> values = op.getUnpackedValues();
    std::vector<uint8_t> bytes =
        packWeights(values, op.getBitsAttr().getInt(), op.getIsSigned());
    auto type = RankedTensorType::get({int64_t(bytes.size())},
                                      rewriter.getI8Type());
    ArrayRef<int8_t> data(reinterpret_cast<const int8_t *>(bytes.data()),
                          bytes.size());
    auto packed = DenseElementsAttr::get(type, data);
    rewriter.modifyOpInPlace(op, [&] {
      op.setValuesAttr(packed);
      op.setLayout(WeightLayout::packed);
    });
    return success();
  }
};

struct PackWeightsPass
    : public compress::qint::impl::PackWeightsPassBase<PackWeightsPass> {
  using PackWeightsPassBase::PackWeightsPassBase;

  void runOnOperation() override {
    getOperation().walk([&](WeightsOp op) {
      if (!isPackable(op))
        return;
      int64_t count = op.getNumWeights();
      ++numWeightsPacked;
      numBytesSaved +=
          count - getPackedByteCount(count, op.getBitsAttr().getInt());
    });
    RewritePatternSet patterns(&getContext());
    populatePackWeightsPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace

void compress::qint::populatePackWeightsPatterns(RewritePatternSet &patterns) {
  patterns.add<PackDenseWeights>(patterns.getContext());
}
