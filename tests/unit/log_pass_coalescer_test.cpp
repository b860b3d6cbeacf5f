// When a log watcher's change signals ask for a pass (PassCoalescer), which directories its
// notification watches, and the fallback check's interval.
#include "sources/log/log_pass_coalescer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "daemon/log_wakeups.h"
#include "sources/log/log_watch_scan.h"
#include "tests/support/temp_dir.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using Time = PassCoalescer::Time;

const Time t0 = Time() + 1000s;

TEST(PassCoalescer, ABurstOfChangesQueuesOnePass) {
  PassCoalescer c("app");
  EXPECT_EQ(c.OnChange(t0), "tail:app:0");
  EXPECT_EQ(c.OnChange(t0 + 1ms), "");
  EXPECT_EQ(c.OnChange(t0 + 2ms), "");
  EXPECT_TRUE(c.queued());
}

TEST(PassCoalescer, AChangeBeforeThePassBeganIsReadByIt) {
  PassCoalescer c("app");
  c.OnChange(t0);
  c.OnChange(t0 + 5ms);
  EXPECT_EQ(c.OnPassStarted(t0 + 10ms, t0 + 11ms), "");
  EXPECT_FALSE(c.queued());
}

TEST(PassCoalescer, AChangeSeenWhileAPassRunsQueuesOneMoreUnderANewKey) {
  PassCoalescer c("app");
  c.OnChange(t0);
  // The loop saw a change (at t0+20) before it heard that the pass began at t0+10: the pass may
  // have read before the write, so one more pass, under a key the running one does not hold.
  EXPECT_EQ(c.OnChange(t0 + 20ms), "");
  EXPECT_EQ(c.OnPassStarted(t0 + 10ms, t0 + 21ms), "tail:app:1");
  EXPECT_TRUE(c.queued());
  EXPECT_EQ(c.OnChange(t0 + 30ms), "") << "the second pass is queued: it reads this too";
  EXPECT_EQ(c.OnPassStarted(t0 + 40ms, t0 + 41ms), "");
}

TEST(PassCoalescer, AChangeAfterThePassBeganQueuesTheNextGeneration) {
  PassCoalescer c("app");
  c.OnChange(t0);
  EXPECT_EQ(c.OnPassStarted(t0 + 10ms, t0 + 11ms), "");
  EXPECT_EQ(c.OnChange(t0 + 12ms), "tail:app:1");
}

TEST(PassCoalescer, APassNeverHeardOfStopsHoldingChangesBackAfterThePatience) {
  PassCoalescer c("app");
  c.OnChange(t0);
  EXPECT_EQ(c.OnChange(t0 + PassCoalescer::kQueuedPatience - 1ms), "");
  EXPECT_EQ(c.OnChange(t0 + PassCoalescer::kQueuedPatience), "tail:app:0") << "the same key: still queued, it is one pass";
}

TEST(PassCoalescer, AFailedEnqueueLetsTheNextChangeTryAgain) {
  PassCoalescer c("app");
  c.OnChange(t0);
  c.OnEnqueueFailed();
  EXPECT_EQ(c.OnChange(t0 + 1ms), "tail:app:0");
}

TEST(LogFallback, EveryGivenWinsElseThirtySecondsWithNotificationAndTwoWithout) {
  LogWatcherSpec spec;
  EXPECT_EQ(FallbackInterval(spec, true), 30s);
  EXPECT_EQ(FallbackInterval(spec, false), 2s);
  spec.every_set = true;
  spec.every = 1h;
  EXPECT_EQ(FallbackInterval(spec, true), 1h);
  EXPECT_EQ(FallbackInterval(spec, false), 1h);
}

TEST(LogWatchScan, GlobDirectoryIsTheFixedPartOrItsNearestExistingAncestor) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.File("logs"));
  EXPECT_EQ(GlobDirectory(dir.File("logs/*.log")), dir.File("logs"));
  EXPECT_EQ(GlobDirectory(dir.File("logs/app.log")), dir.File("logs"));
  EXPECT_EQ(GlobDirectory(dir.File("logs/app-*/x.log")), dir.File("logs"));
  EXPECT_EQ(GlobDirectory(dir.File("later/deeper/app.log")), dir.path()) << "not created yet: its existing ancestor";
}

TEST(LogWatchScan, WatchesMatchesAndTheirDirectoriesAndSeesAWriteInTheFingerprint) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.File("a"));
  std::ofstream(dir.File("a/one.log")) << "x\n";
  LogWatcherSpec spec;
  spec.paths = {dir.File("a/*.log"), dir.File("b/*.log")};
  LogWatchScan first = ScanLogWatch(spec);
  EXPECT_EQ(first.files, std::vector<std::string>{dir.File("a/one.log")});
  std::vector<std::string> dirs = {dir.path(), dir.File("a")};
  std::sort(dirs.begin(), dirs.end());
  EXPECT_EQ(first.directories, dirs);
  EXPECT_EQ(ScanLogWatch(spec).fingerprint, first.fingerprint) << "nothing written: the same";
  std::ofstream(dir.File("a/one.log"), std::ios::app) << "y\n";
  EXPECT_NE(ScanLogWatch(spec).fingerprint, first.fingerprint);
}

TEST(LogWatchScan, ARotationChangesTheFingerprint) {
  testing::TempDir dir;
  std::ofstream(dir.File("app.log")) << "x\n";
  LogWatcherSpec spec;
  spec.paths = {dir.File("app.log")};
  std::string before = ScanLogWatch(spec).fingerprint;
  std::filesystem::rename(dir.File("app.log"), dir.File("app.log.1"));
  std::ofstream(dir.File("app.log")) << "x\n";  // the same size, a new inode
  EXPECT_NE(ScanLogWatch(spec).fingerprint, before);
}

}  // namespace
}  // namespace vigil
