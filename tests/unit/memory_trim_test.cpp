// ReturnFreedMemory hands freed heap pages back to the kernel (on glibc): what a burst of small
// allocations freed below a block still in use leaves the process's resident memory.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/memory_trim.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VIGIL_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define VIGIL_TEST_ASAN 1
#endif

namespace vigil {
namespace {

// RssAnon of this process, in KiB.
long AnonKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("RssAnon:", 0) == 0) return std::strtol(line.c_str() + 8, nullptr, 10);
  }
  return -1;
}

TEST(MemoryTrim, FreedSmallBlocksLeaveTheResidentMemory) {
#if !defined(__GLIBC__)
  GTEST_SKIP() << "ReturnFreedMemory does nothing without glibc";
#elif defined(VIGIL_TEST_ASAN)
  GTEST_SKIP() << "AddressSanitizer's allocator is not glibc's";
#endif
  ASSERT_GT(AnonKib(), 0);
  // 64 MiB in 1 KiB blocks (below the mmap threshold: from the heap), touched, then a block kept
  // above them so that free() cannot give them back by shrinking the heap's top.
  std::vector<char*> blocks;
  for (int i = 0; i < 65536; ++i) {
    char* b = static_cast<char*>(std::malloc(1024));
    std::memset(b, 1, 1024);
    blocks.push_back(b);
  }
  std::unique_ptr<char, decltype(&std::free)> pin(static_cast<char*>(std::malloc(1024)), &std::free);
  std::memset(pin.get(), 1, 1024);
  for (char* b : blocks) std::free(b);
  long freed = AnonKib();
  ReturnFreedMemory();
  long trimmed = AnonKib();
  EXPECT_LT(trimmed, freed - 32 * 1024) << "RssAnon " << freed << " KiB before, " << trimmed << " KiB after";
}

}  // namespace
}  // namespace vigil
