// HttpServerFixture: a GoogleTest fixture that runs an HttpServer on 127.0.0.1 (free port) on a
// LoopThread, and at teardown closes it and checks that no libuv handle or thread is left
// (uv_loop_close returns 0). RespondLater answers a request from a loop timer, as an
// asynchronous handler would.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "daemon/http/http_server.h"
#include "tests/support/http_test_client.h"
#include "tests/support/loop_thread.h"

namespace vigil::testsupport {

class HttpServerFixture : public ::testing::Test {
 protected:
  void TearDown() override;

  // Creates the server on the loop thread and listens on 127.0.0.1:`port` (0: a free port); the
  // port is in port().
  void StartServer(HttpHandler handler, HttpLimits limits = {}, int port = 0);
  int port() const { return port_; }
  uv_loop_t* loop() { return loop_thread_.loop(); }

  // Closes the server now (on the loop) without waiting; `closed()` turns true when done ran.
  void BeginClose();
  bool closed() const { return closed_.load(); }

  size_t OpenConnections();
  // Waits (testing::WaitFor) until OpenConnections() equals `n` or the timeout passes.
  bool WaitForOpenConnections(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(3));

  LoopThread loop_thread_;
  std::unique_ptr<HttpServer> server_;

 private:
  int port_ = 0;
  bool close_begun_ = false;
  std::atomic<bool> closed_{false};
};

// Calls `responder(response)` after `ms` milliseconds, from a timer on `loop` (loop thread only).
void RespondLater(uv_loop_t* loop, uint64_t ms, Responder responder, HttpResponse response);

}  // namespace vigil::testsupport
