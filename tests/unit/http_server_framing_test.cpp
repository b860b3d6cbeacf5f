// HttpServer's strictness at the edge (RFC 9112): chunk framing, the Host header, header names, and
// the shape of a refusal under the JSON APIs. Each refused request is answered, closed, and never
// reaches the handler.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "daemon/http/http_server.h"
#include "tests/support/http_server_fixture.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testsupport::HttpServerFixture;
using testsupport::MakeRequest;
using testsupport::RawHttpClient;

class HttpServerFramingTest : public HttpServerFixture {
 protected:
  void SetUp() override {
    HttpLimits limits;
    limits.max_header_bytes = 1024;
    StartServer([this](HttpRequest&& req, Responder respond) {
      ++calls_;
      respond(HttpResponse::Text(200, "body=" + req.body));
    }, limits);
  }
  // Sends `bytes` on a fresh connection; the answer, which must come with Connection: close and
  // be followed by the server closing, when `refused`.
  std::optional<testsupport::RawHttpResponse> Exchange(const std::string& bytes, bool refused) {
    RawHttpClient client(port());
    EXPECT_TRUE(client.Send(bytes));
    auto r = client.ReadResponse();
    if (r && refused) {
      EXPECT_EQ(r->HeaderValue("Connection"), "close");
      EXPECT_TRUE(client.IsClosedByPeer(2s));
    }
    return r;
  }
  std::atomic<int> calls_{0};
};

const char kChunkedHead[] = "POST /in HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

TEST_F(HttpServerFramingTest, ChunkDataNotFollowedByCrlfIs400) {
  auto r = Exchange(std::string(kChunkedHead) + "7\r\n{\"a\":1}XX0\r\n\r\n", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerFramingTest, ChunkDataFollowedByABareLfIs400) {
  auto r = Exchange(std::string(kChunkedHead) + "7\r\n{\"a\":1}\n0\r\n\r\n", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerFramingTest, ChunkCrlfSplitAcrossReadsIsAccepted) {
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(std::string(kChunkedHead) + "7\r\n{\"a\":1}\r"));
  std::this_thread::sleep_for(20ms);  // a stimulus, a pause mid-CRLF: the LF arrives in a later read
  ASSERT_TRUE(client.Send("\n0\r\n\r\n"));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "body={\"a\":1}");
}

TEST_F(HttpServerFramingTest, Http11WithoutHostIs400) {
  auto r = Exchange("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerFramingTest, TwoHostHeadersAre400) {
  auto r = Exchange("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerFramingTest, EmptyHeaderNameIs400) {
  auto r = Exchange("GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerFramingTest, EmptyHeaderNameFirstIs400) {
  auto r = Exchange("GET / HTTP/1.1\r\n: empty\r\nHost: a\r\n\r\n", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerFramingTest, Http10WithoutHostIsServed) {
  auto r = Exchange("GET / HTTP/1.0\r\n\r\n", false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(calls_.load(), 1);
}

TEST_F(HttpServerFramingTest, RefusalUnderTheApiIsJson) {
  auto r = Exchange(MakeRequest("GET", "/api/v1/events", {}, "X-Big: " + std::string(2000, 'a') + "\r\n"), true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->HeaderValue("Content-Type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(r->body, nullptr, false), nlohmann::json({{"error", "request header fields too large"}}));
}

TEST_F(HttpServerFramingTest, RefusalUnderHooksIsJson) {
  auto r = Exchange("POST /hooks/gh HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(nlohmann::json::parse(r->body, nullptr, false), nlohmann::json({{"error", "bad request"}}));
}

TEST_F(HttpServerFramingTest, RefusalElsewhereIsPlainText) {
  auto r = Exchange(MakeRequest("GET", "/metrics", {}, "X-Big: " + std::string(2000, 'a') + "\r\n"), true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->body, "Request Header Fields Too Large\n");
}

}  // namespace
}  // namespace vigil
