// Hostile and mistaken config files through the built binary: `vigil check` refuses them with a
// position, `vigil run` refuses them without aborting, and a SIGHUP that brings one in changes
// nothing (the old token, hooks and limits keep serving, and SIGTERM still stops the daemon).
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <string>

#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/unit/config_bomb.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::RunVigil;
using testsupport::RawHttpClient;

const char* kHead = "database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\n";

std::string ConfigWith(const std::string& token, const std::string& watchers) {
  return std::string(kHead) + "api:\n  token: " + token + "\nwatchers:\n" + watchers;
}

const char* kOneHook = "  - name: alpha\n    type: webhook\n    verify: {scheme: none}\n";
const char* kTwoHooksOnOnePath =
    "  - name: alpha\n    type: webhook\n    verify: {scheme: none}\n  - name: beta\n    type: webhook\n    verify: {scheme: none}\n    path: /hooks/alpha\n";

std::optional<testsupport::RawHttpResponse> Call(int port, const std::string& method, const std::string& target,
                                                  const std::string& token = "") {
  RawHttpClient c(port);
  if (!c.connected()) return std::nullopt;
  std::string headers = token.empty() ? "" : "Authorization: Bearer " + token + "\r\n";
  c.Send(testsupport::MakeRequest(method, target, "{}", headers));
  return c.ReadResponse(5s);
}

int StatusOf(int port, const std::string& method, const std::string& target, const std::string& token = "") {
  auto r = Call(port, method, target, token);
  return r ? r->status : -1;
}

// The resident set of a process in KiB, from /proc (0 if it cannot be read).
long ResidentKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return 0;
}

// Sends SIGHUP and waits for the reload to be refused; the daemon's stderr on failure.
::testing::AssertionResult ReloadFails(DaemonProcess& d) {
  d.Signal(SIGHUP);
  if (!d.WaitNotify("RELOADING=1", 5s)) return ::testing::AssertionFailure() << "no RELOADING=1\n" << d.Stderr();
  if (!d.WaitNotify("last reload failed", 5s)) return ::testing::AssertionFailure() << "not refused\n" << d.Stderr();
  return ::testing::AssertionSuccess();
}

// The bomb took vigil check past 20 s and 2 GB; refused, it takes milliseconds. The bounds leave
// room for a sanitizer build's slower start and larger resident set.
TEST(HostileConfigE2E, CheckRefusesAnAliasBombInSecondsNotMinutes) {
  DaemonProcess d;
  std::string bomb = testing::AliasBombConfig(kHead);
  d.WriteConfig(bomb);
  auto start = std::chrono::steady_clock::now();
  auto [code, out] = RunVigil({"check", "--config", d.config_path()});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(code, 2) << out;
  std::string at = "vigil: vigil.yaml:" + std::to_string(testing::LineStarting(bomb, "f: &f")) + ":";
  EXPECT_EQ(out.substr(0, at.size()), at) << out;
  EXPECT_NE(out.find("past 1000000 nodes"), std::string::npos) << out;
}

TEST(HostileConfigE2E, SighupWithAnAliasBombKeepsServingAndSigtermStops) {
  DaemonProcess d;
  d.WriteConfig(ConfigWith("old-token", kOneHook));
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  d.WriteConfig(testing::AliasBombConfig(std::string(kHead) + "api:\n  token: new-token\n"));
  ASSERT_TRUE(ReloadFails(d));
  EXPECT_NE(d.Stderr().find("past 1000000 nodes"), std::string::npos) << d.Stderr();
  EXPECT_LT(ResidentKib(d.pid()), 1024 * 1024) << "the bomb was expanded (it grew the daemon to 2.2 GB)";
  EXPECT_EQ(StatusOf(d.port(), "GET", "/api/v1/watchers", "old-token"), 200);
  EXPECT_EQ(StatusOf(d.port(), "GET", "/api/v1/watchers", "new-token"), 401);
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(10s), 0) << d.Stderr();
}

TEST(HostileConfigE2E, CheckRefusesTwoWebhooksOnOnePathAtTheSecondPath) {
  DaemonProcess d;
  d.WriteConfig(ConfigWith("t", kTwoHooksOnOnePath));
  auto [code, out] = RunVigil({"check", "--config", d.config_path()});
  EXPECT_EQ(code, 2) << out;
  EXPECT_EQ(out, "vigil: vigil.yaml:14:11: watchers[1].path: /hooks/alpha is already the path of watchers[0] "
                 "(\"alpha\"); two webhook watchers cannot answer on one path\n");
}

TEST(HostileConfigE2E, SighupWithTwoWebhooksOnOnePathChangesNothing) {
  DaemonProcess d;
  d.WriteConfig(ConfigWith("old-token", kOneHook));
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  d.WriteConfig(ConfigWith("new-token", kTwoHooksOnOnePath));
  ASSERT_TRUE(ReloadFails(d));
  EXPECT_NE(d.Stderr().find("vigil.yaml:14:11: watchers[1].path"), std::string::npos) << d.Stderr();
  EXPECT_EQ(StatusOf(d.port(), "GET", "/api/v1/watchers", "old-token"), 200);
  EXPECT_EQ(StatusOf(d.port(), "GET", "/api/v1/watchers", "new-token"), 401);
  EXPECT_EQ(StatusOf(d.port(), "POST", "/hooks/alpha"), 202) << "the old hook still answers";
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(10s), 0) << d.Stderr();
}

TEST(HostileConfigE2E, NonIntegerQueueSizeIsRefusedByCheckWithItsKey) {
  DaemonProcess d;
  for (const char* value : {"many", "2.5", "0", "[2]"}) {
    d.WriteConfig(std::string(kHead) + "jobs:\n  queues:\n    default: 2\n    literature: " + value + "\n");
    auto [code, out] = RunVigil({"check", "--config", d.config_path()});
    EXPECT_EQ(code, 2) << out;
    EXPECT_EQ(out, "vigil: vigil.yaml:8:17: jobs.queues.literature: expected an integer from 1 to 256\n");
  }
}

TEST(HostileConfigE2E, NonIntegerQueueSizeStopsRunWithItsKeyNotAnAbort) {
  DaemonProcess d;
  d.WriteConfig(std::string(kHead) + "jobs:\n  queues: {default: many}\n");
  ASSERT_TRUE(d.Start({"run", "--config", d.config_path()}));
  EXPECT_EQ(d.Wait(10s), 1) << d.Stderr();  // "cannot start"; an abort would be -SIGABRT
  EXPECT_NE(d.Stderr().find("vigil.yaml:6:21: jobs.queues.default: expected an integer from 1 to 256"), std::string::npos)
      << d.Stderr();
}

}  // namespace
}  // namespace vigil
