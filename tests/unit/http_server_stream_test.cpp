// Streamed responses of HttpServer (HttpResponse::stream) on a real loopback socket: chunked
// framing and a clean end, the handler told when the client goes away, a client that reads
// nothing dropped past the bound instead of buffered without end, and a server close that ends
// open streams at once.
#include <gtest/gtest.h>

#include <atomic>

#include "tests/support/http_server_fixture.h"
#include "tests/support/sse_test_client.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testsupport::HttpServerFixture;
using testsupport::MakeRequest;
using testsupport::RawHttpClient;
using testsupport::SseTestClient;

class HttpServerStreamTest : public HttpServerFixture {
 protected:
  // Answers every request with a stream; `on_open` runs with it on the loop.
  void StartStreaming(std::function<void(std::shared_ptr<HttpStream>)> on_open) {
    StartServer([this, on_open](HttpRequest&&, Responder respond) {
      HttpResponse res;
      res.headers.emplace_back("Content-Type", "text/event-stream");
      res.stream = std::make_shared<HttpStreamHandlers>();
      res.stream->on_open = [this, on_open](std::shared_ptr<HttpStream> s) {
        stream_ = s;
        on_open(s);
      };
      res.stream->on_close = [this] { closed_calls_++; };
      respond(std::move(res));
    });
  }

  std::shared_ptr<HttpStream> stream_;  // loop thread
  std::atomic<int> closed_calls_{0};
};

TEST_F(HttpServerStreamTest, PiecesAreChunkedAndTheEndIsTheLastChunk) {
  StartStreaming([](std::shared_ptr<HttpStream> s) {
    EXPECT_TRUE(s->Write("data: one\n\n"));
    EXPECT_TRUE(s->Write(""));
    EXPECT_TRUE(s->Write("data: two\n\n"));
    s->End();
    EXPECT_FALSE(s->Write("late")) << "nothing after the end";
  });
  RawHttpClient c(port());
  c.Send(MakeRequest("GET", "/stream"));
  auto r = c.ReadResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->HeaderValue("Transfer-Encoding"), "chunked");
  EXPECT_EQ(r->HeaderValue("Connection"), "close");
  EXPECT_EQ(r->Header("Content-Length"), nullptr);
  EXPECT_EQ(r->body, "data: one\n\ndata: two\n\n");
  EXPECT_TRUE(c.IsClosedByPeer(5s));
  EXPECT_TRUE(testing::WaitFor([&] { return closed_calls_ == 1; }, 3s));
}

TEST_F(HttpServerStreamTest, AnHttp10ClientGetsABodyEndedByTheClose) {
  StartStreaming([](std::shared_ptr<HttpStream> s) {
    s->Write("data: x\n\n");
    s->End();
  });
  RawHttpClient c(port());
  c.Send("GET /stream HTTP/1.0\r\n\r\n");
  auto r = c.ReadResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("Transfer-Encoding"), nullptr);
  EXPECT_EQ(r->body, "data: x\n\n");
}

TEST_F(HttpServerStreamTest, TheHandlerHearsWhenTheClientGoesAway) {
  StartStreaming([](std::shared_ptr<HttpStream> s) { s->Write(": hello\n\n"); });
  {
    SseTestClient c(port(), "/stream", "");
    ASSERT_EQ(c.ReadHead(5s), 200);
    ASSERT_TRUE(c.Next(5s));
  }
  ASSERT_TRUE(testing::WaitFor([&] { return closed_calls_ == 1; }, 3s));
  bool wrote = true;
  loop_thread_.Run([&] { wrote = stream_->Write("more"); });
  EXPECT_FALSE(wrote);
  EXPECT_TRUE(WaitForOpenConnections(0));
}

TEST_F(HttpServerStreamTest, AClientThatReadsNothingIsDroppedPastTheBound) {
  constexpr size_t kPiece = 64 * 1024;
  constexpr size_t kMostPieces = 1024;  // 64 MiB: far past the socket buffers and the bound
  std::atomic<size_t> accepted{0};
  StartStreaming([&](std::shared_ptr<HttpStream> s) {
    std::string piece(kPiece, 'x');
    size_t n = 0;
    while (n < kMostPieces && s->Write(piece)) ++n;
    accepted = n;
  });
  RawHttpClient c(port());
  c.Send(MakeRequest("GET", "/stream"));
  ASSERT_TRUE(testing::WaitFor([&] { return closed_calls_ == 1; }, 5s)) << "dropped, not buffered";
  EXPECT_LT(accepted.load(), kMostPieces);
  EXPECT_TRUE(WaitForOpenConnections(0));
}

TEST_F(HttpServerStreamTest, ClosingTheServerEndsOpenStreamsAtOnce) {
  StartStreaming([](std::shared_ptr<HttpStream> s) { s->Write(": open\n\n"); });
  SseTestClient a(port(), "/stream", ""), b(port(), "/stream", "");
  ASSERT_EQ(a.ReadHead(5s), 200);
  ASSERT_EQ(b.ReadHead(5s), 200);
  ASSERT_TRUE(a.Next(5s) && b.Next(5s));
  BeginClose();
  EXPECT_TRUE(testing::WaitFor([&] { return closed(); }, 3s));
  EXPECT_TRUE(a.WaitEnd(3s) && a.ended_cleanly());
  EXPECT_TRUE(b.WaitEnd(3s) && b.ended_cleanly());
  EXPECT_EQ(closed_calls_, 2);
}

}  // namespace
}  // namespace vigil
