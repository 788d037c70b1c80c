//===- Samples.h - Entry functions and the samples fed to them --*- C++ -*-===//
//
// Finding the function of a model to run, its tensor signature, and slicing
// one sample at a time out of a dataset tensor so that it fits that
// signature.
//
// These helpers are shared by everything that feeds data to a model: the
// runners of compress-run and passes that run the reference evaluator on
// sample inputs, such as calibration. They live in CompressSupport, below
// the dialects and the passes, so that passes can use them.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_SAMPLES_H
#define COMPRESS_SUPPORT_SAMPLES_H

#include "compress/Support/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <utility>

namespace compress {

/// A statically shaped tensor type: element type and shape.
using TensorSpec = std::pair<DType, Shape>;

/// The function to run: `name` if given, else `@main`, else the only public
/// function of the module.
llvm::Expected<mlir::func::FuncOp> findEntryFunction(mlir::ModuleOp module,
                                                     llvm::StringRef name);

/// Static tensor types of a function's arguments and results, or an error
/// naming the first one that is not a statically shaped tensor of a
/// supported element type.
llvm::Error getSignature(mlir::func::FuncOp func,
                         llvm::SmallVectorImpl<TensorSpec> &args,
                         llvm::SmallVectorImpl<TensorSpec> &results);

/// The sample `index` of `data` (first axis) shaped as `type`: the slice
/// keeps a leading 1 if `type` has one, else drops the batch axis. Errors
/// name `what` and both types when they do not fit.
llvm::Expected<Tensor> sampleFor(const Tensor &data, int64_t index,
                                 const TensorSpec &type, llvm::StringRef what);

/// Sample inputs of a function's single argument, read from an .npy file.
struct SampleSet {
  Tensor data;
  TensorSpec argument;
  llvm::SmallVector<TensorSpec> results;
  /// Samples to use: all, or the first `limit` when that is smaller.
  int64_t count = 0;

  /// The evaluator's inputs for sample `index`: the argument's tensor
  /// (sampleFor, with `what` naming the samples in errors).
  llvm::Expected<llvm::SmallVector<Tensor>> inputs(int64_t index,
                                                   llvm::StringRef what) const;
};

/// Loads `path` as the samples of `func`'s single argument and checks the
/// first one against the argument's type, so mismatches are reported before
/// any work. Problems become diagnostics (on `module` for the file, on
/// `func` for types) and failure. `limit` 0 means all samples.
mlir::FailureOr<SampleSet> loadSamples(mlir::ModuleOp module,
                                       mlir::func::FuncOp func,
                                       llvm::StringRef path, int64_t limit);

} // namespace compress

#endif // COMPRESS_SUPPORT_SAMPLES_H
