// Compressed rotation through the built binary: `mv app.log app.log.1 && gzip app.log.1` (the real
// gzip, as logrotate's `compress` without `delaycompress` runs it) right after lines were written,
// then a new app.log and more lines, three times over, with the daemon polling every second: each
// line becomes exactly one event. Passes at `every: 1s` whether or not change notification exists.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;

class LogGzipRotationE2E : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    url_ = std::string(GetParam()) == "sqlite" ? "sqlite:" + d_.dir().File("vigil.db") : pg_->url();
    d_.WriteConfig("database:\n  url: " + url_ + "\nhttp:\n  listen: 127.0.0.1:${PORT}\njobs:\n  poll_interval: 100ms\n  lease: 6s\n"
                   "  shutdown_timeout: 5s\nwatchers:\n  - name: app\n    type: log\n    every: 1s\n    start_at: beginning\n"
                   "    paths: ['" + d_.dir().File("app.log*") + "']\n    rules:\n      - name: line\n        match: '^line (?P<n>\\d+)'\n");
  }
  std::string Log() { return d_.dir().File("app.log"); }
  void Write(int from, int to) {
    std::ofstream out(Log(), std::ios::app);
    for (int i = from; i <= to; ++i) out << "line " << i << " " << std::string(40, 'x') << "\n";
  }
  // logrotate's order: older archives shift, the log is renamed, then compressed.
  void RotateAndCompress() {
    std::string dir = d_.dir().path();
    std::string cmd = "cd '" + dir + "' && { [ ! -e app.log.1.gz ] || mv app.log.1.gz app.log.2.gz; } && mv app.log app.log.1 && gzip app.log.1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    ASSERT_TRUE(std::filesystem::exists(Log() + ".1.gz"));
    ASSERT_FALSE(std::filesystem::exists(Log() + ".1"));
  }
  std::map<int, int> Seen() {
    std::map<int, int> seen;
    auto db = OpenSqlConnection(url_);
    if (!db.ok()) return seen;
    auto r = (*db)->Query("SELECT source_metadata FROM watcher_events");
    if (!r.ok()) return seen;
    for (const auto& row : r->rows) ++seen[std::stoi(nlohmann::json::parse(row.Text(0))["captures"].value("n", "0"))];
    return seen;
  }
  bool WaitFor(size_t lines) {
    return testing::WaitFor([&] { return Seen().size() >= lines; }, 30s, 100ms);
  }
  void ExpectEachOnce(int from, int to) {
    auto seen = Seen();
    for (int i = from; i <= to; ++i) EXPECT_EQ(seen[i], 1) << "line " << i;
    EXPECT_EQ(seen.size(), static_cast<size_t>(to - from + 1));
  }

  std::unique_ptr<testing::TestDb> pg_ = std::string(GetParam()) == "postgres" ? std::make_unique<testing::TestDb>("postgres") : nullptr;
  DaemonProcess d_;
  std::string url_;
};

TEST_P(LogGzipRotationE2E, RenameThenGzipLosesAndDoublesNothing) {
  Write(1, 50);
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  ASSERT_TRUE(WaitFor(50)) << d_.Stderr();
  int next = 51;
  for (int round = 0; round < 3; ++round) {
    Write(next, next + 29);  // written just before the rotation: most of it not yet read
    RotateAndCompress();
    Write(next + 30, next + 39);  // the new file
    next += 40;
    ASSERT_TRUE(WaitFor(static_cast<size_t>(next - 1))) << Seen().size() << "\n" << d_.Stderr();
  }
  std::this_thread::sleep_for(2500ms);  // a stimulus: 2.5 s of further passes, which must add nothing
  ExpectEachOnce(1, next - 1);
  d_.Signal(SIGTERM);
  EXPECT_EQ(d_.Wait(20s), 0) << d_.Stderr();
}

INSTANTIATE_TEST_SUITE_P(Dialects, LogGzipRotationE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
