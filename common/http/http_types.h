// Plain request/response values shared by the HTTP server, the router and handlers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil {

struct HttpRequest {
  std::string method;     // "GET", "POST", ...
  std::string target;     // raw request target: "/hooks/gh?x=1"
  std::string path;       // target up to '?', percent-decoding not applied
  std::string query;      // after '?', without it; empty if none
  std::vector<std::pair<std::string, std::string>> headers;  // names as received
  std::string body;
  std::string remote_addr;  // peer IP as text ("127.0.0.1", "::1")

  // First header with this name, compared case-insensitively; nullptr if absent.
  const std::string* Header(std::string_view name) const;
};

// The writing end of a response sent in pieces (text/event-stream). The server hands it to
// HttpStreamHandlers::on_open once the head is written. Loop thread only.
class HttpStream {
 public:
  virtual ~HttpStream() = default;
  // Queues `bytes` for the client. False when the stream has ended: the client went away, let more
  // than the server's bound of bytes pile up unread (it is then disconnected), or the server stops.
  virtual bool Write(std::string_view bytes) = 0;
  // Ends the response cleanly; the connection closes once the end is written. Idempotent.
  virtual void End() = 0;
};

// What a streamed response does with its stream. Both are called on the loop thread.
struct HttpStreamHandlers {
  std::function<void(std::shared_ptr<HttpStream>)> on_open;  // head written; keep the stream to write
  std::function<void()> on_close;  // the stream ended, whatever the reason; called once, even unopened
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set: the body is not `body` but what is written to the stream until it ends (HttpServer frames
  // it chunked for HTTP/1.1 and closes the connection after it).
  std::shared_ptr<HttpStreamHandlers> stream;

  static HttpResponse Text(int status, std::string body);
  static HttpResponse Json(int status, std::string body);
};

// Answers a request. Must be called exactly once, on the loop thread; it may be called after the
// handler has returned (a webhook answers once its event is committed).
using Responder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest&&, Responder)>;

const char* HttpReasonPhrase(int status);

}  // namespace vigil
