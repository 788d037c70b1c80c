//===- Parallel.h - Loops on the context's thread pool ----------*- C++ -*-===//
//
// Analyses take an optional MLIRContext for their parallel loops: its
// thread pool when the context allows threading (compress-opt's
// --mlir-disable-threading turns it off), a plain loop otherwise or when
// there is no context (unit tests, embedders without one).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_PARALLEL_H
#define COMPRESS_SUPPORT_PARALLEL_H

#include "mlir/IR/Threading.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace compress {

/// Calls fn(i) for every i in [begin, end), in parallel on `context`'s
/// thread pool when there is one. The calls must be independent.
template <typename Fn>
void parallelForIndices(mlir::MLIRContext *context, size_t begin, size_t end,
                        Fn &&fn) {
  if (context) {
    mlir::parallelFor(context, begin, end, std::forward<Fn>(fn));
    return;
  }
  for (size_t i = begin; i < end; ++i)
    fn(i);
}

/// Samples run at once by the analyses whose accumulation order must not
/// depend on the thread count (Fisher sensitivity, GPTQ's Hessians): more
/// than the threads of a small machine, few enough that what each sample
/// holds until its batch is reduced stays small.
constexpr int64_t kSampleBatch = 8;

/// Samples the analyses give the evaluator at once (`Program::runBatch`),
/// so that convolutions and matrix products multiply one taller matrix by
/// their weights. Fixed, like `kSampleBatch`, because float results may
/// depend on how samples are grouped: a group never depends on the number
/// of threads.
constexpr int64_t kSampleGroup = 4;

/// The first sample, in sample order, whose run failed, and why.
struct SampleFailure {
  int64_t sample;
  std::string message;
};

/// Runs `runSample(i)` for the samples i in [0, count), `batchSize` of them
/// at a time in parallel on `context`'s thread pool, and calls
/// `afterBatch(first, size)` on the calling thread after each batch has
/// run. Stops at the first batch with a failure and returns the failure of
/// its lowest-numbered failing sample; samples after a failed one that
/// have not started are skipped, so that an error every sample hits is
/// diagnosed a few times at most rather than once per sample. A fixed
/// `batchSize` keeps the order of whatever `afterBatch` accumulates
/// independent of the number of threads.
std::optional<SampleFailure>
runSampleBatches(mlir::MLIRContext *context, int64_t count, int64_t batchSize,
                 llvm::function_ref<llvm::Error(int64_t sample)> runSample,
                 llvm::function_ref<void(int64_t first, int64_t size)>
                     afterBatch);

/// "sample 3" or "samples 0 to 3", for messages about a group.
std::string describeSamples(int64_t first, int64_t count);

/// The error of a group of samples [first, first + count) run together,
/// prefixed with the sample at fault (`failedInGroup`, its index in the
/// group, as `Program::runBatch` reports it) or with the whole group when
/// that is -1.
llvm::Error groupFailure(llvm::Error error, int64_t first, int64_t count,
                         int64_t failedInGroup);

/// `runSampleBatches` over groups of samples: the samples [first, first +
/// size) of a group go to one `runGroup(first, size)` call, groups of
/// `groupSize` samples (the last one may be smaller), and the groups of a
/// batch run in parallel. `batchSize` is rounded up to a multiple of
/// `groupSize`. A failing group fails as its first sample.
std::optional<SampleFailure> runSampleGroups(
    mlir::MLIRContext *context, int64_t count, int64_t groupSize,
    int64_t batchSize,
    llvm::function_ref<llvm::Error(int64_t first, int64_t size)> runGroup,
    llvm::function_ref<void(int64_t first, int64_t size)> afterBatch);

} // namespace compress

#endif // COMPRESS_SUPPORT_PARALLEL_H
