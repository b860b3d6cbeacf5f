// HttpServer protocol behaviour over a real loopback socket: request parsing, keep-alive,
// pipelining, asynchronous responders and their safety after a disconnect.
#include "daemon/http/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/support/http_server_fixture.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testsupport::HttpServerFixture;
using testsupport::MakeRequest;
using testsupport::RawHttpClient;
using testsupport::RespondLater;

using HttpServerTest = HttpServerFixture;

// Answers with the parts of the request the server collected, one per line.
void EchoRequest(HttpRequest&& req, Responder respond) {
  std::string out = req.method + "\n" + req.target + "\n" + req.path + "\n" + req.query + "\n" +
                    req.remote_addr + "\n";
  for (const auto& [name, value] : req.headers) out += name + "=" + value + "\n";
  out += "body=" + req.body;
  respond(HttpResponse::Text(200, out));
}

TEST_F(HttpServerTest, SimpleGetCollectsMethodTargetHeadersAndPeer) {
  StartServer(EchoRequest);
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send("GET /hooks/gh?x=1&y=2 HTTP/1.1\r\nHost: a\r\nX-Hub-Signature: s1\r\n\r\n"));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET\n/hooks/gh?x=1&y=2\n/hooks/gh\nx=1&y=2\n127.0.0.1\nHost=a\nX-Hub-Signature=s1\nbody=");
  EXPECT_EQ(r->HeaderValue("Content-Length"), std::to_string(r->body.size()));
  EXPECT_EQ(r->Header("Connection"), nullptr);
}

TEST_F(HttpServerTest, PostBodyReachesHandler) {
  StartServer(EchoRequest);
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/in", "{\"a\":1}")));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_NE(r->body.find("POST\n/in\n"), std::string::npos);
  EXPECT_NE(r->body.find("body={\"a\":1}"), std::string::npos);
}

TEST_F(HttpServerTest, ChunkedBodyIsReassembled) {
  StartServer(EchoRequest);
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5\r\nhello\r\n"));
  std::this_thread::sleep_for(20ms);  // a stimulus, a pause in the body: the rest arrives in a later read
  ASSERT_TRUE(client.Send("7\r\n, world\r\n0\r\n\r\n"));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("body=hello, world"), std::string::npos) << r->body;
}

TEST_F(HttpServerTest, KeepAliveServesSequentialRequestsOnOneSocket) {
  StartServer(EchoRequest);
  RawHttpClient client(port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Send(MakeRequest("GET", "/n" + std::to_string(i))));
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.has_value()) << "request " << i;
    EXPECT_NE(r->body.find("/n" + std::to_string(i) + "\n"), std::string::npos);
  }
  EXPECT_EQ(OpenConnections(), 1u);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrderOneAtATime) {
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  StartServer([&](HttpRequest&& req, Responder respond) {
    max_in_flight = std::max(max_in_flight.load(), ++in_flight);
    // The first answers late; if the second were handled meanwhile, it would overtake it.
    uint64_t delay = req.path == "/first" ? 50 : 0;
    Responder wrapped = [&in_flight, respond](HttpResponse r) {
      --in_flight;
      respond(std::move(r));
    };
    RespondLater(loop(), delay, wrapped, HttpResponse::Text(200, req.path));
  });
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/first") + MakeRequest("POST", "/second", "xy")));
  auto first = client.ReadResponse();
  auto second = client.ReadResponse();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->body, "/first");
  EXPECT_EQ(second->body, "/second");
  EXPECT_EQ(max_in_flight.load(), 1);
}

TEST_F(HttpServerTest, AsyncResponderAnswersAfterHandlerReturned) {
  StartServer([&](HttpRequest&&, Responder respond) {
    RespondLater(loop(), 50, std::move(respond), HttpResponse::Json(202, "{}"));
  });
  RawHttpClient client(port());
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/")));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 45ms);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, "{}");
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  StartServer(EchoRequest);
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/", {}, "Connection: close\r\n")));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->HeaderValue("Connection"), "close");
  EXPECT_TRUE(client.IsClosedByPeer(2s));
}

TEST_F(HttpServerTest, Http10ClosesUnlessKeepAliveAsked) {
  StartServer(EchoRequest);
  RawHttpClient plain(port());
  ASSERT_TRUE(plain.Send("GET / HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(plain.ReadResponse().has_value());
  EXPECT_TRUE(plain.IsClosedByPeer(2s));

  RawHttpClient keep(port());
  ASSERT_TRUE(keep.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto r = keep.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->HeaderValue("Connection"), "keep-alive");
  ASSERT_TRUE(keep.Send("GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  EXPECT_TRUE(keep.ReadResponse().has_value());
}

TEST_F(HttpServerTest, HeadResponseHasLengthButNoBody) {
  StartServer([](HttpRequest&&, Responder respond) { respond(HttpResponse::Text(200, "12345")); });
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("HEAD", "/") + MakeRequest("GET", "/")));
  auto head = client.ReadResponse(5s, /*to_head_request=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->HeaderValue("Content-Length"), "5");
  auto get = client.ReadResponse();  // had HEAD sent a body, this would start inside it
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "12345");
}

TEST_F(HttpServerTest, NoContentAndNotModifiedGoWithoutBodyOrBodyHeaders) {
  StartServer([](HttpRequest&& req, Responder respond) {
    int status = req.path == "/204" ? 204 : req.path == "/304" ? 304 : 200;
    respond(HttpResponse::Json(status, "{\"ignored\":true}"));
  });
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/204", "{}") + MakeRequest("GET", "/304") + MakeRequest("GET", "/200")));
  for (int status : {204, 304}) {
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.has_value()) << status;
    EXPECT_EQ(r->status, status);
    EXPECT_EQ(r->Header("Content-Type"), nullptr) << status;
    EXPECT_EQ(r->Header("Content-Length"), nullptr) << status;
  }
  auto ok = client.ReadResponse();  // had either sent a body, this would start inside it
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->HeaderValue("Content-Type"), "application/json");
  EXPECT_EQ(ok->body, "{\"ignored\":true}");
}

TEST_F(HttpServerTest, MalformedRequestGets400AndClose) {
  std::atomic<int> calls{0};
  StartServer([&](HttpRequest&&, Responder respond) {
    ++calls;
    respond(HttpResponse::Text(200, "x"));
  });
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nBad Header Line\r\n\r\n"));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->HeaderValue("Connection"), "close");
  EXPECT_TRUE(client.IsClosedByPeer(2s));
  EXPECT_EQ(calls.load(), 0);
}

TEST_F(HttpServerTest, HandlerExceptionBecomes500) {
  StartServer([](HttpRequest&&, Responder) { throw std::runtime_error("boom"); });
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/")));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 500);
}

TEST_F(HttpServerTest, ResponderAfterClientResetIsHarmless) {
  Responder saved;  // touched on the loop thread only
  std::atomic<bool> handled{false};
  StartServer([&](HttpRequest&& req, Responder respond) {
    if (req.path == "/later") {
      saved = std::move(respond);
      handled = true;
      return;
    }
    respond(HttpResponse::Text(200, "alive"));
  });
  {
    RawHttpClient client(port());
    ASSERT_TRUE(client.Send(MakeRequest("GET", "/later")));
    ASSERT_TRUE(testing::WaitFor([&] { return handled.load(); }, 1s, 5ms));
    client.Reset();
  }
  ASSERT_TRUE(WaitForOpenConnections(0));
  loop_thread_.Run([&] {
    saved(HttpResponse::Text(200, "too late"));
    saved(HttpResponse::Text(200, "twice"));  // a second call is ignored too
    saved = nullptr;
  });
  RawHttpClient next(port());
  ASSERT_TRUE(next.Send(MakeRequest("GET", "/")));
  auto r = next.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "alive");
}

TEST_F(HttpServerTest, ResponderAfterClientCloseIsHarmless) {
  Responder saved;
  std::atomic<bool> handled{false};
  StartServer([&](HttpRequest&&, Responder respond) {
    saved = std::move(respond);
    handled = true;
  });
  {
    RawHttpClient client(port());
    ASSERT_TRUE(client.Send(MakeRequest("GET", "/later")));
    ASSERT_TRUE(testing::WaitFor([&] { return handled.load(); }, 1s, 5ms));
  }  // FIN: the server keeps the half-closed connection until the response
  std::this_thread::sleep_for(20ms);  // a stimulus: the response comes 20 ms after the FIN
  loop_thread_.Run([&] {
    saved(HttpResponse::Text(200, "late"));
    saved = nullptr;
  });
  EXPECT_TRUE(WaitForOpenConnections(0));
}

}  // namespace
}  // namespace vigil
