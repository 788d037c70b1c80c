//===- ToolSupportTest.cpp - Allocator set-up of the tools ----------------===//

#include "compress/Support/ToolSupport.h"

#include "gtest/gtest.h"

#include <cstdio>
#include <cstring>
#include <vector>

#include <unistd.h>

using namespace compress;

namespace {

/// Resident pages of this process, from /proc/self/statm (0 if unreadable).
long residentPages() {
  long size = 0, resident = 0;
  if (FILE *statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld %ld", &size, &resident) != 2)
      resident = 0;
    std::fclose(statm);
  }
  return resident;
}

#ifdef __GLIBC__
/// Blocks freed between blocks still in use stay resident, as the tools'
/// allocator settings keep them in the heap, until releaseFreedMemory.
TEST(ToolSupportTest, ReleaseFreedMemoryReturnsPagesBetweenLiveBlocks) {
  tuneAllocatorForTool();
  constexpr size_t kBlock = 1 << 20;
  constexpr int kBlocks = 128;
  std::vector<char *> blocks;
  for (int i = 0; i < kBlocks; ++i) {
    auto *block = new char[kBlock];
    std::memset(block, 1, kBlock);
    blocks.push_back(block);
  }
  // Every other block freed: 64 MiB of free space, none of it at the top.
  for (int i = 0; i < kBlocks; i += 2) {
    delete[] blocks[i];
    blocks[i] = nullptr;
  }
  long before = residentPages();
  ASSERT_GT(before, 0) << "/proc/self/statm is unreadable";
  releaseFreedMemory();
  long after = residentPages();
  long pageBytes = sysconf(_SC_PAGESIZE);
  // Nearly all of the 64 MiB goes (each block keeps its header page).
  EXPECT_GT((before - after) * pageBytes, 48L << 20)
      << "resident pages before " << before << ", after " << after;
  for (char *block : blocks)
    delete[] block;
}
#endif

} // namespace
