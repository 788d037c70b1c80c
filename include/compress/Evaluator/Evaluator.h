//===- Evaluator.h - Reference evaluator for TOSA and qint -------*- C++ -*-===//
//
// The reference evaluator executes the body of a `func.func` made of float or
// integer TOSA ops and `qint` ops on host tensors. Its integer results define
// what integer IR means: compiled code must match them bit for bit.
//
// A function is compiled once into a `Program` (ops resolved to kernels,
// constants materialised, per-op caches such as packed weights) and then run
// once per sample. Every intermediate value can be observed, which is what
// calibration builds on; reverse mode (`Program::runBackward`) computes
// vector-Jacobian products of float32 functions.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_EVALUATOR_EVALUATOR_H
#define COMPRESS_EVALUATOR_EVALUATOR_H

#include "compress/Support/Tensor.h"

#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>

namespace mlir {
class Operation;
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace compress {

/// Called for every constant and op result as soon as it has been
/// computed; the tensor may be freed after the call.
using ValueObserver =
    llvm::function_ref<void(mlir::Value value, const Tensor &tensor)>;

/// Like `ValueObserver`, for runs of several samples: `sample` is the
/// sample's index in the batch.
using BatchObserver = llvm::function_ref<void(
    unsigned sample, mlir::Value value, const Tensor &tensor)>;

struct ProgramImpl;

/// Gradients of a scalar loss computed by `Program::runBackward`.
struct Gradients {
  /// One per function argument: float32, shaped like the argument (zero
  /// when the loss does not depend on it); empty for non-float32 arguments.
  llvm::SmallVector<Tensor> inputs;
  /// One per value asked for in `wrt`.
  llvm::DenseMap<mlir::Value, Tensor> values;
};

/// A function prepared for repeated evaluation.
class Program {
public:
  /// Resolves every op of `func` to a kernel. Emits an error at the first
  /// op the evaluator cannot run (naming it) and fails.
  static mlir::FailureOr<Program> compile(mlir::func::FuncOp func);

  Program(Program &&) noexcept;
  Program &operator=(Program &&) noexcept;
  ~Program();

  /// Argument types of the function, as dtype and static shape.
  llvm::ArrayRef<std::pair<DType, Shape>> argumentTypes() const;

  /// Runs the function. Inputs must match `argumentTypes()`; a mismatch or
  /// a failing kernel returns an error (kernels also emit a diagnostic at
  /// their op's location). `observer` sees every constant and op result
  /// when it is produced; the tensor may be freed after the call returns,
  /// so an observer copies what it keeps. Several runs of one program may
  /// overlap on different threads.
  llvm::Expected<llvm::SmallVector<Tensor>>
  run(llvm::ArrayRef<Tensor> inputs,
      std::optional<ValueObserver> observer = std::nullopt) const;

  /// Runs the function on several samples at once: `samples[i]` holds the
  /// inputs of sample i and the result holds its outputs. Convolutions and
  /// matrix products whose weights are constants run once for all samples,
  /// stacked along their first dimension, which is what makes a batch
  /// faster than its samples one at a time: the GEMM is taller and the
  /// weights are packed once. Other ops run sample by sample. Integer
  /// results are the same as `run`'s; float results may differ in the last
  /// bits, as the BLAS may sum in another order for another matrix height,
  /// so callers that must not depend on the thread count fix the batches.
  /// The observer sees each value of each sample; all samples' tensors of
  /// one value are reported one after another, in sample order. When the
  /// run fails because of one sample (its inputs, or an op that ran it
  /// alone), `*failedSample` is set to its index in `samples`; to -1 when
  /// the failing op ran all samples at once.
  llvm::Expected<std::vector<llvm::SmallVector<Tensor>>>
  runBatch(llvm::ArrayRef<llvm::SmallVector<Tensor>> samples,
           std::optional<BatchObserver> observer = std::nullopt,
           int64_t *failedSample = nullptr) const;

  /// Gradients of `sum_i sum(outputSeeds[i] * outputs[i])` with respect to
  /// the function's float32 inputs and to the values in `wrt` (typically
  /// weight constants; any float32 value of the function body is allowed,
  /// and gets the gradient with respect to that value as a whole). Runs the
  /// function forward keeping every value, then walks the ops in reverse
  /// accumulating gradients. Seeds must match the outputs' shapes and be
  /// float32. An op on the way from an input or a `wrt` value to an output
  /// without a reverse-mode kernel is an error naming the op. The forward
  /// results are stored in `outputs` when given.
  llvm::Expected<Gradients>
  runBackward(llvm::ArrayRef<Tensor> inputs,
              llvm::ArrayRef<Tensor> outputSeeds,
              llvm::ArrayRef<mlir::Value> wrt = {},
              llvm::SmallVectorImpl<Tensor> *outputs = nullptr) const;

  /// The squared Frobenius norm of the gradient (as `runBackward` defines
  /// it) of each `wrt` value, for callers that need only norms (Fisher
  /// sensitivity). Each gradient is reduced as soon as no step is left to
  /// add to it and freed, so the gradients of all weights, as large as the
  /// model, are never held at once; a constant read by one op may get its
  /// norm from that op's kernel without the gradient being formed (a
  /// convolution whose output has few positions does this).
  llvm::Expected<llvm::DenseMap<mlir::Value, double>>
  gradientSquaredNorms(llvm::ArrayRef<Tensor> inputs,
                       llvm::ArrayRef<Tensor> outputSeeds,
                       llvm::ArrayRef<mlir::Value> wrt) const;

  /// Computes the output seeds of a sample from its forward results.
  using SeedFunction = llvm::function_ref<llvm::Expected<
      llvm::SmallVector<Tensor>>(llvm::ArrayRef<Tensor> outputs)>;
  /// `gradientSquaredNorms` with seeds that depend on the outputs (a loss
  /// such as log p_y of a label drawn from the model): `seedsFor` gets the
  /// forward results and returns the seeds, so the function runs forward
  /// once rather than once for the outputs and once more for the
  /// gradients.
  llvm::Expected<llvm::DenseMap<mlir::Value, double>>
  gradientSquaredNorms(llvm::ArrayRef<Tensor> inputs, SeedFunction seedsFor,
                       llvm::ArrayRef<mlir::Value> wrt) const;

private:
  explicit Program(std::unique_ptr<ProgramImpl> impl);
  std::unique_ptr<ProgramImpl> impl;
};

/// Evaluates one op whose operands are given, as constant folding does.
/// Fails (without diagnostics) if the op has no kernel or the kernel fails.
mlir::FailureOr<llvm::SmallVector<Tensor>>
evaluateOp(mlir::Operation *op, llvm::ArrayRef<Tensor> operands);

/// True if the evaluator has a kernel for ops named `opName`.
bool hasKernel(llvm::StringRef opName);
/// True if the evaluator has a reverse-mode kernel for ops named `opName`.
bool hasBackwardKernel(llvm::StringRef opName);

/// Converts a constant attribute (dense elements, or a `dense_resource`
/// whose blob is present) to a tensor.
mlir::FailureOr<Tensor> tensorFromAttr(mlir::Attribute attr);
/// The raw little-endian elements of a `dense_resource` attribute (one byte
/// per i1), or nullopt for other attributes and for a resource whose blob
/// is absent (elided) or does not hold exactly its type's elements.
std::optional<llvm::ArrayRef<char>> getResourceData(mlir::Attribute attr);
/// Converts a tensor to a dense elements attribute of `type`.
mlir::Attribute tensorToAttr(const Tensor &tensor, mlir::ShapedType type);

} // namespace compress

#endif // COMPRESS_EVALUATOR_EVALUATOR_H
