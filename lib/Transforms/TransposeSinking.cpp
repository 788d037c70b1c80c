//===- TransposeSinking.cpp - Cancel NCHW<->NHWC transpose pairs ----------===//
//
// Frontends that think in NCHW wrap every NHWC-only TOSA op (convolution,
// pooling) in a pair of `tosa.transpose` ops. The patterns here move each
// transpose towards its users, across ops that do not care about layout
// (elementwise ops, pad, slice, and reshapes that only split or merge
// dimensions), until it meets its inverse and both vanish. A transpose that
// reaches a `tosa.matmul` with constant weights through a flattening reshape
// is folded into the order of the weight rows instead.
//
// Every rewrite removes the transpose it moves (all of its uses are in the op
// it moves past) and creates at most one transpose of a non-constant value,
// so the number of transposes never grows; and transposes only move towards
// users, never back, so the rewrites terminate. Transposes put on constants
// along the way are left to constant folding.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

using namespace mlir;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

// Permutations follow TOSA: `perms[i]` is the input dimension that becomes
// output dimension i.

/// Returns the permutation that undoes `perms`.
static SmallVector<int32_t> invertPermutation(ArrayRef<int32_t> perms) {
  SmallVector<int32_t> inverse(perms.size());
  for (auto [index, dim] : llvm::enumerate(perms))
    inverse[dim] = index;
  return inverse;
}

static bool isIdentityPermutation(ArrayRef<int32_t> perms) {
  for (auto [index, dim] : llvm::enumerate(perms))
    if (dim != static_cast<int32_t>(index))
      return false;
  return true;
}

/// True if transposing a tensor of `shape` by `perms` keeps its non-unit
/// dimensions in order: such a transpose moves no data and is a reshape.
static bool movesOnlyUnitDims(ArrayRef<int64_t> shape,
                              ArrayRef<int32_t> perms) {
  int32_t previous = -1;
  for (int32_t dim : perms) {
    if (shape[dim] == 1)
      continue;
    if (dim < previous)
      return false;
    previous = dim;
  }
  return true;
}

static Value createTranspose(PatternRewriter &rewriter, Location loc,
                             Value value, ArrayRef<int32_t> perms) {
  auto type = cast<RankedTensorType>(value.getType());
  auto resultType =
      type.clone(tosa::applyTOSAPermutation(type.getShape(), perms));
  return tosa::TransposeOp::create(rewriter, loc, resultType, value,
                                   rewriter.getDenseI32ArrayAttr(perms));
}

static Value createReshape(PatternRewriter &rewriter, Location loc, Value value,
                           ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  return tosa::ReshapeOp::create(rewriter, loc, type.clone(shape), value,
                                 tosa::getTosaConstShape(rewriter, loc, shape));
}

/// True if `value` is a constant or computed from constants only, such as
/// `rsqrt(var + eps)` or a transpose of a constant that constant folding
/// has not reached yet. Looks at most `depth` ops up.
static bool isConstantLike(Value value, unsigned depth = 4) {
  if (matchPattern(value, m_Constant()))
    return true;
  Operation *def = value.getDefiningOp();
  if (!def || depth == 0 || def->getNumRegions() != 0 ||
      def->getNumOperands() == 0 || !isa<tosa::TosaDialect>(def->getDialect()))
    return false;
  return llvm::all_of(def->getOperands(), [&](Value operand) {
    return isConstantLike(operand, depth - 1);
  });
}

/// Returns the op that holds every use of `value`, or null if there are
/// none or several.
static Operation *getSoleUser(Value value) {
  Operation *soleUser = nullptr;
  for (Operation *user : value.getUsers()) {
    if (soleUser && user != soleUser)
      return nullptr;
    soleUser = user;
  }
  return soleUser;
}

/// Returns the op that `transpose` can move past: its only user, provided
/// the transposed value is not constant. Constant transposes are left to
/// constant folding; moving one would put a transpose on the user's
/// (non-constant) result.
static FailureOr<Operation *> getSinkTarget(tosa::TransposeOp transpose,
                                            PatternRewriter &rewriter) {
  if (!isa<RankedTensorType>(transpose.getInput1().getType()) ||
      !isa<RankedTensorType>(transpose.getType()))
    return rewriter.notifyMatchFailure(transpose, "unranked");
  if (isConstantLike(transpose.getInput1()))
    return rewriter.notifyMatchFailure(transpose, "transposes a constant");
  Operation *user = getSoleUser(transpose.getResult());
  if (!user)
    return rewriter.notifyMatchFailure(transpose, "not used by exactly one op");
  return user;
}

/// Returns a live `tosa.transpose(value, perms)` that already exists in the
/// block of `op`, if `value` is defined in that block too (so the transpose
/// can be moved up to `value` to dominate `op`).
static tosa::TransposeOp
findTransposeBefore(Value value, ArrayRef<int32_t> perms, Operation *op) {
  if (value.getParentBlock() != op->getBlock())
    return nullptr;
  for (Operation *user : value.getUsers()) {
    auto transpose = dyn_cast<tosa::TransposeOp>(user);
    if (transpose && transpose->getBlock() == op->getBlock() &&
        transpose.getPerms() == perms && !transpose->use_empty())
      return transpose;
  }
  return nullptr;
}

/// Returns how many leading operands of `op` are tensors it combines
/// elementwise (with broadcasting), or 0 if `op` is not a layout-agnostic
/// elementwise op. Trailing operands such as the shift of `tosa.mul` or the
/// zero points of `tosa.negate` are scalars that do not depend on layout.
static unsigned getNumElementwiseOperands(Operation *op) {
  if (isa<tosa::MulOp>(op))
    return 2;
  if (isa<tosa::NegateOp, tosa::CastOp, tosa::IdentityOp, tosa::TableOp>(op))
    return 1;
  // `tosa.rescale` does not qualify: its per-channel parameters follow the
  // last dimension.
  if (op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>())
    return op->getNumOperands();
  return 0;
}

/// Whether `value` is the result of a transpose by `perms`.
static bool isTransposedBy(Value value, ArrayRef<int32_t> perms) {
  auto transpose = value.getDefiningOp<tosa::TransposeOp>();
  return transpose && transpose.getPerms() == perms;
}

//===----------------------------------------------------------------------===//
// Cancelling transposes
//===----------------------------------------------------------------------===//

namespace {

/// transpose(transpose(x, p1), p2) -> transpose(x, p1 o p2), which is x
/// itself when the two are inverse; an identity transpose is removed too.
struct ComposeTransposes : public OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    ArrayRef<int32_t> perms = transpose.getPerms();
    auto inner = transpose.getInput1().getDefiningOp<tosa::TransposeOp>();
    if (!inner) {
      if (!isIdentityPermutation(perms))
        return rewriter.notifyMatchFailure(transpose, "nothing to compose");
      rewriter.replaceOp(transpose, transpose.getInput1());
      return success();
    }
    SmallVector<int32_t> composed;
    for (int32_t dim : perms)
      composed.push_back(inner.getPerms()[dim]);
    if (isIdentityPermutation(composed)) {
      rewriter.replaceOp(transpose, inner.getInput1());
      return success();
    }
    rewriter.replaceOp(transpose, tosa::TransposeOp::create(
                                      rewriter, transpose.getLoc(),
                                      transpose.getType(), inner.getInput1(),
                                      rewriter.getDenseI32ArrayAttr(composed)));
    return success();
  }
};

/// A transpose that keeps the non-unit dimensions in order becomes a
/// reshape, which moves no data and merges with neighbouring reshapes.
/// Runs after sinking (lower benefit) so that a transpose that can still
/// meet its inverse is not turned into a reshape first.
struct UnitDimTransposeToReshape : public OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    Value input = transpose.getInput1();
    if (isConstantLike(input))
      return rewriter.notifyMatchFailure(transpose, "left to constant folding");
    // Two transposes compose into one; a reshape between them would not.
    if (input.getDefiningOp<tosa::TransposeOp>() ||
        llvm::any_of(transpose->getUsers(), llvm::IsaPred<tosa::TransposeOp>))
      return rewriter.notifyMatchFailure(transpose, "composes with another");
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto resultType = dyn_cast<RankedTensorType>(transpose.getType());
    if (!inputType || !resultType || !resultType.hasStaticShape() ||
        !movesOnlyUnitDims(inputType.getShape(), transpose.getPerms()))
      return rewriter.notifyMatchFailure(transpose, "moves data");
    rewriter.replaceOp(transpose, createReshape(rewriter, transpose.getLoc(),
                                                input, resultType.getShape()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Sinking transposes past layout-agnostic ops
//===----------------------------------------------------------------------===//

/// op(transpose(x, p), ...) -> transpose(op(x, ...), p) for elementwise ops.
/// Every other tensor operand must be brought into the layout of x without
/// a new transpose of a non-constant value: a transpose with the same
/// permutation is bypassed, a constant is transposed (and folded later), an
/// operand that already has a transpose by the inverse permutation (say, the
/// residual input of a block that also feeds its NHWC convolution) reuses
/// it, and an operand whose transpose only moves unit dimensions (a
/// broadcast vector) is reshaped.
struct SinkTransposeBelowElementwise
    : public OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  /// Checks that every tensor operand of `op` can be brought into the
  /// layout of the transpose's input without a new transpose of a
  /// non-constant value, and that the transpose feeds no parameter.
  static LogicalResult checkOperands(Operation *op, tosa::TransposeOp transpose,
                                     unsigned numTensorOperands,
                                     ArrayRef<int32_t> inverse,
                                     PatternRewriter &rewriter) {
    for (auto [index, operand] : llvm::enumerate(op->getOperands())) {
      if (index >= numTensorOperands) {
        if (operand == transpose.getResult())
          return rewriter.notifyMatchFailure(op, "transpose is a parameter");
        continue;
      }
      if (isTransposedBy(operand, transpose.getPerms()))
        continue;
      auto type = dyn_cast<RankedTensorType>(operand.getType());
      if (!type)
        return rewriter.notifyMatchFailure(op, "unranked operand");
      if (isConstantLike(operand) || findTransposeBefore(operand, inverse, op))
        continue;
      if (!type.hasStaticShape() ||
          !movesOnlyUnitDims(type.getShape(), inverse))
        return rewriter.notifyMatchFailure(
            op, "an operand would need a new transpose");
    }
    return success();
  }

  /// `operand` of `op` in the layout before the transpose by `perms`, in one
  /// of the ways checkOperands accepted.
  static Value createOperandInLayout(PatternRewriter &rewriter, Operation *op,
                                     Value operand, ArrayRef<int32_t> perms,
                                     ArrayRef<int32_t> inverse) {
    Location loc = op->getLoc();
    if (isTransposedBy(operand, perms))
      return operand.getDefiningOp<tosa::TransposeOp>().getInput1();
    if (isConstantLike(operand))
      return createTranspose(rewriter, loc, operand, inverse);
    if (tosa::TransposeOp existing =
            findTransposeBefore(operand, inverse, op)) {
      // Moving the transpose up to its operand keeps it dominating its
      // users and makes it dominate `op`.
      if (!existing->isBeforeInBlock(op)) {
        if (Operation *def = operand.getDefiningOp())
          rewriter.moveOpAfter(existing, def);
        else
          rewriter.moveOpBefore(existing, &op->getBlock()->front());
      }
      return existing.getResult();
    }
    auto type = cast<RankedTensorType>(operand.getType());
    return createReshape(rewriter, loc, operand,
                         tosa::applyTOSAPermutation(type.getShape(), inverse));
  }

  LogicalResult matchAndRewrite(tosa::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    FailureOr<Operation *> target = getSinkTarget(transpose, rewriter);
    if (failed(target))
      return failure();
    Operation *op = *target;
    unsigned numTensorOperands = getNumElementwiseOperands(op);
    if (numTensorOperands == 0 || op->getNumResults() != 1)
      return rewriter.notifyMatchFailure(transpose, "user is not elementwise");
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unranked result");

    ArrayRef<int32_t> perms = transpose.getPerms();
    SmallVector<int32_t> inverse = invertPermutation(perms);
    // The transpose after the op moves as much data as one before it only
    // if a transposed operand is not broadcast.
    ValueRange tensorOperands = op->getOperands().take_front(numTensorOperands);
    if (llvm::none_of(tensorOperands, [&](Value operand) {
          return isTransposedBy(operand, perms) &&
                 cast<ShapedType>(operand.getType()).getShape() ==
                     resultType.getShape();
        }))
      return rewriter.notifyMatchFailure(op, "transposed operand broadcasts");
    if (failed(
            checkOperands(op, transpose, numTensorOperands, inverse, rewriter)))
      return failure();

    Location loc = op->getLoc();
    rewriter.setInsertionPoint(op);
    IRMapping mapping;
    for (Value operand : tensorOperands) {
      if (mapping.contains(operand))
        continue;
      mapping.map(operand,
                  createOperandInLayout(rewriter, op, operand, perms, inverse));
    }
    Operation *sunk = rewriter.clone(*op, mapping);
    rewriter.modifyOpInPlace(sunk, [&] {
      sunk->getResult(0).setType(resultType.clone(
          tosa::applyTOSAPermutation(resultType.getShape(), inverse)));
    });
    rewriter.replaceOp(
        op, createTranspose(rewriter, loc, sunk->getResult(0), perms));
    rewriter.eraseOp(transpose);
    return success();
  }
};

/// pad(transpose(x, p)) -> transpose(pad'(x), p), with the (before, after)
/// pairs of the padding permuted back to the dimensions of x.
struct SinkTransposeBelowPad : public OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    FailureOr<Operation *> target = getSinkTarget(transpose, rewriter);
    if (failed(target))
      return failure();
    auto pad = dyn_cast<tosa::PadOp>(*target);
    if (!pad || pad.getInput1() != transpose.getResult())
      return rewriter.notifyMatchFailure(transpose, "user is not a pad");
    SmallVector<int64_t> padding;
    Operation *paddingOp = pad.getPadding().getDefiningOp();
    if (!paddingOp || !tosa::getConstShapeValues(paddingOp, padding))
      return rewriter.notifyMatchFailure(pad, "padding is not constant");

    ArrayRef<int32_t> perms = transpose.getPerms();
    SmallVector<int64_t> newPadding(padding.size());
    for (auto [index, dim] : llvm::enumerate(perms)) {
      newPadding[2 * dim] = padding[2 * index];
      newPadding[2 * dim + 1] = padding[2 * index + 1];
    }
    auto resultType = dyn_cast<RankedTensorType>(pad.getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(pad, "unranked result");
    auto newType = resultType.clone(tosa::applyTOSAPermutation(
        resultType.getShape(), ArrayRef(invertPermutation(perms))));
    Location loc = pad.getLoc();
    rewriter.setInsertionPoint(pad);
    Value newPad = tosa::PadOp::create(
        rewriter, loc, newType, transpose.getInput1(),
        tosa::getTosaConstShape(rewriter, loc, newPadding), pad.getPadConst());
    rewriter.replaceOp(pad, createTranspose(rewriter, loc, newPad, perms));
    rewriter.eraseOp(transpose);
    return success();
  }
};

/// slice(transpose(x, p)) -> transpose(slice'(x), p), with start and size
/// permuted back to the dimensions of x.
struct SinkTransposeBelowSlice : public OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    FailureOr<Operation *> target = getSinkTarget(transpose, rewriter);
    if (failed(target))
      return failure();
    auto slice = dyn_cast<tosa::SliceOp>(*target);
    if (!slice)
      return rewriter.notifyMatchFailure(transpose, "user is not a slice");
    SmallVector<int64_t> start, size;
    Operation *startOp = slice.getStart().getDefiningOp();
    Operation *sizeOp = slice.getSize().getDefiningOp();
    if (!startOp || !sizeOp || !tosa::getConstShapeValues(startOp, start) ||
        !tosa::getConstShapeValues(sizeOp, size))
      return rewriter.notifyMatchFailure(slice, "start or size not constant");

    ArrayRef<int32_t> perms = transpose.getPerms();
    SmallVector<int32_t> inverse = invertPermutation(perms);
    auto resultType = dyn_cast<RankedTensorType>(slice.getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(slice, "unranked result");
    auto newType = resultType.clone(
        tosa::applyTOSAPermutation(resultType.getShape(), ArrayRef(inverse)));
    Location loc = slice.getLoc();
    rewriter.setInsertionPoint(slice);
    Value newSlice = tosa::SliceOp::create(
        rewriter, loc, newType, transpose.getInput1(),
        tosa::getTosaConstShape(
            rewriter, loc,
            tosa::applyTOSAPermutation(ArrayRef(start), ArrayRef(inverse))),
        tosa::getTosaConstShape(
            rewriter, loc,
            tosa::applyTOSAPermutation(ArrayRef(size), ArrayRef(inverse))));
    rewriter.replaceOp(slice, createTranspose(rewriter, loc, newSlice, perms));
    rewriter.eraseOp(transpose);
    return success();
  }
};

/// `reshape(transpose(x, perms), target)` written as
/// `transpose(reshape(x, shape), perms)`.
struct ReshapeThenTranspose {
  SmallVector<int64_t> shape;
  SmallVector<int32_t> perms;
};

} // namespace

/// Commutes a reshape with the transpose before it, for x of shape `source`.
/// This works when the reshape only splits or merges dimensions that are
/// adjacent and in order in x as well: each group of merged (or split)
/// dimensions is then reshaped in place in x, and the groups are permuted
/// afterwards. Unit dimensions carry no data, so they are ignored when
/// grouping and keep their positions in the result.
static std::optional<ReshapeThenTranspose>
commuteReshapeWithTranspose(ArrayRef<int64_t> source, ArrayRef<int32_t> perms,
                            ArrayRef<int64_t> target) {
  SmallVector<int64_t> transposed = tosa::applyTOSAPermutation(source, perms);
  SmallVector<int64_t> inDims, outDims;
  for (auto [dim, size] : llvm::enumerate(transposed))
    if (size != 1)
      inDims.push_back(dim);
  for (auto [dim, size] : llvm::enumerate(target))
    if (size != 1)
      outDims.push_back(dim);

  // Smallest groups of consecutive non-unit dimensions whose sizes multiply
  // to the same number on both sides of the reshape.
  SmallVector<SmallVector<int64_t>> groupInputs, groupOutputs;
  SmallVector<int64_t> groupOf(transposed.size(), -1);
  size_t in = 0, out = 0;
  while (in < inDims.size()) {
    SmallVector<int64_t> inputs, outputs;
    int64_t inSize = 1, outSize = 1;
    do {
      if (inSize <= outSize) {
        if (in == inDims.size())
          return std::nullopt;
        inSize *= transposed[inDims[in]];
        groupOf[inDims[in]] = groupInputs.size();
        inputs.push_back(inDims[in++]);
      } else {
        if (out == outDims.size())
          return std::nullopt;
        outSize *= target[outDims[out]];
        outputs.push_back(outDims[out++]);
      }
    } while (inSize != outSize);
    groupInputs.push_back(std::move(inputs));
    groupOutputs.push_back(std::move(outputs));
  }
  if (out != outDims.size())
    return std::nullopt;

  // The dimensions of a group must be adjacent and in order in x too.
  SmallVector<int64_t> rankInSource(source.size(), -1);
  int64_t rank = 0;
  for (auto [dim, size] : llvm::enumerate(source))
    if (size != 1)
      rankInSource[dim] = rank++;
  for (ArrayRef<int64_t> inputs : groupInputs)
    for (size_t i = 1; i < inputs.size(); ++i)
      if (rankInSource[perms[inputs[i]]] !=
          rankInSource[perms[inputs[i - 1]]] + 1)
        return std::nullopt;

  // Output dimensions in the order their groups appear in x.
  SmallVector<int32_t> inverse = invertPermutation(perms);
  SmallVector<int64_t> order;
  for (auto [dim, size] : llvm::enumerate(source)) {
    if (size == 1)
      continue;
    int64_t transposedDim = inverse[dim];
    int64_t group = groupOf[transposedDim];
    if (groupInputs[group].front() == transposedDim)
      llvm::append_range(order, groupOutputs[group]);
  }

  ReshapeThenTranspose result;
  result.shape.assign(target.size(), 1);
  result.perms.resize(target.size());
  const int64_t *next = order.begin();
  for (auto [dim, size] : llvm::enumerate(target)) {
    if (size == 1) {
      result.perms[dim] = dim;
      continue;
    }
    result.shape[dim] = target[*next];
    result.perms[*next] = dim;
    ++next;
  }
  return result;
}

namespace {

/// reshape(transpose(x, p)) -> transpose(reshape'(x), p') when the reshape
/// only splits or merges dimensions that are adjacent in x, e.g. the NCHW
/// 1xCxHxW -> 1xCx(H/2)x2x(W/2)x2 of a stride-2 subsample becomes NHWC
/// 1xHxWxC -> 1x(H/2)x2x(W/2)x2xC. Reshapes that only add or drop unit
/// dimensions are a special case.
struct SinkTransposeBelowReshape : public OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    FailureOr<Operation *> target = getSinkTarget(transpose, rewriter);
    if (failed(target))
      return failure();
    auto reshape = dyn_cast<tosa::ReshapeOp>(*target);
    if (!reshape)
      return rewriter.notifyMatchFailure(transpose, "user is not a reshape");
    auto sourceType = cast<RankedTensorType>(transpose.getInput1().getType());
    auto resultType = dyn_cast<RankedTensorType>(reshape.getType());
    if (!resultType || !sourceType.hasStaticShape() ||
        !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(reshape, "dynamic shape");
    std::optional<ReshapeThenTranspose> commuted = commuteReshapeWithTranspose(
        sourceType.getShape(), transpose.getPerms(), resultType.getShape());
    if (!commuted)
      return rewriter.notifyMatchFailure(
          reshape, "reshape mixes dimensions that the transpose reorders");

    Location loc = reshape.getLoc();
    rewriter.setInsertionPoint(reshape);
    Value value = transpose.getInput1();
    if (ArrayRef(commuted->shape) != sourceType.getShape())
      value = createReshape(rewriter, loc, value, commuted->shape);
    if (!isIdentityPermutation(commuted->perms))
      value = createTranspose(rewriter, loc, value, commuted->perms);
    rewriter.replaceOp(reshape, value);
    rewriter.eraseOp(transpose);
    return success();
  }
};

/// Folds a transpose that reaches the left operand of a `tosa.matmul`
/// through reshapes that flatten it to [1, 1, K] into the constant right
/// operand [1, K, N]: with a = flatten(transpose(x)), a * W equals
/// flatten(x) * W' where W' holds the rows of W in the element order of x.
/// This removes the NHWC->NCHW transpose in front of a classifier.
struct FoldTransposeIntoMatmulWeights
    : public OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    FailureOr<Operation *> target = getSinkTarget(transpose, rewriter);
    if (failed(target))
      return failure();
    SmallVector<tosa::ReshapeOp> reshapes;
    Value flat = transpose.getResult();
    Operation *user = *target;
    while (auto reshape = dyn_cast_or_null<tosa::ReshapeOp>(user)) {
      reshapes.push_back(reshape);
      flat = reshape.getResult();
      user = getSoleUser(flat);
    }
    auto matmul = dyn_cast_or_null<tosa::MatMulOp>(user);
    if (reshapes.empty() || !matmul || matmul.getA() != flat ||
        matmul.getB() == flat)
      return rewriter.notifyMatchFailure(
          transpose, "does not reach a matmul through reshapes");

    auto transposedType = cast<RankedTensorType>(transpose.getType());
    auto flatType = dyn_cast<RankedTensorType>(flat.getType());
    auto weightType = dyn_cast<RankedTensorType>(matmul.getB().getType());
    if (!transposedType.hasStaticShape() || !weightType ||
        !weightType.hasStaticShape())
      return rewriter.notifyMatchFailure(matmul, "dynamic shape");
    SmallVector<int64_t> vectorShape = {1, 1, transposedType.getNumElements()};
    if (!flatType || flatType.getShape() != ArrayRef(vectorShape))
      return rewriter.notifyMatchFailure(matmul, "not a flattened vector");
    if (!isConstantLike(matmul.getB()))
      return rewriter.notifyMatchFailure(matmul, "weights are not constant");

    // View the rows of W as a tensor shaped like the transposed value,
    // transpose them back to the layout of x, and flatten again.
    Location loc = matmul.getLoc();
    rewriter.setInsertionPoint(matmul);
    SmallVector<int64_t> rowsShape(transposedType.getShape());
    rowsShape.push_back(weightType.getDimSize(2));
    SmallVector<int32_t> rowsPerms = invertPermutation(transpose.getPerms());
    rowsPerms.push_back(rowsPerms.size());
    Value rows = createReshape(rewriter, loc, matmul.getB(), rowsShape);
    rows = createTranspose(rewriter, loc, rows, rowsPerms);
    Value weights = createReshape(rewriter, loc, rows, weightType.getShape());

    tosa::ReshapeOp first = reshapes.front();
    rewriter.modifyOpInPlace(
        first, [&] { first.getInput1Mutable().assign(transpose.getInput1()); });
    rewriter.modifyOpInPlace(matmul,
                             [&] { matmul.getBMutable().assign(weights); });
    rewriter.eraseOp(transpose);
    return success();
  }
};

} // namespace

void compress::populateTransposeSinkingPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  // "layout" counts the rewrites that remove a transpose (the pass's
  // transposes-removed statistic); moving one is labelled separately.
  patterns.addWithLabel<ComposeTransposes>({"layout"}, ctx, /*benefit=*/3);
  patterns.addWithLabel<FoldTransposeIntoMatmulWeights>({"layout"}, ctx,
                                                        /*benefit=*/2);
  patterns.addWithLabel<UnitDimTransposeToReshape>({"layout"}, ctx,
                                                   /*benefit=*/1);
  patterns.addWithLabel<SinkTransposeBelowElementwise, SinkTransposeBelowPad,
                        SinkTransposeBelowSlice, SinkTransposeBelowReshape>(
      {"layout-sink"}, ctx, /*benefit=*/2);
}
