//===- Program.h - A function compiled for the evaluator --------*- C++ -*-===//
//
// Internal to lib/Evaluator: the compiled form of a function that
// Evaluator.cpp (forward runs) and ReverseMode.cpp (gradients) share.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_EVALUATOR_PROGRAM_H
#define COMPRESS_LIB_EVALUATOR_PROGRAM_H

#include "Kernels.h"
#include "compress/Evaluator/Evaluator.h"

#include "llvm/ADT/DenseMap.h"

#include <vector>

namespace compress {
namespace detail {

/// One op of a program: its kernel and the slots it reads and writes.
struct Step {
  mlir::Operation *op;
  KernelFn kernel;
  llvm::SmallVector<unsigned, 4> operands;
  llvm::SmallVector<unsigned, 2> results;
  llvm::SmallVector<bool, 4> constantOperands;
  /// Slots whose last use is this step.
  llvm::SmallVector<unsigned, 4> releases;
  /// Whether a batch run gives this step all its samples at once
  /// (`stacksSamples`).
  bool stacks = false;
  std::unique_ptr<KernelCacheSlot> cache = std::make_unique<KernelCacheSlot>();
};

/// What one sample of a run holds: the tensor of every slot it produced,
/// and where each slot's tensor is (inputs and constants are not copied).
struct SampleValues {
  std::vector<Tensor> values;
  std::vector<const Tensor *> ptrs;
};

} // namespace detail

struct ProgramImpl {
  unsigned numSlots = 0;
  llvm::SmallVector<std::pair<DType, Shape>> argTypes;
  /// Constant slots and their tensors.
  llvm::DenseMap<unsigned, Tensor> constants;
  std::vector<detail::Step> steps;
  llvm::SmallVector<unsigned> outputs;
  /// The Value of each slot, for observers.
  llvm::SmallVector<mlir::Value> slotValues;

  /// Checks each sample's `inputs` and runs every step on every sample,
  /// leaving each slot's tensor in `states[sample]`. Steps that stack
  /// samples run once for all of them; the others once per sample. Slots
  /// are released after their last use unless `keepAll` is set; an
  /// observer sees each value of each sample when it is produced. On
  /// failure `*failedSample` names the sample at fault, or is -1 when the
  /// failing step ran them all.
  llvm::Error execute(llvm::ArrayRef<llvm::ArrayRef<Tensor>> inputs,
                      llvm::MutableArrayRef<detail::SampleValues> states,
                      std::optional<BatchObserver> observer, bool keepAll,
                      int64_t *failedSample = nullptr) const;
  /// `execute` for one sample.
  llvm::Error executeOne(llvm::ArrayRef<Tensor> inputs,
                         detail::SampleValues &state,
                         std::optional<ValueObserver> observer,
                         bool keepAll) const;
  /// Runs `step` once on all samples, stacked.
  llvm::Error
  runStacked(const detail::Step &step,
             llvm::MutableArrayRef<detail::SampleValues> states) const;
  /// Lets every non-constant, non-output slot be released after its last
  /// reader.
  void releaseAfterLastUse();
};

} // namespace compress

#endif // COMPRESS_LIB_EVALUATOR_PROGRAM_H
