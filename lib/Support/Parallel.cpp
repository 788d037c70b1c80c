//===- Parallel.cpp - Loops on the context's thread pool ------------------===//

#include "compress/Support/Parallel.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <atomic>
#include <vector>

std::optional<compress::SampleFailure> compress::runSampleBatches(
    mlir::MLIRContext *context, int64_t count, int64_t batchSize,
    llvm::function_ref<llvm::Error(int64_t sample)> runSample,
    llvm::function_ref<void(int64_t first, int64_t size)> afterBatch) {
  return runSampleGroups(
      context, count, /*groupSize=*/1, batchSize,
      [&](int64_t first, int64_t) { return runSample(first); }, afterBatch);
}

std::optional<compress::SampleFailure> compress::runSampleGroups(
    mlir::MLIRContext *context, int64_t count, int64_t groupSize,
    int64_t batchSize,
    llvm::function_ref<llvm::Error(int64_t first, int64_t size)> runGroup,
    llvm::function_ref<void(int64_t first, int64_t size)> afterBatch) {
  groupSize = std::max<int64_t>(groupSize, 1);
  batchSize = llvm::alignTo(std::max<int64_t>(batchSize, 1), groupSize);
  for (int64_t first = 0; first < count; first += batchSize) {
    int64_t size = std::min(batchSize, count - first);
    int64_t groups = llvm::divideCeil(size, groupSize);
    std::vector<std::string> failures(groups);
    std::atomic<int64_t> firstFailed(groups);
    parallelForIndices(context, 0, groups, [&](size_t g) {
      if (int64_t(g) > firstFailed.load())
        return;
      int64_t groupFirst = first + int64_t(g) * groupSize;
      int64_t groupCount = std::min(groupSize, first + size - groupFirst);
      if (llvm::Error error = runGroup(groupFirst, groupCount)) {
        failures[g] = llvm::toString(std::move(error));
        int64_t seen = firstFailed.load();
        while (int64_t(g) < seen &&
               !firstFailed.compare_exchange_weak(seen, int64_t(g)))
          ;
      }
    });
    if (int64_t failed = firstFailed.load(); failed < groups)
      return SampleFailure{first + failed * groupSize,
                           std::move(failures[failed])};
    afterBatch(first, size);
  }
  return std::nullopt;
}

std::string compress::describeSamples(int64_t first, int64_t count) {
  if (count == 1)
    return "sample " + std::to_string(first);
  return "samples " + std::to_string(first) + " to " +
         std::to_string(first + count - 1);
}

llvm::Error compress::groupFailure(llvm::Error error, int64_t first,
                                   int64_t count, int64_t failedInGroup) {
  std::string which = failedInGroup >= 0
                          ? describeSamples(first + failedInGroup, 1)
                          : describeSamples(first, count);
  return llvm::createStringError(which + ": " +
                                 llvm::toString(std::move(error)));
}
