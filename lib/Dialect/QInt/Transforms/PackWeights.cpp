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

/// One way of storing a weights op and its bytes.
struct Storage {
  WeightLayout layout = WeightLayout::dense;
  /// The block shape of the sparse layout.
  SmallVector<int64_t> block;
  int64_t bytes = 0;
};

/// The 1x4 block along the dimension the only user of `op` reduces over
/// (the innermost one of conv2d's OHWI weights, K of matmul's [B, K, N]
/// right-hand side); nothing for other users.
std::optional<SmallVector<int64_t>> getReductionBlock(WeightsOp op) {
  if (!op->hasOneUse())
    return std::nullopt;
  Operation *user = *op->user_begin();
  int64_t rank = op.getType().getRank(), axis;
  if (isa<Conv2DOp>(user) && user->getOperand(1) == op.getResult())
    axis = rank - 1;
  else if (isa<MatmulOp>(user) && user->getOperand(1) == op.getResult())
    axis = rank - 2;
  else
    return std::nullopt;
  SmallVector<int64_t> block(rank, 1);
  block[axis] = 4;
  return block;
}

/// The bytes of the values and mask of `values` stored sparse in blocks.
int64_t getSparseBytes(ArrayRef<int8_t> values, ArrayRef<int64_t> shape,
                       ArrayRef<int64_t> block, int64_t bits) {
  WeightBlocks blocks(shape, block);
  int64_t kept = 0;
  for (int64_t b = 0, e = blocks.getNumBlocks(); b < e; ++b) {
    ArrayRef<int64_t> elements = blocks.getElements(b);
    if (llvm::any_of(elements, [&](int64_t i) { return values[i] != 0; }))
      kept += elements.size();
  }
  return getPackedByteCount(blocks.getNumBlocks(), 1) +
         getPackedByteCount(kept, bits);
}

/// The smallest storage of dense weights `op`: dense, packed, or (when
/// `trySparse`) sparse in 1x4 blocks along the reduction or unstructured,
/// preferred in that order on ties.
Storage chooseStorage(WeightsOp op, ArrayRef<int8_t> values, bool trySparse) {
  int64_t bits = op.getBitsAttr().getInt(), count = op.getNumWeights();
  Storage best{WeightLayout::dense, {}, count};
  if (bits < 8)
    best = {WeightLayout::packed, {}, getPackedByteCount(count, bits)};
  auto type = op.getType();
  bool binary = op.getIsSigned() && bits == 1;
  if (!trySparse || binary || !type.hasStaticShape())
    return best;
  SmallVector<SmallVector<int64_t>> blocks;
  if (std::optional<SmallVector<int64_t>> block = getReductionBlock(op))
    blocks.push_back(*block);
  blocks.push_back(SmallVector<int64_t>(type.getRank(), 1));
  for (const SmallVector<int64_t> &block : blocks) {
    int64_t bytes = getSparseBytes(values, type.getShape(), block, bits);
    if (bytes < best.bytes)
      best = {WeightLayout::sparse, block, bytes};
  }
  return best;
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
    Storage storage = chooseStorage(op, values, trySparse);
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
