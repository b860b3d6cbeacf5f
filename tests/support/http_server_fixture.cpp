#include "tests/support/http_server_fixture.h"

#include <utility>

#include "tests/support/wait_for.h"

namespace vigil::testsupport {

void HttpServerFixture::StartServer(HttpHandler handler, HttpLimits limits, int port) {
  Status status;
  loop_thread_.Run([&] {
    server_ = std::make_unique<HttpServer>(loop(), limits, std::move(handler));
    status = server_->Listen("127.0.0.1", port);
    port_ = server_->port();
  });
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_GT(port_, 0);
}

void HttpServerFixture::BeginClose() {
  close_begun_ = true;
  loop_thread_.Run([this] { server_->Close([this] { closed_ = true; }); });
}

void HttpServerFixture::TearDown() {
  int rc = 0;
  if (server_ == nullptr || close_begun_) {
    // A test that began the close waits for it; the loop then only holds the async handle.
    EXPECT_TRUE(testing::WaitFor([this] { return server_ == nullptr || closed(); }, std::chrono::seconds(3)))
        << "Close() never called done";
    rc = loop_thread_.Stop();
  } else {
    rc = loop_thread_.Stop([this](std::function<void()> done) {
      server_->Close([this, done] {
        closed_ = true;
        done();
      });
    });
  }
  EXPECT_EQ(rc, 0) << "a libuv handle was left open";
  server_.reset();  // the loop thread has ended; nothing else can touch it
}

size_t HttpServerFixture::OpenConnections() {
  size_t n = 0;
  loop_thread_.Run([&] { n = server_->open_connections(); });
  return n;
}

bool HttpServerFixture::WaitForOpenConnections(size_t n, std::chrono::milliseconds timeout) {
  return testing::WaitFor([&] { return OpenConnections() == n; }, timeout, std::chrono::milliseconds(5));
}

void RespondLater(uv_loop_t* loop, uint64_t ms, Responder responder, HttpResponse response) {
  struct Pending {
    uv_timer_t timer;
    Responder responder;
    HttpResponse response;
  };
  auto* pending = new Pending{{}, std::move(responder), std::move(response)};
  uv_timer_init(loop, &pending->timer);
  pending->timer.data = pending;
  uv_timer_start(&pending->timer, [](uv_timer_t* t) {
    auto* p = static_cast<Pending*>(t->data);
    p->responder(std::move(p->response));
    uv_close(reinterpret_cast<uv_handle_t*>(t), [](uv_handle_t* h) { delete static_cast<Pending*>(h->data); });
  }, ms, 0);
}

}  // namespace vigil::testsupport
