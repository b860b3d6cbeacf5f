// The live stream's edges through the built binary: who may open one (the bearer token or a
// console session; nobody else), how many at once (100; the 101st is answered 503 until one
// closes), and how streams end: a reload ends them cleanly, and SIGTERM with streams open exits
// promptly, each stream ended with its last chunk. An idle stream gets a keepalive comment.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/sse_test_client.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::DaemonProcess;
using testsupport::RawHttpClient;
using testsupport::RawHttpResponse;
using testsupport::SseTestClient;

const char* kBearer = "Authorization: Bearer tok\r\n";

RawHttpResponse Get(int port, const std::string& target, const std::string& headers, const std::string& method = "GET",
                    const std::string& body = "") {
  RawHttpClient c(port);
  c.Send(testsupport::MakeRequest(method, target, body, headers));
  auto r = c.ReadResponse(5s);
  EXPECT_TRUE(r);
  return r ? *r : RawHttpResponse{};
}

class LiveStreamLimitsE2E : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string url = std::string(GetParam()) == "sqlite" ? "sqlite:" + d_.dir().File("vigil.db") : pg_->url();
    d_.WriteConfig("database:\n  url: " + url + "\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: tok\n");
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  }
  void TearDown() override {
    if (!stopped_) {
      d_.Signal(SIGTERM);
      EXPECT_EQ(d_.Wait(10s), 0) << d_.Stderr();
    }
  }
  std::unique_ptr<SseTestClient> Open(const std::string& headers = kBearer) {
    auto s = std::make_unique<SseTestClient>(d_.port(), "/api/v1/stream", headers);
    EXPECT_EQ(s->ReadHead(5s), 200);
    return s;
  }

  std::unique_ptr<testing::TestDb> pg_ = std::string(GetParam()) == "postgres" ? std::make_unique<testing::TestDb>("postgres") : nullptr;
  DaemonProcess d_;
  bool stopped_ = false;
};

TEST_P(LiveStreamLimitsE2E, RefusesWhoeverHasNoTokenOrSession) {
  auto none = Get(d_.port(), "/api/v1/stream", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(json::parse(none.body)["error"], "missing bearer token");
  EXPECT_EQ(Get(d_.port(), "/api/v1/stream", "Authorization: Bearer nope\r\n").status, 401);
  EXPECT_EQ(Get(d_.port(), "/api/v1/stream", "Cookie: vigil_session=v1.forged\r\n").status, 401);
  auto signed_in = Get(d_.port(), "/api/v1/session", "Content-Type: application/json\r\n", "POST", R"({"token":"tok"})");
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  std::string cookie = signed_in.HeaderValue("Set-Cookie");
  auto by_cookie = Open("Cookie: " + cookie.substr(0, cookie.find(';')) + "\r\n");
  auto first = by_cookie->Next(5s);
  EXPECT_TRUE(first && first->retry == "2000") << "a console session (EventSource sends the cookie) may stream";
}

TEST_P(LiveStreamLimitsE2E, TheHundredAndFirstStreamIsAnswered503UntilOneCloses) {
  std::vector<std::unique_ptr<SseTestClient>> streams;
  for (int i = 0; i < 100; ++i) {
    streams.push_back(Open());
    ASSERT_FALSE(::testing::Test::HasFailure()) << "stream " << i + 1;
  }
  auto refused = Get(d_.port(), "/api/v1/stream", kBearer);
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(json::parse(refused.body)["error"], "too many live streams (at most 100)");
  streams.back()->Close();  // a client that goes away frees its place
  streams.pop_back();
  bool reopened = false;
  for (int tries = 0; tries < 50 && !reopened; ++tries) {
    SseTestClient s(d_.port(), "/api/v1/stream", kBearer);
    reopened = s.ReadHead(5s) == 200;
    if (!reopened) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(reopened) << "the closed stream's place is free again";
}

TEST_P(LiveStreamLimitsE2E, AnIdleStreamGetsAKeepaliveComment) {
  auto stream = Open();
  auto started = std::chrono::steady_clock::now();
  std::optional<testsupport::SseBlock> block;
  while ((block = stream->Next(17s)) && block->comment.empty()) {
  }
  ASSERT_TRUE(block) << "no keepalive within 17 s";
  EXPECT_EQ(block->comment, "keepalive");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 14s) << "every 15 s, not more often";
}

TEST_P(LiveStreamLimitsE2E, AReloadEndsStreamsCleanly) {
  auto stream = Open();
  d_.Signal(SIGHUP);
  EXPECT_TRUE(stream->WaitEnd(5s));
  EXPECT_TRUE(stream->ended_cleanly()) << "the last chunk, not a bare close";
  auto again = Open();
  auto first = again->Next(5s);
  EXPECT_TRUE(first && first->retry == "2000") << "streams open again after the reload";
}

TEST_P(LiveStreamLimitsE2E, SigtermWithStreamsOpenExitsPromptly) {
  std::vector<std::unique_ptr<SseTestClient>> streams;
  for (int i = 0; i < 5; ++i) streams.push_back(Open());
  auto started = std::chrono::steady_clock::now();
  d_.Signal(SIGTERM);
  stopped_ = true;
  EXPECT_EQ(d_.Wait(10s), 0) << d_.Stderr();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "open streams do not hold the stop";
  for (auto& s : streams) {
    EXPECT_TRUE(s->WaitEnd(2s));
    EXPECT_TRUE(s->ended_cleanly());
  }
}

INSTANTIATE_TEST_SUITE_P(Dialects, LiveStreamLimitsE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
