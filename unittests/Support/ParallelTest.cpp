//===- ParallelTest.cpp - Tests of the sample loops -----------------------===//

#include "compress/Support/Parallel.h"

#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

#include <mutex>

using namespace compress;

namespace {

TEST(ParallelTest, GroupsCoverTheSamplesInFixedPieces) {
  mlir::MLIRContext context;
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> groups, batches;
  auto failure = runSampleGroups(
      &context, /*count=*/11, /*groupSize=*/4, /*batchSize=*/6,
      [&](int64_t first, int64_t size) {
        std::lock_guard<std::mutex> lock(mutex);
        groups.push_back({first, size});
        return llvm::Error::success();
      },
      [&](int64_t first, int64_t size) { batches.push_back({first, size}); });
  EXPECT_FALSE(failure);
  llvm::sort(groups);
  // The batch is rounded up to two groups of four.
  EXPECT_EQ(groups, (std::vector<std::pair<int64_t, int64_t>>{
                        {0, 4}, {4, 4}, {8, 3}}));
  EXPECT_EQ(batches,
            (std::vector<std::pair<int64_t, int64_t>>{{0, 8}, {8, 3}}));
}

TEST(ParallelTest, TheFirstFailingGroupIsReported) {
  std::vector<int64_t> batches;
  auto failure = runSampleGroups(
      /*context=*/nullptr, /*count=*/16, /*groupSize=*/2, /*batchSize=*/8,
      [&](int64_t first, int64_t size) -> llvm::Error {
        if (first == 2 || first == 6)
          return groupFailure(llvm::createStringError("bad value"), first,
                              size, first == 2 ? 1 : -1);
        return llvm::Error::success();
      },
      [&](int64_t first, int64_t) { batches.push_back(first); });
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->sample, 2);
  EXPECT_EQ(failure->message, "sample 3: bad value");
  // No batch after the failing one runs, nor is the failing one reduced.
  EXPECT_TRUE(batches.empty());
}

TEST(ParallelTest, GroupsAreDescribed) {
  EXPECT_EQ(describeSamples(5, 1), "sample 5");
  EXPECT_EQ(describeSamples(4, 4), "samples 4 to 7");
  EXPECT_EQ(llvm::toString(groupFailure(llvm::createStringError("no kernel"),
                                        8, 4, -1)),
            "samples 8 to 11: no kernel");
}

} // namespace
