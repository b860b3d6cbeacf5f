// Splitting file bytes into log records: complete lines, partial lines, multi-line records.
#include <gtest/gtest.h>

#include <algorithm>

#include "sources/log/log_records.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

TEST(LogRecords, TakesCompleteLinesAndLeavesAPartialOne) {
  SplitResult r = SplitRecords("one\ntwo\r\nthre", 100, {});
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].text, "one");
  EXPECT_EQ(r.records[0].offset, 100);
  EXPECT_EQ(r.records[1].text, "two");
  EXPECT_EQ(r.records[1].offset, 104);
  EXPECT_EQ(r.consumed, 9);
}

TEST(LogRecords, TakesAPartialLineWhenTheFileIsFinished) {
  SplitOptions o;
  o.take_partial = true;
  SplitResult r = SplitRecords("one\nlast", 0, o);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1].text, "last");
  EXPECT_EQ(r.consumed, 8);
}

TEST(LogRecords, JoinsCrlfLinesOfOneRecordWithLineFeeds) {
  // A log written with CRLF line ends: the record's lines are joined with "\n" (its text is the
  // bytes with each "\r\n" read as "\n"); the offsets still count every byte.
  RE2 start(R"(^\[)");
  SplitOptions o;
  o.start = &start;
  o.emit_pending = true;
  SplitResult r = SplitRecords("[a] one\r\n  two\r\n[b] three\r\n", 10, o);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].text, "[a] one\n  two");
  EXPECT_EQ(r.records[1].text, "[b] three");
  EXPECT_EQ(r.records[1].offset, 10 + 16);
  EXPECT_EQ(r.consumed, 27);
}

TEST(LogRecords, JoinsContinuationLinesToTheirStartLine) {
  RE2 start(R"(^\d{4}-\d\d-\d\d )");
  std::string data =
      "2024-01-01 ERROR boom\njava.lang.IllegalStateException: x\n\tat A.b(A.java:1)\n"
      "2024-01-01 INFO fine\n2024-01-01 ERROR again\n\tat C.d(C.java:2)\n";
  SplitOptions o;
  o.start = &start;
  SplitResult r = SplitRecords(data, 0, o);
  ASSERT_EQ(r.records.size(), 2u) << "the last record waits for the next start line";
  EXPECT_EQ(r.records[0].text, "2024-01-01 ERROR boom\njava.lang.IllegalStateException: x\n\tat A.b(A.java:1)");
  EXPECT_EQ(r.records[1].text, "2024-01-01 INFO fine");
  EXPECT_EQ(r.consumed, static_cast<int64_t>(data.find("2024-01-01 ERROR again")));
  o.emit_pending = true;
  r = SplitRecords(data, 0, o);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[2].text, "2024-01-01 ERROR again\n\tat C.d(C.java:2)");
  EXPECT_EQ(r.consumed, static_cast<int64_t>(data.size()));
}

TEST(LogRecords, BlankLinesOfTheMultilineFixtureJoinThePreviousRecord) {
  std::string data = testing::ReadFixture("logs/testcase-multiline.log");
  ASSERT_FALSE(data.empty());
  RE2 start(R"(^[A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d )");
  SplitOptions o;
  o.start = &start;
  o.emit_pending = true;
  SplitResult r = SplitRecords(data, 0, o);
  size_t dated = 0, pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    if (RE2::PartialMatch(data.substr(pos, nl - pos), start)) ++dated;
    pos = nl == std::string::npos ? data.size() : nl + 1;
  }
  EXPECT_EQ(r.records.size(), dated);
  EXPECT_EQ(r.consumed, static_cast<int64_t>(data.size()));
  auto with_blank = std::count_if(r.records.begin(), r.records.end(), [](const LogRecord& rec) { return rec.text.ends_with("\n"); });
  EXPECT_GE(with_blank, 1) << "a blank line continues the record before it";
}

}  // namespace
}  // namespace vigil
