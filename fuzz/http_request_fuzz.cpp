// Bytes from a client through the HTTP server (daemon/http_server.h: llhttp, HttpConnection,
// http_wire) and the router (daemon/router.h), over a real loopback TCP connection: the input is
// written as one client's byte stream (pipelined requests, chunked bodies, garbage), the client
// half-closes, and the server answers and closes. Routes answer at once, later (on the next loop
// turn), or throw.
// Besides not crashing: the server closes every connection it accepts, and what it sends parses as
// a sequence of HTTP/1.1 responses with valid status codes (checked when no request can be HEAD,
// whose responses announce a body they do not carry).
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <llhttp.h>
#include <uv.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdint>
#include <memory>
#include <string>

#include "daemon/http/http_server.h"
#include "daemon/http/router.h"
#include "fuzz/fuzz_input.h"

namespace {

using vigil::HttpRequest;
using vigil::HttpResponse;
using vigil::Responder;

vigil::Router MakeRouter(uv_loop_t* loop) {
  vigil::Router router;
  router.Add("GET", "/healthz", [](HttpRequest&&, Responder respond) { respond(HttpResponse::Text(200, "ok\n")); });
  router.Add("POST", "/hooks/*", [](HttpRequest&& req, Responder respond) {
    respond(HttpResponse::Json(202, "{\"bytes\":" + std::to_string(req.body.size()) + "}"));
  });
  router.Add("GET", "/api/v1/*", [loop](HttpRequest&& req, Responder respond) {  // answers on the next loop turn
    auto* timer = new uv_timer_t;
    uv_timer_init(loop, timer);
    timer->data = new Responder([respond = std::move(respond), path = req.path](HttpResponse) {
      respond(HttpResponse::Json(200, "{\"path_bytes\":" + std::to_string(path.size()) + "}"));
    });
    uv_timer_start(timer, [](uv_timer_t* t) {
      auto* answer = static_cast<Responder*>(t->data);
      (*answer)(HttpResponse{});
      delete answer;
      uv_close(reinterpret_cast<uv_handle_t*>(t), [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
    }, 0, 0);
  });
  router.Add("PATCH", "/api/v1/*", [](HttpRequest&&, Responder respond) {
    auto r = HttpResponse::Text(204, "");
    r.headers.emplace_back("Connection", "close");
    respond(std::move(r));
  });
  router.Add("DELETE", "/boom", [](HttpRequest&&, Responder) { throw std::runtime_error("handler failed"); });
  return router;
}

struct Server {
  uv_loop_t loop;
  std::unique_ptr<vigil::Router> router;
  std::unique_ptr<vigil::HttpServer> http;

  Server() {
    uv_loop_init(&loop);
    router = std::make_unique<vigil::Router>(MakeRouter(&loop));
    vigil::HttpLimits limits;
    limits.max_header_bytes = 2048;
    limits.max_body_bytes = 8192;
    http = std::make_unique<vigil::HttpServer>(&loop, limits, [this](HttpRequest&& req, Responder respond) {
      router->Handle(std::move(req), std::move(respond));
    });
    if (!http->Listen("127.0.0.1", 0).ok()) std::abort();
  }
};

// Non-blocking from the start: libFuzzer's SIGALRM (its -timeout watchdog) interrupts a blocking
// connect with EINTR, which once passed for a failure of the server.
int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  VIGIL_FUZZ_CHECK(fd >= 0, "socket: %s", std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    VIGIL_FUZZ_CHECK(errno == EINPROGRESS || errno == EINTR, "connect: %s", std::strerror(errno));
    pollfd p{fd, POLLOUT, 0};
    int ready;
    while ((ready = poll(&p, 1, 10000)) < 0 && errno == EINTR) {
    }
    int error = 0;
    socklen_t len = sizeof error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
    VIGIL_FUZZ_CHECK(ready == 1 && error == 0, "connect: %s", ready == 1 ? std::strerror(error) : "no answer in 10 s");
  }
  linger lin{1, 0};  // close with a reset: no TIME_WAIT per input, so ports do not run out
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
  return fd;
}

// Writes `input`, half-closes, and collects the answer until the server closes; the loop runs
// in between. Gives up (a hang) after 10 s.
std::string Exchange(Server& s, std::string_view input) {
  int fd = Connect(s.http->port());
  std::string answer;
  size_t sent = 0;
  bool half_closed = false, eof = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!eof || s.http->open_connections() > 0) {
    VIGIL_FUZZ_CHECK(std::chrono::steady_clock::now() < deadline, "the exchange did not finish in 10 s");
    uv_run(&s.loop, UV_RUN_NOWAIT);
    if (sent < input.size()) {
      ssize_t n = send(fd, input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN) sent = input.size();  // the server closed: the rest goes nowhere
    } else if (!half_closed) {
      shutdown(fd, SHUT_WR);
      half_closed = true;
    }
    char buf[16384];
    ssize_t n = eof ? -1 : recv(fd, buf, sizeof(buf), 0);
    if (n > 0) answer.append(buf, static_cast<size_t>(n));
    if (n == 0 || (n < 0 && errno != EAGAIN)) eof = true;
  }
  close(fd);
  return answer;
}

int CountResponse(llhttp_t* p) {
  ++*static_cast<int*>(p->data);
  return 0;
}

void CheckResponses(const std::string& answer) {
  llhttp_settings_t settings;
  llhttp_settings_init(&settings);
  settings.on_message_complete = CountResponse;
  llhttp_t parser;
  llhttp_init(&parser, HTTP_RESPONSE, &settings);
  int responses = 0;
  parser.data = &responses;
  llhttp_errno_t err = llhttp_execute(&parser, answer.data(), answer.size());
  VIGIL_FUZZ_CHECK(err == HPE_OK, "the server's bytes are not HTTP responses: %s (%s)", llhttp_errno_name(err),
                   llhttp_get_error_reason(&parser));
  VIGIL_FUZZ_CHECK(answer.empty() || responses > 0, "bytes without a complete response");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Server* server = new Server;  // lives as long as the process: never closed, never destroyed
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string answer = Exchange(*server, input);
  if (input.find("HEAD") == std::string_view::npos) CheckResponses(answer);
  return 0;
}
