//===- Parallel.cpp - Loops on the context's thread pool ------------------===//

#include "compress/Support/Parallel.h"

#include <algorithm>
#include <atomic>
#include <vector>

std::optional<compress::SampleFailure> compress::runSampleBatches(
    mlir::MLIRContext *context, int64_t count, int64_t batchSize,
    llvm::function_ref<llvm::Error(int64_t sample)> runSample,
    llvm::function_ref<void(int64_t first, int64_t size)> afterBatch) {
  batchSize = std::max<int64_t>(batchSize, 1);
  for (int64_t first = 0; first < count; first += batchSize) {
    int64_t size = std::min(batchSize, count - first);
    std::vector<std::string> failures(size);
    std::atomic<int64_t> firstFailed(size);
    parallelForIndices(context, 0, size, [&](size_t i) {
      if (int64_t(i) > firstFailed.load())
        return;
      if (llvm::Error error = runSample(first + int64_t(i))) {
        failures[i] = llvm::toString(std::move(error));
        int64_t seen = firstFailed.load();
        while (int64_t(i) < seen &&
               !firstFailed.compare_exchange_weak(seen, int64_t(i)))
          ;
      }
    });
    if (int64_t failed = firstFailed.load(); failed < size)
      return SampleFailure{first + failed, std::move(failures[failed])};
    afterBatch(first, size);
  }
  return std::nullopt;
}
