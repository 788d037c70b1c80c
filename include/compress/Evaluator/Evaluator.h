//===- Evaluator.h - Reference evaluator for TOSA and qint -------*- C++ -*-===//
//
// The reference evaluator executes the body of a `func.func` made of float or
// integer TOSA ops and `qint` ops on host tensors. Its integer results define
// what integer IR means: compiled code must match them bit for bit.
//
// A function is compiled once into a `Program` (ops resolved to kernels,
// constants materialised, per-op caches such as packed weights) and then run
// once per sample. Every intermediate value can be observed, which is what
// calibration and (later) reverse mode build on.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_EVALUATOR_EVALUATOR_H
#define COMPRESS_EVALUATOR_EVALUATOR_H

#include "compress/Evaluator/Tensor.h"

#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace mlir {
class Operation;
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace compress {

/// Called for every op result as soon as it has been computed.
using ValueObserver =
    llvm::function_ref<void(mlir::Value value, const Tensor &tensor)>;

struct ProgramImpl;

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
  /// their op's location).
  llvm::Expected<llvm::SmallVector<Tensor>>
  run(llvm::ArrayRef<Tensor> inputs,
      std::optional<ValueObserver> observer = std::nullopt) const;

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

/// Converts a constant attribute (dense elements) to a tensor.
mlir::FailureOr<Tensor> tensorFromAttr(mlir::Attribute attr);
/// Converts a tensor to a dense elements attribute of `type`.
mlir::Attribute tensorToAttr(const Tensor &tensor, mlir::ShapedType type);

} // namespace compress

#endif // COMPRESS_EVALUATOR_EVALUATOR_H
