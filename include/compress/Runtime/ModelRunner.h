//===- ModelRunner.h - Run a model's entry function on tensors ---*- C++ -*-===//
//
// One interface over the two ways compress executes a model: the reference
// evaluator and code JIT-compiled through LLVM. compress-run and embedders
// drive both the same way, one sample at a time.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNTIME_MODELRUNNER_H
#define COMPRESS_RUNTIME_MODELRUNNER_H

#include "compress/Conversion/QIntToX86/QIntToX86.h"
#include "compress/Support/Samples.h"
#include "compress/Support/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace compress {

class ModelRunner {
public:
  virtual ~ModelRunner();
  /// Runs the entry function once. Inputs must match `argumentTypes()`.
  virtual llvm::Expected<llvm::SmallVector<Tensor>>
  run(llvm::ArrayRef<Tensor> inputs) = 0;
  llvm::ArrayRef<TensorSpec> argumentTypes() const { return argTypes; }
  llvm::ArrayRef<TensorSpec> resultTypes() const { return resTypes; }

protected:
  /// Checks that `inputs` match the argument types.
  llvm::Error checkInputs(llvm::ArrayRef<Tensor> inputs) const;
  llvm::SmallVector<TensorSpec> argTypes, resTypes;
};

/// Runs `func` with the reference evaluator. Fails (with diagnostics
/// emitted) if it contains an op the evaluator does not support.
llvm::Expected<std::unique_ptr<ModelRunner>>
createReferenceRunner(mlir::func::FuncOp func);

/// Options of the JIT runner.
struct JitOptions {
  /// LLVM optimisation level of the generated code (0..3).
  unsigned optLevel = 3;
  /// Kernels for qint convolutions and matmuls (compress-lower-to-llvm's
  /// `kernels` option); empty picks x86-vnni when the host has AVX-512
  /// VNNI, else tosa. x86-vnni on a host without it is an error.
  std::string kernels;
  /// Where temporary buffers live (compress-lower-to-llvm's `arena`): by
  /// default one static arena per function, so a call allocates nothing
  /// but its results; runners built this way run one call at a time.
  std::string arena = "global";
  /// With the x86-vnni kernels, the percent of zero 1x4 weight blocks from
  /// which a convolution or matmul takes the sparse kernel
  /// (compress-lower-to-llvm's `sparse-kernels`; above 100: never).
  int64_t sparseKernels = kDefaultSparseKernelPercent;
};

/// Lowers a copy of `module` with the compress-lower-to-llvm pipeline (with
/// the kernels `options` asks for) and JIT-compiles it for the host, with
/// MLIR's C runner utilities loaded. Fails if lowering does.
llvm::Expected<std::unique_ptr<mlir::ExecutionEngine>>
compileForJit(mlir::ModuleOp module, const JitOptions &options = {});

/// Lowers a copy of `module` with the compress-lower-to-llvm pipeline and
/// JIT-compiles it; runs `entry`. Fails with diagnostics if lowering does.
llvm::Expected<std::unique_ptr<ModelRunner>>
createJitRunner(mlir::ModuleOp module, llvm::StringRef entry,
                const JitOptions &options = {});

/// Concatenates tensors of one dtype along their first axis (rank-0 tensors
/// become a vector).
Tensor concatenateSamples(llvm::ArrayRef<Tensor> samples);

/// Index of the largest element (first on ties).
int64_t argmax(const Tensor &tensor);

} // namespace compress

#endif // COMPRESS_RUNTIME_MODELRUNNER_H
