// A log_tail pass that reads nothing new writes nothing (no offsets, no watcher status), so an
// idle watcher costs no database write; its status is still refreshed every kLogStatusRefresh and
// after an error. On both databases.
#include <gtest/gtest.h>

#include <fstream>

#include "jobs/watch/log_tail_job.h"
#include "store/watcher_state_repo.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class LogTailIdleTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated({{.name = "app", .type = "log"}});
    ASSERT_TRUE(conn_);
    std::ofstream(dir_.File("app.log")) << "line 1\n";
    spec_.name = "app";
    spec_.paths = {dir_.File("app.log")};
    spec_.start_at_end = false;
  }
  void Pass(TimePoint at) {
    auto r = RunLogTailPass(*conn_, spec_, "", limiter_, at);
    ASSERT_TRUE(r.ok()) << r.error();
  }
  // What a pass may write: the watcher's offsets and status, as text.
  std::string Written() {
    std::string out;
    for (const char* sql : {"SELECT path, inode, position, head_hash, updated_at FROM vigil_log_offsets",
                            "SELECT last_poll_at, last_success_at, cursor, last_error FROM vigil_watcher_state"}) {
      auto r = conn_->Query(sql);
      for (const auto& row : r->rows) {
        for (size_t i = 0; i < row.size(); ++i) out += row.Text(i) + "|";
        out += "\n";
      }
    }
    return out;
  }

  testing::TestDb db_{GetParam()};
  testing::TempDir dir_;
  std::unique_ptr<SqlConnection> conn_;
  LogWatcherSpec spec_;
  RuleRateLimiter limiter_;
  TimePoint t0_ = std::chrono::system_clock::now();
};

TEST_P(LogTailIdleTest, APassThatReadNothingNewWritesNothing) {
  Pass(t0_);
  std::string after_first = Written();
  Pass(t0_ + 1min);
  EXPECT_EQ(Written(), after_first);
  std::ofstream(dir_.File("app.log"), std::ios::app) << "line 2\n";
  Pass(t0_ + 2min);
  EXPECT_NE(Written(), after_first) << "a line read moves the offsets";
}

TEST_P(LogTailIdleTest, TheStatusIsRefreshedAfterTheRefreshIntervalAndAfterAnError) {
  Pass(t0_);
  std::string first = Written();
  Pass(t0_ + kLogStatusRefresh + 1s);
  EXPECT_NE(Written(), first) << "an old status is refreshed";
  ASSERT_TRUE(RecordPollFailure(*conn_, "app", t0_ + kLogStatusRefresh + 2s, PollFailure{"disk gone", t0_, false, true}).ok());
  Pass(t0_ + kLogStatusRefresh + 3s);
  auto state = GetWatcherState(*conn_, "app");
  ASSERT_TRUE(state.ok() && *state);
  EXPECT_EQ((*state)->last_error, "") << "a pass after an error records its success";
}

INSTANTIATE_TEST_SUITE_P(Dialects, LogTailIdleTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
