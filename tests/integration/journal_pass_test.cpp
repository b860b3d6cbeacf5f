// Journal watcher passes on real journal files and both databases: each matched entry stored once
// with its cursor, start_at, multi-line records, the budget, a lost cursor stored as "from the oldest".
#include "jobs/watch/journal_pass.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "sources/log/journal_reader.h"
#include "sources/watcher_checks.h"
#include "store/journal_cursor_repo.h"
#include "tests/support/journal_files.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using testing::JournalFields;

JournalFields App(const std::string& message, const std::string& priority = "3") {
  return {{"MESSAGE", message}, {"_SYSTEMD_UNIT", "app.service"}, {"PRIORITY", priority}, {"_PID", "7"}};
}

class JournalPassTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated({{.name = "j", .type = "log"}});
    ASSERT_TRUE(conn_);
    UseSpec("    start_at: beginning\n", "");
  }
  void UseSpec(const std::string& extra, const std::string& journal_extra) {
    std::string yaml = "watchers:\n  - name: j\n    type: log\n" + extra + "    journal:\n      directory: " + dir_.path() +
                       "\n      units: [app]\n" + journal_extra +
                       "    rules:\n      - name: line\n        match: '^line (?P<n>\\d+)'\n        title: '{{unit}} {{n}}'\n";
    auto config = ParseConfig(yaml, dir_.File("vigil.yaml"));
    ASSERT_TRUE(config.ok()) << config.error();
    auto spec = ParseLogWatcherSpec(**config, (*config)->tree()["watchers"][0], 0);
    ASSERT_TRUE(spec.ok()) << spec.error();
    spec_ = std::move(*spec);
  }
  void Append(const std::vector<JournalFields>& entries, const std::string& file = "test.journal") {
    ASSERT_EQ(testing::AppendJournal(dir_.File(file), entries), "");
  }
  LogTailOutcome Pass(std::chrono::seconds later = std::chrono::seconds(0), size_t budget = 10000) {
    auto r = RunJournalPass(*conn_, spec_, "", limiter_, std::chrono::system_clock::now() + later, {budget});
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? *r : LogTailOutcome{};
  }
  std::vector<std::string> Titles() {
    std::vector<std::string> out;
    auto r = conn_->Query("SELECT title FROM watcher_events ORDER BY title");
    for (const auto& row : r->rows) out.push_back(row.Text(0));
    return out;
  }
  std::optional<std::string> Cursor() { return *LoadJournalCursor(*conn_, "j"); }

  testing::TestDb db_{GetParam()};
  testing::TempDir dir_;
  std::unique_ptr<SqlConnection> conn_;
  LogWatcherSpec spec_;
  RuleRateLimiter limiter_;
};

TEST_P(JournalPassTest, StoresEachMatchedEntryOnceAndItsCursor) {
  Append({App("line 1"), {{"MESSAGE", "line 2"}, {"_SYSTEMD_UNIT", "other.service"}}, App("noise"), App("line 3")});
  LogTailOutcome o = Pass();
  EXPECT_EQ(o.records, 3);
  EXPECT_EQ(o.events, 2);
  Append({App("line 4")});
  EXPECT_EQ(Pass().events, 1);
  EXPECT_EQ(Pass().records, 0);
  EXPECT_EQ(Titles(), (std::vector<std::string>{"app.service 1", "app.service 3", "app.service 4"}));
  auto r = conn_->Query("SELECT source_id, source_metadata FROM watcher_events ORDER BY title");
  auto meta = nlohmann::json::parse(r->rows[2].Text(1));
  EXPECT_EQ(meta["pid"], "7");
  EXPECT_EQ(meta["priority"], "3");
  EXPECT_EQ(JournalEntryId(meta["cursor"].get<std::string>()), r->rows[2].Text(0));
  EXPECT_EQ(Cursor(), meta["cursor"].get<std::string>());
}

TEST_P(JournalPassTest, StartAtEndSkipsWhatTheJournalHeldBeforeTheFirstPass) {
  UseSpec("", "");
  Append({App("line 1")});
  EXPECT_EQ(Pass().records, 0);
  Append({App("line 2")});
  Pass();
  EXPECT_EQ(Titles(), std::vector<std::string>{"app.service 2"});
}

TEST_P(JournalPassTest, StartAtEndOnAnEmptyJournalReadsWhatComesLater) {
  UseSpec("", "");
  EXPECT_EQ(Pass().records, 0);
  EXPECT_EQ(Cursor(), "");
  Append({App("line 1")});
  Pass();
  EXPECT_EQ(Titles(), std::vector<std::string>{"app.service 1"});
}

TEST_P(JournalPassTest, MultiLineRecordsJoinEntriesAndTheLastWaitsUntilIdle) {
  UseSpec("    start_at: beginning\n    start: '^line '\n", "");
  Append({App("line 1 failed"), App("  at a"), App("line 2 failed"), App("  at b")});
  EXPECT_EQ(Pass().events, 1) << "line 2's record may still grow";
  EXPECT_EQ(Pass(std::chrono::seconds(60)).events, 1) << "no entry followed it for a while: complete";
  auto r = conn_->Query("SELECT summary FROM watcher_events ORDER BY summary");
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].Text(0), "line 1 failed\n  at a");
  EXPECT_EQ(r->rows[1].Text(0), "line 2 failed\n  at b");
  EXPECT_EQ(Pass(std::chrono::seconds(60)).records, 0);
}

TEST_P(JournalPassTest, TheBudgetSplitsABacklogIntoPassesThatLoseNothing) {
  std::vector<JournalFields> entries;
  for (int i = 1; i <= 25; ++i) entries.push_back(App("line " + std::to_string(i)));
  Append(entries);
  int passes = 0;
  while (Pass(std::chrono::seconds(0), 10).more) ++passes;
  EXPECT_EQ(passes, 2);
  EXPECT_EQ(Titles().size(), 25u);
}

TEST_P(JournalPassTest, ALostCursorReadsFromTheOldestEntryAndThenKeepsANewOne) {
  Append({App("line 1")}, "old.journal");
  Pass();
  std::filesystem::remove(dir_.File("old.journal"));
  Append({App("noise")}, "new.journal");
  EXPECT_EQ(Pass().records, 1);
  std::string kept = *Cursor();
  EXPECT_FALSE(kept.empty());
  Append({App("line 2")}, "new.journal");
  Pass();
  EXPECT_EQ(Titles(), (std::vector<std::string>{"app.service 1", "app.service 2"}));
}

TEST_P(JournalPassTest, ALostCursorWithNothingLeftIsStoredAsFromTheOldestEntry) {
  Append({App("line 1")}, "old.journal");
  Pass();
  std::filesystem::remove(dir_.File("old.journal"));
  EXPECT_EQ(Pass().records, 0);
  EXPECT_EQ(Cursor(), "");
  Append({App("line 2")}, "new.journal");
  Pass();
  EXPECT_EQ(Titles(), (std::vector<std::string>{"app.service 1", "app.service 2"}));
}

INSTANTIATE_TEST_SUITE_P(Dialects, JournalPassTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
