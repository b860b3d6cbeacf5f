// Failing literature watchers through the built binary, against a loopback stand-in for the feed
// host: a feed that answers 404 is asked once, shown at once as a permanent error and kept on its
// schedule; a feed that answers 503 backs off, and running it by hand does not push its next poll
// later. The kinds in detail: tests/integration/watcher_failure_kinds_test.cpp.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;

class WatcherFailureE2E : public testsupport::StandInServer {
 protected:
  void SetUp() override {
    StartStandIn();
    Serve("/gone", [](const HttpRequest&) { return HttpResponse::Text(404, "no such feed"); });
    Serve("/down", [](const HttpRequest&) { return HttpResponse::Text(503, "down for maintenance"); });
    d_.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: s3cret-token\n"
                   "watchers:\n"
                   "  - name: gone\n    type: literature\n    source: feed\n    every: 1h\n    url: " + Url("/gone") + "\n"
                   "  - name: down\n    type: literature\n    source: feed\n    every: 1h\n    url: " + Url("/down") + "\n");
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  }
  void TearDown() override {
    d_.Signal(SIGTERM);
    (void)d_.Wait(10s);
    StandInServer::TearDown();
  }
  // The API's status of watcher `name`, or null.
  nlohmann::json Watcher(const std::string& name, const std::string& method = "GET", const std::string& suffix = "") {
    testsupport::RawHttpClient c(d_.port());
    c.Send(testsupport::MakeRequest(method, "/api/v1/watchers/" + name + suffix, "", "Authorization: Bearer s3cret-token\r\n"));
    auto r = c.ReadResponse(10s);
    return r ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
  }
  bool Failed(const std::string& name) {
    return testing::WaitFor([&] { return Watcher(name).value("last_error", nlohmann::json()).is_string(); }, 30s, 100ms);
  }
  DaemonProcess d_;
};

TEST_F(WatcherFailureE2E, A404IsAskedOnceAndShownAsPermanentAtOnce) {
  ASSERT_TRUE(Failed("gone")) << d_.Stderr();
  nlohmann::json w = Watcher("gone");
  EXPECT_EQ(w["last_error_kind"], "permanent");
  EXPECT_EQ(w["consecutive_failures"], 1);
  EXPECT_EQ(w["next_poll"].get<std::string>().find("backing off"), std::string::npos) << w["next_poll"] << ": its normal schedule";
  EXPECT_EQ(ArrivedCount("/gone"), 1) << "no retry, neither by the HTTP client nor by the job engine";
  auto [code, out] = testing::RunVigil({"watchers", "list", "--config", d_.config_path()});
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("permanent: HTTP 404 from " + Url("/gone")), std::string::npos) << out;
}

TEST_F(WatcherFailureE2E, A503BacksOffAndRunNowDoesNotPushTheNextPollLater) {
  ASSERT_TRUE(Failed("down")) << d_.Stderr();
  nlohmann::json before = Watcher("down");
  EXPECT_EQ(before["last_error_kind"], "transient");
  std::string next = before["next_poll"];
  EXPECT_NE(next.find("(backing off)"), std::string::npos) << next;
  int asked = ArrivedCount("/down");
  EXPECT_GT(asked, 1) << "the HTTP client retried within the poll";

  EXPECT_EQ(Watcher("down", "POST", "/run").value("already_queued", true), false);
  ASSERT_TRUE(testing::WaitFor([&] { return Watcher("down")["last_poll"] != before["last_poll"]; }, 30s, 100ms)) << d_.Stderr();
  nlohmann::json after = Watcher("down");
  EXPECT_GT(ArrivedCount("/down"), asked) << "run now polled during the backoff";
  EXPECT_EQ(after["next_poll"], next) << "and left the next scheduled poll where it was";
  EXPECT_EQ(after["consecutive_failures"], before["consecutive_failures"]);
}

}  // namespace
}  // namespace vigil
