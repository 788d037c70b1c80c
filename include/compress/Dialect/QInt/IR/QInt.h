//===- QInt.h - Integer kernel dialect ---------------------------*- C++ -*-===//
//
// The `qint` dialect, its enums, attributes and operations.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_QINT_IR_QINT_H
#define COMPRESS_DIALECT_QINT_IR_QINT_H

#include "compress/Support/RescaleRounding.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferIntRangeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <vector>

#include "compress/Dialect/QInt/IR/QIntOpsDialect.h.inc"

namespace compress::qint {
/// Whether `type` can be a qint accumulator element type: signless, of 2 to
/// 32 bits, 48 or 64 bits.
bool isAccumulatorType(mlir::Type type);
} // namespace compress::qint

#include "compress/Dialect/QInt/IR/QIntEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "compress/Dialect/QInt/IR/QIntAttrs.h.inc"

#define GET_OP_CLASSES
#include "compress/Dialect/QInt/IR/QIntOps.h.inc"

namespace compress::qint {

/// Worst-case bounds of an accumulating op's result (`qint.conv2d`,
/// `qint.depthwise_conv2d`, or `qint.matmul` with one constant batch of
/// weights), per output channel, from its constant weights and bias and the
/// range of its input: `bias + sum_k max(w_k * t_lo, w_k * t_hi)` and the
/// minimum likewise, where every term `t = x - zero_point` lies in
/// `[termLo, termHi]` (0 included when a window reads padding). Each bound
/// is attained by the input whose terms sit at the end of the range that
/// matches the sign of their weight.
struct AccumulatorBounds {
  int64_t termLo = 0, termHi = 0;
  /// Products summed per output channel.
  int64_t reduction = 0;
  /// Per output channel: the smallest and largest value.
  llvm::SmallVector<int64_t> lo, hi;

  /// The channel whose range needs the most bits (the first of equals).
  int64_t widestChannel() const;
  /// The smallest signed two's-complement width holding every channel's
  /// range.
  unsigned bitsNeeded() const;
};

/// Signed two's-complement bits needed to hold `[lo, hi]`.
unsigned signedBitsFor(int64_t lo, int64_t hi);

/// The bounds of `op`'s accumulator given the ranges of its operands (in
/// operand order, as InferIntRangeInterface passes them); nullopt when the
/// weights (or the bias) are not constants with static shapes, or a bound
/// leaves i64.
std::optional<AccumulatorBounds>
getAccumulatorBounds(mlir::Operation *op,
                     llvm::ArrayRef<mlir::ConstantIntRanges> operandRanges);

/// Each output channel's weights in `getAccumulatorBounds`'s term order,
/// with the weight zero point taken off: what the inputs that attain the
/// bounds are built from. Empty unless the weights are constants with a
/// static shape.
llvm::SmallVector<llvm::SmallVector<int64_t>>
getChannelWeights(mlir::Operation *op);

/// A storage of `qint.weights` and the bytes of its values and mask.
struct WeightStorage {
  WeightLayout layout = WeightLayout::dense;
  /// The block shape of the sparse layout.
  llvm::SmallVector<int64_t> block;
  int64_t bytes = 0;
};

/// The smallest storage of `bits`-bit `values` of `shape`, as
/// compress-pack-weights chooses it: dense, packed (below 8 bits), or, when
/// `trySparse` and the weights are not binary, sparse in 1x4 blocks along
/// `reductionAxis` (when given) or unstructured; on ties in that order.
WeightStorage chooseWeightStorage(llvm::ArrayRef<int8_t> values,
                                  llvm::ArrayRef<int64_t> shape, int64_t bits,
                                  bool isSigned,
                                  std::optional<int64_t> reductionAxis,
                                  bool trySparse = true);

/// The axis of its weights (operand 1) that `op`, a `qint.conv2d` (the
/// innermost of OHWI) or `qint.matmul` (K of [B, K, N]), reduces over;
/// nothing for other ops.
std::optional<int64_t> getWeightReductionAxis(mlir::Operation *op);

} // namespace compress::qint

#endif // COMPRESS_DIALECT_QINT_IR_QINT_H
