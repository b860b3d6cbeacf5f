// HttpServer: HTTP/1.1 on libuv TCP, parsed with llhttp.
//
// Threads: everything here runs on the loop thread that owns `loop`; no method may be called
// from another thread. Handlers receive a Responder they may call later, on the loop thread.
// One request is handled at a time per connection (pipelined requests wait their turn).
//
// Protocol: keep-alive by default for HTTP/1.1, for HTTP/1.0 only with "Connection: keep-alive";
// chunked request bodies are collected whole. Every response carries Content-Length (none for 1xx
// and 204) and "Connection: close" when the server closes after it. Refusals close the connection:
// 400 malformed (framing is strict: chunk data not followed by CRLF, a CR without LF, an empty
// header name, an HTTP/1.1 request without exactly one Host header), 408 head or body too slow
// (when some of the request had arrived), 413 body too large (by Content-Length up front or while
// chunks arrive), 431 head too large, 500 handler threw. Under /api/ and /hooks/ a refusal's body
// is JSON ({"error": "bad request"}), as every other answer there; elsewhere plain text.
// "Expect: 100-continue" is answered with 100 Continue before the body is read.
// A response with `stream` set (HttpResponse::stream: the live stream's Server-Sent Events) is
// written in pieces as the handler writes them, chunked, and closes the connection when it ends;
// a client that lets more than 1 MiB of it pile up unread is disconnected; Close ends such
// responses at once (their last chunk) instead of waiting for them.
//
// Responder safety: a Responder called after its connection closed, or called twice, does nothing.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/http/http_types.h"
#include "common/status.h"

namespace vigil {

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;      // request line + headers; past it: 431
  size_t max_body_bytes = 1024 * 1024;      // past it: 413
  uint64_t header_timeout_ms = 10000;       // whole request line + headers must arrive in this; else dropped
  uint64_t body_timeout_ms = 30000;         // body must arrive within this once headers are in
  uint64_t keepalive_timeout_ms = 60000;    // idle keep-alive connection closed after this
  size_t max_connections = 4096;
};

class HttpServer {
 public:
  HttpServer(uv_loop_t* loop, HttpLimits limits, HttpHandler handler);
  ~HttpServer();  // the server must have been closed (Close) and the loop run until done
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens on host:port ("127.0.0.1", 8470; port 0 picks a free one).
  Status Listen(const std::string& host, int port);
  // Listens on an already-bound (or listening) TCP socket fd (systemd socket activation).
  // Listen/ListenFd may succeed once per server; after an error call Close as usual.
  Status ListenFd(int fd);
  // The port actually bound (useful after Listen with port 0).
  int port() const;

  // Per-request limits may be changed at runtime (reload); applies to new requests.
  void SetLimits(HttpLimits limits);

  // Stops accepting, closes idle connections, lets in-flight requests finish (responses to them
  // are still written), then closes everything and calls `done` on the loop thread (at once if
  // nothing was open). Call once. In-flight connections close right after their response.
  void Close(std::function<void()> done);

  size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil
