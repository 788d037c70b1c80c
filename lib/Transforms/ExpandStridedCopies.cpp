//===- ExpandStridedCopies.cpp - Strided memref.copy as linalg.copy -------===//
//
// A `memref.copy` between buffers that are not both contiguous lowers to a
// call of the runner utilities' `memrefCopy`, an element-by-element walk
// through the descriptors; in the int8 ResNet-20 the two downsampling
// shortcuts (a strided slice and a channel pad) spent 7% of the run there.
// As `linalg.copy` the same copy becomes loops that LLVM vectorizes.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace compress {
#define GEN_PASS_DEF_EXPANDSTRIDEDCOPIESPASS
#include "compress/Transforms/Passes.h.inc"
} // namespace compress

using namespace mlir;

namespace {

/// Whether the LLVM lowering copies `type` with one `memcpy`.
bool isContiguous(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.getLayout().isIdentity();
}

struct StridedCopyToLinalg : public OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::CopyOp copy,
                                PatternRewriter &rewriter) const override {
    if (isContiguous(copy.getSource().getType()) &&
        isContiguous(copy.getTarget().getType()))
      return rewriter.notifyMatchFailure(copy, "a memcpy already");
    if (!isa<MemRefType>(copy.getSource().getType()) ||
        !isa<MemRefType>(copy.getTarget().getType()))
      return rewriter.notifyMatchFailure(copy, "unranked memref");
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
    return success();
  }
};

struct ExpandStridedCopiesPass
    : public compress::impl::ExpandStridedCopiesPassBase<
          ExpandStridedCopiesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    compress::populateExpandStridedCopiesPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace

void compress::populateExpandStridedCopiesPatterns(
    RewritePatternSet &patterns) {
  patterns.add<StridedCopyToLinalg>(patterns.getContext());
}
