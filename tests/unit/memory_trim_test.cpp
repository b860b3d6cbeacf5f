// ReturnFreedMemory hands freed heap pages back to the kernel (on glibc): what a burst of small
// allocations freed below a block still in use leaves the process's resident memory.
// ReleaseCodePages lets the pages of code go from the resident set, the code still runs (its pages
// come back from the file), and nothing is released in a process being traced.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "common/hmac.h"
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

// A field of this process's /proc/self/status in KiB (RssAnon: its own memory; RssFile: pages of
// mapped files, the binary's and the libraries' code among them).
long StatusKib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  }
  return -1;
}

long AnonKib() { return StatusKib("RssAnon"); }

// Work that runs code of this binary and of three shared libraries (libcrypto, libsqlite3,
// libstdc++), with a result that depends on every one of them.
std::string RunLibraries() {
  std::string out = HmacSha256("key", "The quick brown fox jumps over the lazy dog");
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return "no sqlite";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT upper('vigil') || (6 * 7)", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    out += reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  out += std::regex_replace(std::string("a-b-c"), std::regex("-"), "+");
  return out;
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

TEST(MemoryTrim, CodePagesLeaveTheResidentSetAndTheCodeStillRuns) {
  std::string expected = RunLibraries();
  ASSERT_NE(expected.find("VIGIL42a+b+c"), std::string::npos) << expected;
  long before = StatusKib("RssFile");
  ASSERT_GT(before, 0);
  std::size_t released = ReleaseCodePages();
  long after = StatusKib("RssFile");
  // This test binary's own text is tens of MB, and gtest ran code all over it before this test.
  EXPECT_GT(released, 1u << 20);
  EXPECT_LT(after, before - 1024) << "RssFile " << before << " KiB before, " << after << " KiB after";
  // The code comes back from the files as it runs: the same answers.
  EXPECT_EQ(RunLibraries(), expected);
  EXPECT_EQ(RunLibraries(), expected);
}

TEST(MemoryTrim, NothingIsReleasedInATracedProcess) {
  // A debugger's breakpoints are private copies of code pages; a child that asks to be traced by
  // this process (PTRACE_TRACEME) must keep its pages. Exit codes: 0 kept, 1 released, 2 no ptrace.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0) _exit(2);
    _exit(ReleaseCodePages() == 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  if (WEXITSTATUS(status) == 2) GTEST_SKIP() << "ptrace(PTRACE_TRACEME) is not allowed here";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "a traced process released its code pages";
  // And the same child untraced releases them: the check above is not vacuous.
  child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(ReleaseCodePages() > 0 ? 0 : 1);
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << "an untraced child released nothing";
}

}  // namespace
}  // namespace vigil
