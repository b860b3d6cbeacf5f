// The listening side of HttpServer: binds, accepts into HttpConnection objects, counts them and
// runs the graceful close. Loop thread only (see http_server.h); the per-connection protocol is in
// daemon/http/http_connection.cpp.
#include "daemon/http/http_server.h"

#include <cassert>
#include <string>
#include <unordered_map>
#include <utility>

#include "daemon/http/http_connection.h"

namespace vigil {
namespace {
constexpr int kBacklog = 511;
}  // namespace

struct HttpServer::Impl {
  enum class ListenerState { kNone, kOpen, kClosing, kClosed };

  uv_loop_t* loop;
  HttpConnectionContext ctx;
  uv_tcp_t listener;
  ListenerState listener_state = ListenerState::kNone;
  int port = 0;
  std::unordered_map<HttpConnection*, std::shared_ptr<HttpConnection>> connections;
  std::function<void()> done;
  bool close_called = false;

  Status InitListener();
  Status StartListening(const char* what);
  void OnConnection(int status);
  void OnConnectionClosed(HttpConnection* connection);
  void MaybeFinishClose();
};

Status HttpServer::Impl::InitListener() {
  if (listener_state != ListenerState::kNone) return Status::Error("http server: already listening");
  if (close_called) return Status::Error("http server: closed");
  int rc = uv_tcp_init(loop, &listener);
  if (rc != 0) return Status::Error(std::string("http server: tcp init: ") + uv_strerror(rc));
  listener.data = this;
  listener_state = ListenerState::kOpen;  // from here on Close() must close the handle
  return Status::Ok();
}

Status HttpServer::Impl::StartListening(const char* what) {
  auto on_connection = [](uv_stream_t* s, int status) {
    static_cast<Impl*>(s->data)->OnConnection(status);
  };
  int rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener), kBacklog, on_connection);
  if (rc != 0) return Status::Error(std::string("http server: listen on ") + what + ": " + uv_strerror(rc));
  sockaddr_storage addr{};
  int len = sizeof(addr);
  uv_tcp_getsockname(&listener, reinterpret_cast<sockaddr*>(&addr), &len);
  if (addr.ss_family == AF_INET) port = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) port = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return Status::Ok();
}

void HttpServer::Impl::OnConnection(int status) {
  if (status < 0) return;  // e.g. EMFILE: the next connection may succeed
  auto connection = std::make_shared<HttpConnection>(loop, &ctx);
  HttpConnection* raw = connection.get();
  connections.emplace(raw, std::move(connection));
  bool accepted = uv_accept(reinterpret_cast<uv_stream_t*>(&listener), raw->stream()) == 0;
  // Over the limit the socket is accepted and closed at once, so the backlog does not fill up.
  if (!accepted || ctx.shutting_down || connections.size() > ctx.limits.max_connections) {
    raw->CloseNow();
    return;
  }
  raw->Start();
}

void HttpServer::Impl::OnConnectionClosed(HttpConnection* connection) {
  connections.erase(connection);
  MaybeFinishClose();
}

void HttpServer::Impl::MaybeFinishClose() {
  if (!close_called || !done) return;
  bool listener_done = listener_state == ListenerState::kNone || listener_state == ListenerState::kClosed;
  if (!listener_done || !connections.empty()) return;
  auto callback = std::move(done);
  done = nullptr;
  callback();
}

HttpServer::HttpServer(uv_loop_t* loop, HttpLimits limits, HttpHandler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->loop = loop;
  impl_->ctx.limits = limits;
  impl_->ctx.handler = std::move(handler);
  impl_->ctx.on_closed = [impl = impl_.get()](HttpConnection* c) { impl->OnConnectionClosed(c); };
}

HttpServer::~HttpServer() {
  assert(impl_->connections.empty() && "HttpServer destroyed before Close() finished");
  assert((impl_->listener_state == Impl::ListenerState::kNone ||
          impl_->listener_state == Impl::ListenerState::kClosed) &&
         "HttpServer destroyed with its listener open");
}

Status HttpServer::Listen(const std::string& host, int port) {
  sockaddr_storage addr{};
  bool v6 = host.find(':') != std::string::npos;
  int rc = v6 ? uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr))
              : uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr));
  std::string where = host + ":" + std::to_string(port);
  if (rc != 0) return Status::Error("http server: bad address " + where);
  if (Status s = impl_->InitListener(); !s.ok()) return s;
  rc = uv_tcp_bind(&impl_->listener, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc != 0) return Status::Error("http server: bind " + where + ": " + uv_strerror(rc));
  return impl_->StartListening(where.c_str());
}

Status HttpServer::ListenFd(int fd) {
  if (Status s = impl_->InitListener(); !s.ok()) return s;
  std::string what = "fd " + std::to_string(fd);
  int rc = uv_tcp_open(&impl_->listener, fd);
  if (rc != 0) return Status::Error("http server: open " + what + ": " + uv_strerror(rc));
  return impl_->StartListening(what.c_str());
}

int HttpServer::port() const { return impl_->port; }

void HttpServer::SetLimits(HttpLimits limits) { impl_->ctx.limits = limits; }

void HttpServer::Close(std::function<void()> done) {
  impl_->close_called = true;
  impl_->ctx.shutting_down = true;
  impl_->done = done ? std::move(done) : [] {};
  if (impl_->listener_state == Impl::ListenerState::kOpen) {
    impl_->listener_state = Impl::ListenerState::kClosing;
    uv_close(reinterpret_cast<uv_handle_t*>(&impl_->listener), [](uv_handle_t* h) {
      auto* impl = static_cast<Impl*>(h->data);
      impl->listener_state = Impl::ListenerState::kClosed;
      impl->MaybeFinishClose();
    });
  }
  // BeginShutdown never frees a connection synchronously (that happens in close callbacks), so
  // iterating the map here is safe.
  for (auto& [raw, connection] : impl_->connections) raw->BeginShutdown();
  impl_->MaybeFinishClose();
}

size_t HttpServer::open_connections() const { return impl_->connections.size(); }

}  // namespace vigil
