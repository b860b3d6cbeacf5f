// Log watchers through the built binary: rotation (rename and copytruncate) across a daemon
// restart and a kill -9 mid-run, on SQLite and PostgreSQL: every line exactly once.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/event_counts.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;

class LogWatcherE2E : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string url = std::string(GetParam()) == "sqlite" ? "sqlite:" + d_.dir().File("vigil.db") : pg_->url();
    d_.WriteConfig("database:\n  url: " + url + "\nhttp:\n  listen: 127.0.0.1:${PORT}\njobs:\n  poll_interval: 100ms\n  lease: 6s\n"
                   "  shutdown_timeout: 5s\nwatchers:\n  - name: app\n    type: log\n    every: 1s\n    start_at: beginning\n"
                   "    paths: ['" + Log() + "']\n    rules:\n      - name: line\n        match: '^line (?P<n>\\d+)'\n");
    url_ = url;
  }
  std::string Log() { return d_.dir().File("app.log"); }
  void Write(const std::string& path, int from, int to) {
    std::ofstream out(path, std::ios::app);
    for (int i = from; i <= to; ++i) out << "line " << i << " " << std::string(40, 'x') << "\n";
  }
  // How many events each line number has.
  std::map<int, int> Seen() { return testing::EventsPerLine(url_); }
  bool WaitFor(size_t lines, std::chrono::milliseconds timeout) {
    return testing::WaitFor([&] { return Seen().size() >= lines; }, timeout, 100ms);
  }
  void ExpectEachOnce(int from, int to) {
    auto seen = Seen();
    for (int i = from; i <= to; ++i) EXPECT_EQ(seen[i], 1) << "line " << i;
    EXPECT_EQ(seen.size(), static_cast<size_t>(to - from + 1));
  }
  void Stop() {
    d_.Signal(SIGTERM);
    EXPECT_EQ(d_.Wait(20s), 0) << d_.Stderr();
  }

  std::unique_ptr<testing::TestDb> pg_ = std::string(GetParam()) == "postgres" ? std::make_unique<testing::TestDb>("postgres") : nullptr;
  DaemonProcess d_;
  std::string url_;
};

TEST_P(LogWatcherE2E, RenameRotationAcrossARestartLosesAndDoublesNothing) {
  Write(Log(), 1, 50);
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  ASSERT_TRUE(WaitFor(50, 30s)) << d_.Stderr();
  Write(Log(), 51, 60);  // may or may not be read before the stop
  Stop();
  Write(Log(), 61, 70);  // the old file, written after the stop
  std::filesystem::rename(Log(), Log() + ".1");
  Write(Log(), 71, 80);  // the new file
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  EXPECT_TRUE(WaitFor(80, 30s)) << d_.Stderr();
  std::this_thread::sleep_for(2500ms);  // a stimulus: 2.5 s of further passes, which must add nothing
  ExpectEachOnce(1, 80);
  Stop();
}

TEST_P(LogWatcherE2E, CopytruncateAcrossARestartLosesAndDoublesNothing) {
  Write(Log(), 1, 20);
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  ASSERT_TRUE(WaitFor(20, 30s)) << d_.Stderr();
  Stop();
  std::filesystem::copy_file(Log(), Log() + ".1");
  std::filesystem::resize_file(Log(), 0);  // nothing was written between the copy and the truncate
  Write(Log(), 21, 30);
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  EXPECT_TRUE(WaitFor(30, 30s)) << d_.Stderr();
  std::this_thread::sleep_for(2500ms);  // a stimulus: 2.5 s of further passes, which must add nothing
  ExpectEachOnce(1, 30);
  Stop();
}

TEST_P(LogWatcherE2E, KillNineMidRunThenRestartLosesAndDoublesNothing) {
  Write(Log(), 1, 2000);
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  std::thread writer([this] {
    for (int batch = 0; batch < 20; ++batch) {
      Write(Log(), 2001 + batch * 100, 2100 + batch * 100);
      std::this_thread::sleep_for(50ms);  // a stimulus: a batch every 50 ms while the daemon reads
    }
  });
  std::this_thread::sleep_for(1500ms);  // a stimulus: the kill comes 1.5 s into the run
  d_.Signal(SIGKILL);
  EXPECT_EQ(d_.Wait(5s), -SIGKILL);
  writer.join();
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  EXPECT_TRUE(WaitFor(4000, 60s)) << Seen().size() << "\n" << d_.Stderr();
  std::this_thread::sleep_for(2500ms);  // a stimulus: 2.5 s of further passes, which must add nothing
  ExpectEachOnce(1, 4000);
  Stop();
}

INSTANTIATE_TEST_SUITE_P(Dialects, LogWatcherE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
