// Log watcher passes on real files and both databases: each line read once, across rotation
// (rename and copytruncate), rate limits and multi-line records.
#include "jobs/watch/log_tail_job.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sources/watcher_checks.h"
#include "store/log_offset_repo.h"
#include "store/watcher_repo.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

class LogTailTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated({{.name = "app", .type = "log"}});
    ASSERT_TRUE(conn_);
    UseSpec("");
  }
  void UseSpec(const std::string& extra) {
    std::string yaml = "watchers:\n  - name: app\n    type: log\n    start_at: beginning\n    paths: ['" + dir_.File("*.log") +
                       "']\n    rules:\n      - name: line\n        match: '^line (?P<n>\\d+)'\n        title: 'line {{n}}'\n" + extra;
    auto config = ParseConfig(yaml, dir_.File("vigil.yaml"));
    ASSERT_TRUE(config.ok()) << config.error();
    auto spec = ParseLogWatcherSpec(**config, (*config)->tree()["watchers"][0], 0);
    ASSERT_TRUE(spec.ok()) << spec.error();
    spec_ = std::move(*spec);
  }
  void Append(const std::string& name, const std::string& text) { std::ofstream(dir_.File(name), std::ios::app) << text; }
  // A pass at `later` past the real time (files look idle once it is past kRotatedIdle).
  LogTailOutcome Pass(std::chrono::seconds later = std::chrono::seconds(0)) {
    auto r = RunLogTailPass(*conn_, spec_, "", limiter_, std::chrono::system_clock::now() + later);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? *r : LogTailOutcome{};
  }
  // The `n` capture of every stored event, in insertion order of their offsets.
  std::vector<std::string> Lines() {
    std::vector<std::string> out;
    auto r = conn_->Query("SELECT source_metadata FROM watcher_events ORDER BY detected_at, id");
    for (const auto& row : r->rows) out.push_back(nlohmann::json::parse(row.Text(0))["captures"].value("n", "?"));
    std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return std::stoi(a) < std::stoi(b); });
    return out;
  }
  static std::vector<std::string> Numbers(int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i <= to; ++i) out.push_back(std::to_string(i));
    return out;
  }

  testing::TestDb db_{GetParam()};
  testing::TempDir dir_;
  std::unique_ptr<SqlConnection> conn_;
  LogWatcherSpec spec_;
  RuleRateLimiter limiter_;
};

TEST_P(LogTailTest, ReadsEachCompleteLineOnce) {
  Append("app.log", "line 1\nline 2\nnoise\nline 3\nline 4 partial");
  EXPECT_EQ(Pass().events, 3);
  Append("app.log", " ends\nline 5\n");
  EXPECT_EQ(Pass().events, 2);
  EXPECT_EQ(Pass().records, 0);
  EXPECT_EQ(Lines(), Numbers(1, 5));
  auto offsets = LoadLogOffsets(*conn_, "app");
  ASSERT_EQ(offsets->size(), 1u);
  EXPECT_EQ((*offsets)[0].position, static_cast<int64_t>(std::filesystem::file_size(dir_.File("app.log"))));
}

TEST_P(LogTailTest, RenameRotationFinishesTheOldFileAndStartsTheNewOne) {
  Append("app.log", "line 1\nline 2\n");
  Pass();
  Append("app.log", "line 3\nline 4\n");  // written before the rename, not yet read
  std::filesystem::rename(dir_.File("app.log"), dir_.File("app.log.1"));
  Append("app.log", "line 5\n");
  std::ofstream(dir_.File("app.log.1"), std::ios::app) << "line 6\n";  // the writer still holds the old file
  Pass();
  EXPECT_EQ(Lines(), Numbers(1, 6));
  Append("app.log", "line 7\n");
  Pass(std::chrono::seconds(60));  // the rotated file is idle and read to its end: no longer followed
  EXPECT_EQ(Lines(), Numbers(1, 7));
  auto offsets = LoadLogOffsets(*conn_, "app");
  ASSERT_EQ(offsets->size(), 1u);
  EXPECT_EQ((*offsets)[0].path, dir_.File("app.log"));
}

TEST_P(LogTailTest, CopytruncateStartsAgainFromTheTop) {
  Append("app.log", "line 1\nline 2\nline 3\n");
  Pass();
  std::filesystem::copy_file(dir_.File("app.log"), dir_.File("app.log.1"));
  std::filesystem::resize_file(dir_.File("app.log"), 0);
  Append("app.log", "line 4\n");
  Pass();
  Append("app.log", "line 5\n");
  Pass();
  EXPECT_EQ(Lines(), Numbers(1, 5));
}

TEST_P(LogTailTest, RateLimitDropsMatchesOverTheLimit) {
  UseSpec("        rate_limit: {count: 2, per: 1m}\n");
  Append("app.log", "line 1\nline 2\nline 3\nline 4\n");
  LogTailOutcome o = Pass();
  EXPECT_EQ(o.events, 2);
  EXPECT_EQ(o.limited, 2);
  EXPECT_EQ(Lines(), Numbers(1, 2));
}

TEST_P(LogTailTest, MultiLineRecordsBecomeOneEventOnceComplete) {
  UseSpec("    start: '^line '\n");
  Append("app.log", "line 1 failed\n  at a\n  at b\nline 2 failed\n  at c\n");
  EXPECT_EQ(Pass().events, 1) << "line 2's record may still grow";
  EXPECT_EQ(Pass(std::chrono::seconds(60)).events, 1) << "an idle file's last record is complete";
  auto r = conn_->Query("SELECT summary FROM watcher_events ORDER BY summary");
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].Text(0), "line 1 failed\n  at a\n  at b");
  EXPECT_EQ(r->rows[1].Text(0), "line 2 failed\n  at c");
}

TEST_P(LogTailTest, LongLineSummaryIsCutBeforeACharacterItWouldSplit) {
  std::string head = "line 1 " + std::string(3992, 'x');  // 3,999 bytes; the euro sign spans bytes 4000-4002
  Append("app.log", head + "\u20ac and the rest\n");
  EXPECT_EQ(Pass().events, 1);
  EXPECT_EQ(conn_->Query("SELECT summary FROM watcher_events")->rows.at(0).Text(0), head);
}

TEST_P(LogTailTest, StartAtEndSkipsWhatExistedBeforeTheFirstPass) {
  spec_.start_at_end = true;  // the config default
  Append("old.log", "line 1\n");
  Pass();
  Append("old.log", "line 2\n");
  Append("new.log", "line 3\n");  // appeared after the first pass: read from its start
  Pass();
  EXPECT_EQ(Lines(), Numbers(2, 3));
}

INSTANTIATE_TEST_SUITE_P(Dialects, LogTailTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
