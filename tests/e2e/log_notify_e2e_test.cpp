// Log watchers driven by change notification, through the built binary on SQLite: with
// `every: 1h` only notification can store a line within 2 s (after a rename rotation too), a
// multi-line record is taken `flush_after` after its last write, and 100 idle log watchers write
// nothing to the database but the node's heartbeats.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::DaemonProcess;

std::string Watcher(const std::string& name, const std::string& path, const std::string& extra) {
  return "  - name: " + name + "\n    type: log\n    start_at: beginning\n    paths: ['" + path + "']\n" + extra +
         "    rules:\n      - name: line\n        match: '^line (?P<n>\\d+)'\n";
}

class LogNotifyE2E : public ::testing::Test {
 protected:
  void WriteConfig(const std::string& watchers, const std::string& level = "info") {
    url_ = "sqlite:" + d_.dir().File("vigil.db");
    d_.WriteConfig("database:\n  url: " + url_ + "\nhttp:\n  listen: 127.0.0.1:${PORT}\njobs:\n  shutdown_timeout: 5s\n"
                   "logging:\n  level: " + level + "\nwatchers:\n" + watchers);
  }
  void Start(const std::string& watchers, const std::string& level = "info") {
    WriteConfig(watchers, level);
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
    db_ = std::move(OpenSqlConnection(url_).value());
  }
  void TearDown() override {
    if (d_.pid() <= 0 || d_.Wait(0ms)) return;  // never started, or already exited (a refused config)
    d_.Signal(SIGTERM);
    EXPECT_EQ(d_.Wait(20s), 0) << d_.Stderr();
  }
  int64_t Count(const std::string& sql) {
    auto r = db_->Query(sql);
    return r.ok() && !r->rows.empty() ? r->rows[0].Int(0) : -1;
  }
  int64_t Events() { return Count("SELECT COUNT(*) FROM watcher_events"); }
  // The first pass at start has run: a line written from now on is one only notification reads.
  bool FirstPassesDone(int watchers) {
    return testing::WaitFor([&] { return Count("SELECT COUNT(*) FROM vigil_watcher_state WHERE last_success_at IS NOT NULL") >= watchers; },
                            20s, 20ms) &&
           testing::WaitFor([&] { return Count("SELECT COUNT(*) FROM vigil_jobs WHERE state IN ('available', 'running')") == 0; },
                            20s, 20ms);
  }
  // Appends `text` and returns how long until `events` events are stored (nullopt: not within 2 s).
  std::optional<std::chrono::milliseconds> WriteAndTime(const std::string& path, const std::string& text, int64_t events) {
    auto written = Clock::now();
    std::ofstream(path, std::ios::app) << text << std::flush;
    if (!testing::WaitFor([&] { return Events() >= events; }, 2s, 2ms)) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - written);
  }

  DaemonProcess d_;
  std::string url_;
  std::unique_ptr<SqlConnection> db_;
};

TEST_F(LogNotifyE2E, ALineWrittenIsStoredWithinTwoSecondsUnderEveryOneHour) {
  std::string log = d_.dir().File("app.log");
  std::ofstream(log).flush();
  ASSERT_NO_FATAL_FAILURE(Start(Watcher("app", log, "    every: 1h\n")));
  ASSERT_TRUE(FirstPassesDone(1)) << d_.Stderr();
  ASSERT_EQ(Events(), 0);
  for (int i = 1; i <= 5; ++i) {
    auto took = WriteAndTime(log, "line " + std::to_string(i) + " written\n", i);
    ASSERT_TRUE(took) << "line " << i << " not stored within 2 s\n" << d_.Stderr();
    std::cout << "line " << i << " stored after " << took->count() << " ms\n";
  }
  EXPECT_EQ(d_.Stderr().find("change notification unavailable"), std::string::npos) << d_.Stderr();
}

TEST_F(LogNotifyE2E, ARenameRotationThenWritesToTheNewFileAreSeenUnderEveryOneHour) {
  std::string log = d_.dir().File("app.log");
  std::ofstream(log).flush();
  ASSERT_NO_FATAL_FAILURE(Start(Watcher("app", log, "    every: 1h\n")));
  ASSERT_TRUE(FirstPassesDone(1)) << d_.Stderr();
  ASSERT_TRUE(WriteAndTime(log, "line 1 before the rotation\n", 1)) << d_.Stderr();
  std::filesystem::rename(log, log + ".1");
  ASSERT_TRUE(WriteAndTime(log + ".1", "line 2 by the old writer, after the rename\n", 2)) << d_.Stderr();
  ASSERT_TRUE(WriteAndTime(log, "line 3 in the new file\n", 3)) << d_.Stderr();
  ASSERT_TRUE(WriteAndTime(log, "line 4 in the new file\n", 4)) << d_.Stderr();
  auto r = db_->Query("SELECT source_metadata FROM watcher_events");
  std::multiset<std::string> lines;
  for (const auto& row : r->rows) lines.insert(nlohmann::json::parse(row.Text(0))["captures"].value("n", "?"));
  EXPECT_EQ(lines, (std::multiset<std::string>{"1", "2", "3", "4"}));
}

TEST_F(LogNotifyE2E, AMultiLineRecordIsTakenFlushAfterItsLastWrite) {
  std::string log = d_.dir().File("app.log");
  std::ofstream(log).flush();
  ASSERT_NO_FATAL_FAILURE(Start(Watcher("app", log, "    every: 1h\n    flush_after: 2s\n    start: '^line '\n")));
  ASSERT_TRUE(FirstPassesDone(1)) << d_.Stderr();
  auto written = Clock::now();
  std::ofstream(log, std::ios::app) << "line 1 failed\n  at a\n  at b\n" << std::flush;
  std::this_thread::sleep_for(1s);  // a stimulus: half of flush_after, the record may still grow
  EXPECT_EQ(Events(), 0) << "taken before flush_after";
  ASSERT_TRUE(testing::WaitFor([&] { return Events() == 1; }, 4s, 10ms)) << d_.Stderr();
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - written);
  std::cout << "multi-line record stored " << took.count() << " ms after its write (flush_after 2000 ms)\n";
  EXPECT_GE(took, 2s);
  auto r = db_->Query("SELECT summary FROM watcher_events");
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0].Text(0), "line 1 failed\n  at a\n  at b");
}

TEST_F(LogNotifyE2E, AReloadWatchesAnAddedWatchersFilesAndForgetsARemovedOnes) {
  std::string a = d_.dir().File("a.log"), b = d_.dir().File("b.log");
  std::ofstream(a).flush();
  std::ofstream(b).flush();
  ASSERT_NO_FATAL_FAILURE(Start(Watcher("a", a, "    every: 1h\n")));
  ASSERT_TRUE(FirstPassesDone(1)) << d_.Stderr();
  WriteConfig(Watcher("b", b, "    every: 1h\n"));
  d_.Signal(SIGHUP);
  ASSERT_TRUE(FirstPassesDone(2)) << "the added watcher's first pass\n" << d_.Stderr();
  ASSERT_TRUE(WriteAndTime(b, "line 1 to the added watcher\n", 1)) << d_.Stderr();
  int64_t last_job = Count("SELECT MAX(id) FROM vigil_jobs");
  std::ofstream(a, std::ios::app) << "line 2 to the removed watcher's file\n" << std::flush;
  std::this_thread::sleep_for(1s);  // a stimulus: a second for a pass that must not come
  EXPECT_EQ(Events(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE id > " + std::to_string(last_job)), 0)
      << "no pass of the removed watcher after the reload";
}

// Every row of every table but the nodes' heartbeats, as text.
std::string Contents(SqlConnection& db) {
  std::string out;
  auto tables = db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'vigil_nodes' ORDER BY name");
  for (const auto& t : tables->rows) {
    auto rows = db.Query("SELECT * FROM \"" + t.Text(0) + "\"");
    out += "== " + t.Text(0) + "\n";
    for (const auto& row : rows->rows) {
      for (size_t i = 0; i < row.size(); ++i) out += row.Text(i) + "|";
      out += "\n";
    }
  }
  return out;
}

TEST_F(LogNotifyE2E, AHundredIdleLogWatchersWriteNothingButHeartbeatsOverThirtySeconds) {
  std::string watchers;
  for (int i = 0; i < 100; ++i) {
    std::string log = d_.dir().File("idle-" + std::to_string(i) + ".log");
    std::ofstream(log) << "line 0 written before the start\n";
    watchers += Watcher("idle-" + std::to_string(i), log, "");
  }
  // The crash sentinel keeps the daemon's last log lines in its row, written when they changed (every
  // 30 s at most): at `warn` the start's info lines are not among them, so what this measures
  // is the watchers.
  ASSERT_NO_FATAL_FAILURE(Start(watchers, "warn"));
  auto ready = Clock::now();
  ASSERT_TRUE(FirstPassesDone(100)) << d_.Stderr();
  ASSERT_TRUE(testing::WaitFor([&] { return Events() == 100; }, 10s)) << d_.Stderr();
  std::string before = Contents(*db_);
  int64_t heartbeat = Count("SELECT MAX(heartbeat_at) FROM vigil_nodes");
  // A stimulus: about 30 s of idleness, to past 31 s after the start, so each watcher's first 30 s
  // fallback check (its timer starts just after READY) falls inside it.
  std::this_thread::sleep_until(std::max(Clock::now() + 29s, ready + 31s));
  std::string after = Contents(*db_);
  EXPECT_GT(Count("SELECT MAX(heartbeat_at) FROM vigil_nodes"), heartbeat) << "the daemon kept running and heartbeating";
  EXPECT_EQ(after, before);
  EXPECT_EQ(d_.Stderr().find("change notification unavailable"), std::string::npos) << d_.Stderr();
}

}  // namespace
}  // namespace vigil
