// `vigil reload` and what a reload and a start log, through the built binary: the daemon is asked
// through its admin API (POST /api/v1/reload), applies the file and answers with what changed, or
// refuses it and keeps the running config; the start logs each webhook hook's URL.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_process.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::RunVigil;

const std::string kHead = "database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: s3cret-token\n";
const std::string kWatchers = "watchers:\n  - name: gh\n    type: webhook\n    verify: {scheme: none}\n"
                              "  - name: feed\n    type: literature\n    source: feed\n    url: http://127.0.0.1:1/none\n    every: 1d\n";
std::string Schedules(const std::string& cron, const std::string& kind = "noop") {
  return "jobs:\n  schedules:\n    - {name: nightly, kind: " + kind + ", schedule: '" + cron + "'}\n";
}

class ReloadE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    d_.WriteConfig(kHead + kWatchers + Schedules("0 9 * * *"));
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  }
  std::pair<int, std::string> Reload(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"reload", "--config", d_.config_path()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunVigil(args);
  }
  bool Logged(const std::string& line) {
    return testing::WaitFor([&] { return d_.Stderr().find(line) != std::string::npos; }, 5s);
  }
  DaemonProcess d_;
};

TEST_F(ReloadE2E, StartLogsEachHooksUrl) {
  EXPECT_TRUE(Logged("webhook hook \"gh\" at http://127.0.0.1:" + std::to_string(d_.port()) + "/hooks/gh")) << d_.Stderr();
}

TEST_F(ReloadE2E, PrintsAndLogsWhatChanged) {
  std::string feed = "  - name: feed\n    type: literature\n    source: feed\n    url: http://127.0.0.1:1/none\n    every: 12h\n";
  d_.WriteConfig(kHead + "watchers:\n  - name: gh\n    type: webhook\n    verify: {scheme: none}\n" + feed + "  - name: second\n    type: webhook\n    verify: {scheme: none}\n" +
                 Schedules("0 8 * * *"));
  auto [code, out] = Reload();
  ASSERT_EQ(code, 0) << out << d_.Stderr();
  EXPECT_EQ(out, "reloaded " + d_.config_path() + "\n"
                 "  watcher \"second\" added\n"
                 "  watcher \"feed\" changed (every)\n"
                 "  schedule \"schedule:nightly\" 0 9 * * * -> 0 8 * * *\n"
                 "  schedule \"watcher:feed\" every 1d -> every 12h\n"
                 "  settings changed: jobs.schedules\n");
  EXPECT_TRUE(Logged("reload: watcher \"second\" added")) << d_.Stderr();
  EXPECT_TRUE(Logged("reload: schedule \"schedule:nightly\" 0 9 * * * -> 0 8 * * *")) << d_.Stderr();
  EXPECT_TRUE(Logged("webhook hook \"second\" at http://127.0.0.1:" + std::to_string(d_.port()) + "/hooks/second")) << d_.Stderr();
  EXPECT_TRUE(Logged("configuration reloaded from " + d_.config_path()));
}

TEST_F(ReloadE2E, AnUnchangedFileIsNoChange) {
  auto [code, out] = Reload({"--json"});
  ASSERT_EQ(code, 0) << out;
  auto answer = nlohmann::json::parse(out);
  EXPECT_EQ(answer["ok"], true);
  EXPECT_EQ(answer["config"], d_.config_path());
  EXPECT_EQ(answer["changes"], nlohmann::json::array({"no change"}));
  EXPECT_TRUE(Logged("reload: no change"));
}

TEST_F(ReloadE2E, ARefusedFileExitsOneAndTheDaemonKeepsTheRunningConfig) {
  d_.WriteConfig(kHead + kWatchers + Schedules("0 8 * * *", "no_such_kind"));
  auto [code, out] = Reload();
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.find("vigil: reload refused: schedule:nightly: unknown job kind \"no_such_kind\"; the daemon kept the running config"),
            std::string::npos) << out;
  EXPECT_TRUE(Logged("reload failed, keeping the running config")) << d_.Stderr();
  // The running config is still the first file: reloading that again changes nothing.
  d_.WriteConfig(kHead + kWatchers + Schedules("0 9 * * *"));
  auto [again, again_out] = Reload();
  EXPECT_EQ(again, 0) << again_out;
  EXPECT_NE(again_out.find("  no change\n"), std::string::npos) << again_out;
}

TEST_F(ReloadE2E, AFileThatDoesNotLoadIsNotSent) {
  d_.WriteConfig(kHead + kWatchers + "    bogus: 1\n");
  auto [code, out] = Reload();
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.find("watchers[1].bogus: unknown key"), std::string::npos) << out;
  EXPECT_NE(out.find("not sent: the daemon keeps its running config"), std::string::npos) << out;
  EXPECT_EQ(d_.Stderr().find("configuration reloaded"), std::string::npos) << d_.Stderr();
  EXPECT_EQ(d_.Stderr().find("reload failed"), std::string::npos) << d_.Stderr();
}

TEST(ReloadCli, ExitsOneWhenNoDaemonAnswers) {
  DaemonProcess d;  // not started
  d.WriteConfig(kHead + kWatchers);
  auto [code, out] = RunVigil({"reload", "--config", d.config_path()});
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.find("vigil: no vigil answering at http://127.0.0.1:" + std::to_string(d.port()) + "/api/v1/reload"), std::string::npos) << out;
}

}  // namespace
}  // namespace vigil
