//===- Kernels.h - Kernel registry of the reference evaluator ----*- C++ -*-===//
//
// Internal interface between the evaluator's interpreter loop and its op
// kernels. A kernel reads its operands and attributes and fills its
// results; it never looks at other ops. A per-step cache lets kernels keep
// work that depends only on constant operands (packed weights) across runs.
// The registry is keyed by op name so that a reverse-mode table can sit
// beside the forward one with the same keys.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_EVALUATOR_KERNELS_H
#define COMPRESS_LIB_EVALUATOR_KERNELS_H

#include "compress/Support/Tensor.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringMap.h"

#include <initializer_list>
#include <memory>
#include <mutex>

namespace compress::detail {

/// State a kernel may keep for one op across runs.
struct KernelCache {
  virtual ~KernelCache();
};

/// Where a program keeps the cache of one op. Runs of one program may
/// overlap in several threads: the cache is built once, by whichever comes
/// first, and only read afterwards.
struct KernelCacheSlot {
  std::once_flag built;
  std::unique_ptr<KernelCache> value;
};

struct KernelContext {
  mlir::Operation *op;
  llvm::ArrayRef<const Tensor *> operands;
  llvm::MutableArrayRef<Tensor> results;
  /// Which operands are compile-time constants (their tensors never change
  /// between runs, so derived data may be cached).
  llvm::ArrayRef<bool> constantOperands;
  /// Cache slot of this op; null when caching is not possible.
  KernelCacheSlot *cache;
  /// Reverse mode: the operands whose gradient the caller needs only as its
  /// squared Frobenius norm (empty: none). A backward kernel may then
  /// store that norm in `operandGradNorms[i]` and leave the gradient empty;
  /// it may also produce the gradient as usual.
  llvm::ArrayRef<bool> normOnly = {};
  double *operandGradNorms = nullptr;
  /// Samples stacked along the first dimension of operand 0 (see
  /// `stacksSamples`): results get that many times their type's first
  /// dimension.
  int64_t stackedSamples = 1;

  /// Emits an error at the op and returns failure.
  mlir::LogicalResult fail(const llvm::Twine &message) const;
  const Tensor &operand(unsigned i) const { return *operands[i]; }
  /// The op's cache, a `T` filled by `build(T &)` on first use; null when
  /// the op has no cache slot.
  template <typename T, typename Build>
  const T *cached(Build &&build) const {
    if (!cache)
      return nullptr;
    std::call_once(cache->built, [&] {
      auto entry = std::make_unique<T>();
      build(*entry);
      cache->value = std::move(entry);
    });
    return static_cast<const T *>(cache->value.get());
  }
  /// Allocates result `i` with the dtype and static shape of its type, the
  /// first dimension multiplied by `stackedSamples`.
  mlir::LogicalResult allocResult(unsigned i);
};

using KernelFn = mlir::LogicalResult (*)(KernelContext &ctx);
using KernelTable = llvm::StringMap<KernelFn>;

/// The process-wide table of forward kernels.
const KernelTable &forwardKernels();

/// Whether the kernel of `op` may run several samples at once, stacked
/// along the first dimension of operand 0, every other operand being a
/// constant shared by the samples: convolutions and matrix products, which
/// then multiply one taller matrix by their weights (and repack them once)
/// instead of one per sample.
bool stacksSamples(mlir::Operation *op);

void registerElementwiseKernels(KernelTable &table);
void registerDataMovementKernels(KernelTable &table);
void registerConvolutionKernels(KernelTable &table);
void registerQIntKernels(KernelTable &table);

/// Reverse-mode kernel of one op. `ctx` holds the op's forward operands and
/// results (no cache); `resultGrads[i]` is the gradient of result `i`, or
/// null when no output depends on it. The kernel sets `operandGrads[i]` to
/// the gradient of operand `i` (same shape, float32) for every operand that
/// carries one and leaves the others default-constructed: zero points,
/// shapes and other integer operands have no gradient.
using BackwardFn = mlir::LogicalResult (*)(
    KernelContext &ctx, llvm::ArrayRef<const Tensor *> resultGrads,
    llvm::MutableArrayRef<Tensor> operandGrads);
using BackwardTable = llvm::StringMap<BackwardFn>;

/// The process-wide table of reverse-mode kernels, keyed like
/// `forwardKernels()`.
const BackwardTable &backwardKernels();

void registerElementwiseGradients(BackwardTable &table);
void registerConvolutionGradients(BackwardTable &table);

/// Fails with a diagnostic at the op unless every tensor is float32: reverse
/// mode is defined for float32 only.
mlir::LogicalResult checkF32(KernelContext &ctx,
                             std::initializer_list<const Tensor *> tensors);

/// Helpers shared by the kernel files.
/// The integer values of a `!tosa.shape` or integer tensor operand.
llvm::SmallVector<int64_t> shapeValues(const Tensor &tensor);
/// Signed integer of a scalar-ish zero-point operand (first element).
int64_t scalarInt(const Tensor &tensor);
double scalarDouble(const Tensor &tensor);

} // namespace compress::detail

#endif // COMPRESS_LIB_EVALUATOR_KERNELS_H
