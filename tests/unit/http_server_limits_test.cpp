// HttpServer under hostile or unlucky clients: size limits, timeouts, connection limit,
// 100-continue, and the graceful close with a request in flight. Limits are small so the tests
// run fast; timing assertions leave wide margins for a loaded machine.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "daemon/http/http_server.h"
#include "tests/support/http_server_fixture.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testsupport::HttpServerFixture;
using testsupport::MakeRequest;
using testsupport::RawHttpClient;
using testsupport::RespondLater;

class HttpServerLimitsTest : public HttpServerFixture {
 protected:
  // Starts a server that counts handler calls and answers 200 "ok".
  void StartCounting(HttpLimits limits) {
    StartServer([this](HttpRequest&&, Responder respond) {
      ++calls_;
      respond(HttpResponse::Text(200, "ok"));
    }, limits);
  }
  static HttpLimits Small() {
    HttpLimits l;
    l.max_header_bytes = 1024;
    l.max_body_bytes = 100;
    l.header_timeout_ms = 200;
    l.body_timeout_ms = 200;
    l.keepalive_timeout_ms = 200;
    return l;
  }
  std::atomic<int> calls_{0};
};

TEST_F(HttpServerLimitsTest, OversizedHeaderGets431AndClose) {
  StartCounting(Small());
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/", {}, "X-Big: " + std::string(2000, 'a') + "\r\n")));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->HeaderValue("Connection"), "close");
  EXPECT_TRUE(client.IsClosedByPeer(2s));
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerLimitsTest, HeaderJustUnderLimitIsAccepted) {
  StartCounting(Small());
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/", {}, "X-Big: " + std::string(900, 'a') + "\r\n")));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerLimitsTest, OversizedContentLengthGets413BeforeBody) {
  StartCounting(Small());
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n"));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(client.IsClosedByPeer(2s));
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerLimitsTest, OversizedChunkedBodyGets413) {
  StartCounting(Small());
  RawHttpClient client(port());
  std::string chunk = "32\r\n" + std::string(50, 'z') + "\r\n";  // 50 bytes per chunk
  ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk));
  ASSERT_TRUE(client.Send(chunk + "0\r\n\r\n"));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(client.IsClosedByPeer(2s));
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerLimitsTest, ExpectContinueGets100ThenFinalResponse) {
  StartCounting(Small());
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  auto interim = client.ReadResponse();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.Send("data"));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerLimitsTest, ExpectContinueWithOversizedLengthGets413) {
  StartCounting(Small());
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n"));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerLimitsTest, SlowHeadIsDroppedAfterHeaderTimeout) {
  StartCounting(Small());
  RawHttpClient client(port());
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: "));
  auto r = client.ReadResponse(3s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE(client.IsClosedByPeer(2s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 190ms);
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerLimitsTest, SilentConnectionIsDroppedAfterHeaderTimeout) {
  StartCounting(Small());
  RawHttpClient client(port());
  EXPECT_TRUE(client.IsClosedByPeer(3s));
}

TEST_F(HttpServerLimitsTest, StalledBodyIsDroppedAfterBodyTimeout) {
  StartCounting(Small());
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"));
  auto r = client.ReadResponse(3s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE(client.IsClosedByPeer(2s));
}

TEST_F(HttpServerLimitsTest, IdleKeepAliveConnectionIsDropped) {
  StartCounting(Small());
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/")));
  ASSERT_TRUE(client.ReadResponse().has_value());
  auto idle_start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.IsClosedByPeer(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - idle_start, 150ms);
  EXPECT_TRUE(WaitForOpenConnections(0));
}

TEST_F(HttpServerLimitsTest, ConnectionsBeyondMaxAreClosed) {
  HttpLimits limits = Small();
  limits.max_connections = 1;
  limits.header_timeout_ms = 5000;
  StartCounting(limits);
  RawHttpClient first(port());
  ASSERT_TRUE(WaitForOpenConnections(1));
  RawHttpClient second(port());
  EXPECT_TRUE(second.IsClosedByPeer(2s));
  ASSERT_TRUE(first.Send(MakeRequest("GET", "/")));
  auto r = first.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerLimitsTest, SetLimitsAppliesToNewRequests) {
  StartCounting(Small());
  HttpLimits bigger = Small();
  bigger.max_body_bytes = 1000;
  loop_thread_.Run([&] { server_->SetLimits(bigger); });
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/", std::string(500, 'b'))));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerLimitsTest, CloseDeliversInFlightResponseThenCallsDone) {
  std::atomic<bool> handled{false};
  StartServer([&](HttpRequest&&, Responder respond) {
    handled = true;
    RespondLater(loop(), 50, std::move(respond), HttpResponse::Text(200, "finished"));
  });
  RawHttpClient busy(port());
  RawHttpClient idle(port());
  ASSERT_TRUE(busy.Send(MakeRequest("GET", "/slow")));
  ASSERT_TRUE(testing::WaitFor([&] { return handled.load(); }, 1s, 5ms));
  ASSERT_TRUE(WaitForOpenConnections(2));
  BeginClose();
  EXPECT_FALSE(closed());  // the in-flight request holds the close open
  EXPECT_TRUE(idle.IsClosedByPeer(2s));
  auto r = busy.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "finished");
  EXPECT_EQ(r->HeaderValue("Connection"), "close");
  EXPECT_TRUE(busy.IsClosedByPeer(2s));
  EXPECT_TRUE(testing::WaitFor([&] { return closed(); }, 1s, 5ms));
  RawHttpClient late(port());
  EXPECT_FALSE(late.connected() && late.Send(MakeRequest("GET", "/")) && late.ReadResponse(500ms));
}

}  // namespace
}  // namespace vigil
