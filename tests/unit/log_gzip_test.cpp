// ReadGzipRange: a compressed log read as its decompressed bytes, recognised by its head, from an
// offset, in bounded memory whatever the stream holds.
#include "sources/log/log_gzip.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "sources/log/log_files.h"
#include "tests/support/gzip_file.h"
#include "tests/support/temp_dir.h"

namespace vigil {
namespace {

using End = GzipRange::End;

std::string HeadHash(const std::string& content, size_t n = kHeadBytes) {
  std::string head = content.substr(0, std::min(n, content.size()));
  return std::to_string(head.size()) + ":" + Fnv1aHex(head);
}

std::string Lines(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) out += "line " + std::to_string(i) + " of the application log\n";
  return out;
}

// A /proc/self/status field in kB (VmRSS, VmHWM), or -1.
long StatusKb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string key; in >> key;) {
    long kb;
    if (key == field + ":" && in >> kb) return kb;
  }
  return -1;
}

class LogGzipTest : public ::testing::Test {
 protected:
  std::string Gz(const std::string& content) { return Write("app.log.1.gz", testing::GzipBytes(content)); }
  std::string Write(const std::string& name, const std::string& bytes) {
    testing::WriteFile(dir_.File(name), bytes);
    return dir_.File(name);
  }
  testing::TempDir dir_;
};

TEST_F(LogGzipTest, ReadsFromADecompressedOffsetToTheEnd) {
  std::string content = Lines(1, 100);
  std::string path = Gz(content);
  GzipRange r = ReadGzipRange(path, HeadHash(content), 1000, 1 << 20, kGzipInflateCap);
  EXPECT_EQ(r.end, End::kComplete);
  EXPECT_TRUE(r.found);
  EXPECT_EQ(r.bytes, content.substr(1000));
}

TEST_F(LogGzipTest, StopsAtMaxBytesAndSaysMoreFollows) {
  std::string content = Lines(1, 100);
  GzipRange r = ReadGzipRange(Gz(content), HeadHash(content), 10, 50, kGzipInflateCap);
  EXPECT_EQ(r.end, End::kMore);
  EXPECT_EQ(r.bytes, content.substr(10, 50));
}

TEST_F(LogGzipTest, AHeadThatDiffersIsNotTheFile) {
  std::string path = Gz(Lines(1, 100));
  GzipRange r = ReadGzipRange(path, HeadHash(Lines(2, 100)), 0, 1 << 20, kGzipInflateCap);
  EXPECT_EQ(r.end, End::kMismatch);
  EXPECT_FALSE(r.found);
  EXPECT_TRUE(r.bytes.empty());
}

TEST_F(LogGzipTest, AStreamShorterThanTheOffsetIsNotTheFile) {
  std::string content = Lines(1, 10);
  GzipRange r = ReadGzipRange(Gz(content), HeadHash(content), static_cast<int64_t>(content.size()) + 1, 1 << 20, kGzipInflateCap);
  EXPECT_EQ(r.end, End::kMismatch);
}

TEST_F(LogGzipTest, ATruncatedStreamGivesWhatDecompressesSoFar) {
  std::string content = Lines(1, 2000);
  std::string gz = testing::GzipBytes(content);
  std::string path = Write("app.log.1.gz", gz.substr(0, gz.size() / 2));  // gzip is still writing it
  GzipRange r = ReadGzipRange(path, HeadHash(content), 100, 1 << 20, kGzipInflateCap);
  EXPECT_EQ(r.end, End::kTruncated);
  EXPECT_TRUE(r.found);
  ASSERT_FALSE(r.bytes.empty());
  EXPECT_LT(r.bytes.size(), content.size() - 100);
  EXPECT_EQ(r.bytes, content.substr(100, r.bytes.size()));
  GzipRange early = ReadGzipRange(path, HeadHash(content), static_cast<int64_t>(content.size()) - 10, 1 << 20, kGzipInflateCap);
  EXPECT_EQ(early.end, End::kUnverified) << "the stream stops before the offset: cannot tell yet";
  EXPECT_EQ(ReadGzipRange(Write("empty.gz", ""), HeadHash(content), 0, 100, kGzipInflateCap).end, End::kUnverified);
}

TEST_F(LogGzipTest, DamagedDataEndsTheReadWithAnError) {
  std::string content = Lines(1, 5000);
  std::string gz = testing::GzipBytes(content);
  for (size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x5a);
  GzipRange r = ReadGzipRange(Write("app.log.1.gz", gz), HeadHash(content), 0, 1 << 20, kGzipInflateCap);
  EXPECT_EQ(r.end, End::kCorrupt);
  EXPECT_TRUE(r.found);
  EXPECT_FALSE(r.error.empty());
  EXPECT_LT(r.bytes.size(), content.size());
  // Deflate notices some damage only bytes later (the CRC at the end): what decodes before the
  // damaged half is the file's; the last bytes before the error may be garbled.
  ASSERT_GT(r.bytes.size(), content.size() / 4);
  EXPECT_EQ(r.bytes.substr(0, content.size() / 4), content.substr(0, content.size() / 4));
  GzipRange text = ReadGzipRange(Write("plain.gz", content), HeadHash(content), 0, 1 << 20, kGzipInflateCap);
  EXPECT_EQ(text.end, End::kCorrupt) << "not gzip at all";
  EXPECT_FALSE(text.found);
}

TEST_F(LogGzipTest, ConcatenatedMembersReadAsOneStream) {
  std::string a = Lines(1, 50), b = Lines(51, 100);
  std::string path = Write("app.log.1.gz", testing::GzipBytes(a) + testing::GzipBytes(b));
  GzipRange r = ReadGzipRange(path, HeadHash(a), 0, 1 << 20, kGzipInflateCap);
  EXPECT_EQ(r.end, End::kComplete);
  EXPECT_EQ(r.bytes, a + b);
}

TEST_F(LogGzipTest, AnOffsetPastTheInflateCapIsTooFar) {
  std::string path = dir_.File("big.gz");
  testing::WriteGzipWithZeros(path, "line 1\n", 4 << 20);
  GzipRange r = ReadGzipRange(path, "7:" + Fnv1aHex("line 1\n"), 3 << 20, 100, 1 << 20);
  EXPECT_EQ(r.end, End::kTooFar);
  EXPECT_TRUE(r.bytes.empty());
}

// 50 MB of zeros behind a 50 KB file: skipping 40 MB and keeping 4 MB must take neither the 50 MB
// in memory nor long.
TEST_F(LogGzipTest, ABombIsStreamedWithinMaxBytes) {
  std::string path = dir_.File("bomb.gz");
  std::string head = "line 1\n";
  testing::WriteGzipWithZeros(path, head, 50u << 20);
  ASSERT_LT(std::filesystem::file_size(path), 1u << 20);
  long before = StatusKb("VmRSS");
  bool peak_reset = static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5" << std::flush);
  auto t0 = std::chrono::steady_clock::now();
  GzipRange r = ReadGzipRange(path, "7:" + Fnv1aHex(head), 40 << 20, 4 << 20, kGzipInflateCap);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  long peak = StatusKb("VmHWM");
  EXPECT_EQ(r.end, End::kMore);
  EXPECT_EQ(r.bytes, std::string(4 << 20, '\0'));
  EXPECT_LT(seconds, 5.0);
  if (!peak_reset || before < 0 || peak < 0) GTEST_SKIP() << "no /proc/self/clear_refs: peak memory not measured";
  EXPECT_LT(peak - before, 16 * 1024) << "kB over the RSS before the read (the whole stream is 50 MB)";
}

}  // namespace
}  // namespace vigil
