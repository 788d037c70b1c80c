//===- PackWeights.cpp - The compress-pack-weights pass -------------------===//
//
// Rewrites dense `qint.weights` to the layout that stores them in the fewest
// bytes, so that the IR and everything compiled from it hold the weights at
// their real size: sub-byte weights packed into bitstreams (a 4-bit model in
// half the bytes, a ternary one in a quarter), pruned weights as a bitmask
// of the blocks they keep. Only the storage changes: the op's result type
// and the integers it means stay the same, so no user is rewritten.
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

namespace {

/// The axis the only user of `op` reduces its weights over, if any.
std::optional<int64_t> getUserReductionAxis(WeightsOp op) {
  if (!op->hasOneUse())
    return std::nullopt;
  OpOperand &use = *op->use_begin();
  if (use.getOperandNumber() != 1)
    return std::nullopt;
  return getWeightReductionAxis(use.getOwner());
}

/// An i8 tensor attribute of `bytes`.
DenseElementsAttr getBytesAttr(MLIRContext *context,
                               ArrayRef<uint8_t> bytes) {
  auto type = RankedTensorType::get({int64_t(bytes.size())},
                                    IntegerType::get(context, 8));
  return DenseElementsAttr::get(
      type, ArrayRef<int8_t>(reinterpret_cast<const int8_t *>(bytes.data()),
                             bytes.size()));
}

struct PackDenseWeights : OpRewritePattern<WeightsOp> {
  PackDenseWeights(MLIRContext *context, bool trySparse)
      : OpRewritePattern(context), trySparse(trySparse) {}

  LogicalResult matchAndRewrite(WeightsOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getLayout() != WeightLayout::dense)
      return rewriter.notifyMatchFailure(op, "already packed or sparse");
    std::vector<int8_t> values = op.getUnpackedValues();
    if (!op.getType().hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    WeightStorage storage = chooseWeightStorage(
        values, op.getType().getShape(), op.getBitsAttr().getInt(),
        op.getIsSigned(), getUserReductionAxis(op), trySparse);
    if (storage.layout == WeightLayout::dense)
      return rewriter.notifyMatchFailure(op, "dense is the smallest");
    int64_t bits = op.getBitsAttr().getInt();
    MLIRContext *context = op.getContext();
    rewriter.modifyOpInPlace(op, [&] {
      op.setLayout(storage.layout);
      if (storage.layout == WeightLayout::packed) {
        op.setValuesAttr(getBytesAttr(
            context, packWeights(values, bits, op.getIsSigned())));
        return;
      }
      WeightBlocks blocks(op.getType().getShape(), storage.block);
      SparseWeights sparse =
          encodeSparseWeights(values, blocks, bits, op.getIsSigned());
      op.setValuesAttr(getBytesAttr(context, sparse.values));
      op.setMaskAttr(getBytesAttr(context, sparse.mask));
      if (llvm::any_of(storage.block, [](int64_t b) { return b != 1; }))
        op.setBlock(storage.block);
    });
    return success();
  }

  bool trySparse;
};

struct PackWeightsPass
    : public compress::qint::impl::PackWeightsPassBase<PackWeightsPass> {
  using PackWeightsPassBase::PackWeightsPassBase;

  void runOnOperation() override {
    SmallVector<WeightsOp> dense;
    int64_t before = 0;
    getOperation().walk([&](WeightsOp op) {
      if (op.getLayout() == WeightLayout::dense) {
        dense.push_back(op);
        before += op.getStorageBytes();
      }
    });
    RewritePatternSet patterns(&getContext());
    populatePackWeightsPatterns(patterns, sparse);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    int64_t after = 0;
    for (WeightsOp op : dense) {
      after += op.getStorageBytes();
      numWeightsPacked += op.getLayout() == WeightLayout::packed;
      numWeightsSparse += op.getLayout() == WeightLayout::sparse;
    }
    numBytesSaved += before - after;
  }
};

} // namespace

void compress::qint::populatePackWeightsPatterns(RewritePatternSet &patterns,
                                                 bool sparse) {
  patterns.add<PackDenseWeights>(patterns.getContext(), sparse);
}
