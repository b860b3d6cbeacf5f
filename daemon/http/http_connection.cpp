#include "daemon/http/http_connection.h"

#include <algorithm>
#include <new>
#include <utility>

#include "daemon/http/http_wire.h"

namespace vigil {
namespace {

// How long a closing connection keeps discarding input after its last response, so the peer
// reads that response before the socket goes away.
constexpr uint64_t kLingerMs = 2000;
// Per header line: ": " and CRLF; per request line: spaces, version and CRLF.
constexpr size_t kHeaderLineOverhead = 4;
constexpr size_t kRequestLineOverhead = 12;
// Initial body reservation is capped so a large Content-Length alone cannot claim memory.
constexpr size_t kMaxBodyReserve = 64 * 1024;
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

HttpConnection* Of(llhttp_t* p) { return static_cast<HttpConnection*>(p->data); }

}  // namespace

// llhttp calls C function pointers; no exception may cross them, so every one that allocates
// catches and turns the failure into a 500.
struct HttpParserCallbacks {
  template <class F>
  static int Guard(llhttp_t* p, F&& f) {
    try {
      return f(Of(p));
    } catch (...) {
      Of(p)->error_status_ = 500;
      return HPE_USER;
    }
  }
  static int OnMessageBegin(llhttp_t* p) { return Of(p)->BeginMessage(); }
  static int OnUrl(llhttp_t* p, const char* at, size_t len) {
    return Guard(p, [&](HttpConnection* c) {
      c->request_.target.append(at, len);
      return c->CountHeadBytes(len);
    });
  }
  static int OnHeaderField(llhttp_t* p, const char* at, size_t len) {
    return Guard(p, [&](HttpConnection* c) {
      auto& headers = c->request_.headers;
      if (!c->field_open_) headers.emplace_back();
      c->field_open_ = true;
      headers.back().first.append(at, len);
      return c->CountHeadBytes(len);
    });
  }
  static int OnHeaderFieldComplete(llhttp_t* p) {
    HttpConnection* c = Of(p);
    if (!c->field_open_ || c->request_.headers.back().first.empty()) return c->Refuse(400);  // ": value"
    c->field_open_ = false;
    return c->CountHeadBytes(kHeaderLineOverhead);
  }
  static int OnHeaderValue(llhttp_t* p, const char* at, size_t len) {
    return Guard(p, [&](HttpConnection* c) {
      c->request_.headers.back().second.append(at, len);
      return c->CountHeadBytes(len);
    });
  }
  static int OnHeadersComplete(llhttp_t* p) {
    return Guard(p, [](HttpConnection* c) { return c->HeadersComplete(); });
  }
  static int OnBody(llhttp_t* p, const char* at, size_t len) {
    return Guard(p, [&](HttpConnection* c) { return c->AppendBody(at, len); });
  }
  static int OnChunkHeader(llhttp_t* p) { return Of(p)->CheckChunk(p->content_length); }
  static int OnMessageComplete(llhttp_t* p) {
    HttpConnection* c = Of(p);
    c->keep_alive_ = llhttp_should_keep_alive(p) != 0 && p->upgrade == 0;
    c->request_ready_ = true;
    return HPE_PAUSED;  // one request at a time: Step() sees the pause and dispatches
  }

  static const llhttp_settings_t* Settings() {
    static const llhttp_settings_t settings = [] {
      llhttp_settings_t s;
      llhttp_settings_init(&s);
      s.on_message_begin = OnMessageBegin;
      s.on_url = OnUrl;
      s.on_header_field = OnHeaderField;
      s.on_header_field_complete = OnHeaderFieldComplete;
      s.on_header_value = OnHeaderValue;
      s.on_headers_complete = OnHeadersComplete;
      s.on_body = OnBody;
      s.on_chunk_header = OnChunkHeader;
      s.on_message_complete = OnMessageComplete;
      return s;
    }();
    return &settings;
  }
};

HttpConnection::HttpConnection(uv_loop_t* loop, HttpConnectionContext* ctx) : ctx_(ctx) {
  uv_tcp_init(loop, &tcp_);
  uv_timer_init(loop, &timer_);
  tcp_.data = this;
  timer_.data = this;
  llhttp_init(&parser_, HTTP_REQUEST, HttpParserCallbacks::Settings());
  parser_.data = this;
}

void HttpConnection::Start() {
  uv_tcp_nodelay(&tcp_, 1);
  peer_ip_ = PeerAddress(&tcp_);
  limits_ = ctx_->limits;
  ArmTimer(limits_.header_timeout_ms);  // a fresh connection must send its head in time
  StartReading();
}

void HttpConnection::StartReading() {
  if (reading_ || closed_ || peer_eof_) return;
  auto on_alloc = [](uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto& rb = static_cast<HttpConnection*>(h->data)->ctx_->read_buffer;
    *buf = uv_buf_init(rb.data(), rb.size());
  };
  auto on_read = [](uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<HttpConnection*>(s->data);
    try {
      self->OnRead(nread, buf);
    } catch (...) {
      self->CloseNow();
    }
  };
  reading_ = uv_read_start(stream(), on_alloc, on_read) == 0;
  if (!reading_) CloseNow();
}

void HttpConnection::OnRead(ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) return OnReadEnd(nread);
  if (closed_ || phase_ == Phase::kDraining || phase_ == Phase::kStreaming || nread == 0) return;
  Drive(buf->base, static_cast<size_t>(nread));
  // A client that pipelines without reading responses cannot make us buffer without bound.
  if (Busy() && PendingSize() > limits_.max_header_bytes + limits_.max_body_bytes && reading_) {
    uv_read_stop(stream());
    reading_ = false;
  }
}

void HttpConnection::OnReadEnd(ssize_t status) {
  reading_ = false;
  if (status != UV_EOF) return CloseNow();  // reset or error: nobody to answer
  peer_eof_ = true;
  // Half-closed peers still get the response to a request in flight; otherwise we are done.
  if (Busy() || (phase_ == Phase::kDraining && !lingering_)) return;
  CloseNow();
}

// Parses fresh bytes (or buffered ones) until a request is in flight or the input runs out.
// Re-entered from a synchronous response through OnWriteDone; the outer call keeps going.
void HttpConnection::Drive(const char* fresh, size_t fresh_len) {
  if (fresh_len > 0 && (Busy() || driving_ || PendingSize() > 0)) {
    pending_.append(fresh, fresh_len);
    fresh_len = 0;
  }
  if (driving_ || Busy() || closed_) return;
  driving_ = true;
  if (fresh_len > 0) {
    size_t used = Step(fresh, fresh_len);
    if (used < fresh_len && phase_ != Phase::kDraining) pending_.append(fresh + used, fresh_len - used);
  }
  while (!Busy() && !closed_ && phase_ != Phase::kDraining && phase_ != Phase::kStreaming && PendingSize() > 0) {
    pending_off_ += Step(pending_.data() + pending_off_, PendingSize());
  }
  CompactPending();
  driving_ = false;
  if (peer_eof_ && !Busy() && phase_ != Phase::kDraining) CloseNow();
}

void HttpConnection::CompactPending() {
  if (phase_ == Phase::kDraining || phase_ == Phase::kStreaming || pending_off_ == pending_.size()) {
    pending_.clear();
    pending_off_ = 0;
  } else if (pending_off_ > 0) {
    pending_.erase(0, pending_off_);
    pending_off_ = 0;
  }
}

// Runs the parser once; returns the bytes it consumed. A complete request is dispatched here.
size_t HttpConnection::Step(const char* data, size_t len) {
  llhttp_errno_t err = llhttp_execute(&parser_, data, len);
  if (err == HPE_OK) return len;
  if (err == HPE_PAUSED && request_ready_) {
    size_t used = static_cast<size_t>(llhttp_get_error_pos(&parser_) - data);
    llhttp_resume(&parser_);
    Dispatch();
    return used;
  }
  RespondError(error_status_ != 0 ? error_status_ : 400);
  return len;
}

int HttpConnection::BeginMessage() {
  request_.method.clear();
  request_.target.clear();
  request_.headers.clear();
  request_.body.clear();
  head_bytes_ = kRequestLineOverhead;
  field_open_ = false;
  error_status_ = 0;
  request_ready_ = false;
  limits_ = ctx_->limits;
  phase_ = Phase::kHead;
  if (!first_request_) ArmTimer(limits_.header_timeout_ms);
  first_request_ = false;
  return 0;
}

int HttpConnection::Refuse(int status) {
  error_status_ = status;
  return HPE_USER;
}

int HttpConnection::CountHeadBytes(size_t n) {
  head_bytes_ += n;
  return head_bytes_ <= limits_.max_header_bytes ? 0 : Refuse(431);
}

int HttpConnection::HeadersComplete() {
  if (int err = CountHeadBytes(0); err != 0) return err;
  request_.method = llhttp_method_name(static_cast<llhttp_method_t>(parser_.method));
  SplitTarget(request_);
  request_.remote_addr = peer_ip_;
  http10_ = parser_.http_major == 1 && parser_.http_minor == 0;
  if (!HostHeaderProblem(request_, !http10_).empty()) return Refuse(400);
  head_method_ = parser_.method == HTTP_HEAD;
  bool chunked = (parser_.flags & F_CHUNKED) != 0;
  bool has_length = (parser_.flags & F_CONTENT_LENGTH) != 0;
  if (has_length && parser_.content_length > limits_.max_body_bytes) return Refuse(413);
  if (!chunked && !(has_length && parser_.content_length > 0)) return 0;
  if (has_length) request_.body.reserve(std::min<uint64_t>(parser_.content_length, kMaxBodyReserve));
  phase_ = Phase::kBody;
  ArmTimer(limits_.body_timeout_ms);
  if (!http10_ && ExpectsContinue(request_)) SendContinue();
  return 0;
}

int HttpConnection::AppendBody(const char* at, size_t len) {
  if (request_.body.size() + len > limits_.max_body_bytes) return Refuse(413);
  request_.body.append(at, len);
  return 0;
}

int HttpConnection::CheckChunk(uint64_t chunk_size) {
  return chunk_size <= limits_.max_body_bytes - request_.body.size() ? 0 : Refuse(413);
}

void HttpConnection::SendContinue() {
  if (continue_in_flight_) return;
  uv_buf_t buf = uv_buf_init(const_cast<char*>(kContinue), sizeof(kContinue) - 1);
  int n = uv_try_write(stream(), &buf, 1);
  if (n == static_cast<int>(buf.len)) return;
  if (n > 0) buf = uv_buf_init(buf.base + n, buf.len - n);
  continue_req_.data = this;
  auto done = [](uv_write_t* req, int) { static_cast<HttpConnection*>(req->data)->continue_in_flight_ = false; };
  continue_in_flight_ = uv_write(&continue_req_, stream(), &buf, 1, done) == 0;
}

void HttpConnection::Dispatch() {
  request_ready_ = false;
  phase_ = Phase::kHandling;
  StopTimer();
  uint64_t seq = ++seq_;
  Responder responder = [weak = weak_from_this(), seq](HttpResponse response) {
    if (auto self = weak.lock()) self->Respond(seq, std::move(response));
  };
  try {
    ctx_->handler(std::move(request_), std::move(responder));
  } catch (...) {
    // Answers only if the handler had not answered before throwing.
    Respond(seq, HttpResponse::Text(500, "internal error\n"));
  }
}

void HttpConnection::Respond(uint64_t seq, HttpResponse response) {
  if (closed_ || seq != seq_ || phase_ != Phase::kHandling) {
    if (response.stream && response.stream->on_close) response.stream->on_close();
    return;
  }
  if (response.stream) {
    if (!head_method_ && ResponseMayHaveBody(response.status) && !ctx_->shutting_down) return StartStream(response);
    if (response.stream->on_close) response.stream->on_close();  // a HEAD request: the head only
  }
  bool close = !keep_alive_ || ctx_->shutting_down || peer_eof_ || WantsClose(response);
  phase_ = close ? Phase::kDraining : Phase::kWriting;
  std::string body = std::move(response.body);
  WriteResponse(response, std::move(body), close);
}

void HttpConnection::RespondError(int status) {
  keep_alive_ = false;
  phase_ = Phase::kDraining;
  StopTimer();
  HttpResponse response = RefusalResponse(status, request_.target);
  std::string body = std::move(response.body);
  WriteResponse(response, std::move(body), true);
}

// One write of two buffers (head, body); tried synchronously first, queued for the rest.
void HttpConnection::WriteResponse(const HttpResponse& response, std::string body, bool close) {
  out_head_.clear();
  bool bodiless = head_method_ || !ResponseMayHaveBody(response.status);
  AppendResponseHead(out_head_, response, body.size(), close, http10_ && !close);
  out_body_ = bodiless ? std::string() : std::move(body);
  uv_buf_t bufs[2] = {uv_buf_init(out_head_.data(), out_head_.size()),
                      uv_buf_init(out_body_.data(), out_body_.size())};
  unsigned nbufs = out_body_.empty() ? 1 : 2;
  int written = uv_try_write(stream(), bufs, nbufs);
  if (written < 0 && written != UV_EAGAIN) return CloseNow();
  size_t skip = written > 0 ? static_cast<size_t>(written) : 0;
  uv_buf_t* first = SkipWritten(bufs, nbufs, skip);
  if (first == nullptr) return OnWriteDone(0);
  write_req_.data = this;
  auto on_write = [](uv_write_t* req, int status) {
    auto* self = static_cast<HttpConnection*>(req->data);
    try {
      self->OnWriteDone(status);
    } catch (...) {
      self->CloseNow();
    }
  };
  int rc = uv_write(&write_req_, stream(), first, static_cast<unsigned>(bufs + nbufs - first), on_write);
  if (rc != 0) return CloseNow();
  ArmTimer(limits_.body_timeout_ms);  // a peer that never reads cannot hold the response forever
}

void HttpConnection::OnWriteDone(int status) {
  if (closed_) return;
  if (status < 0) return CloseNow();
  out_body_ = std::string();  // release a large body now rather than at the next response
  if (phase_ == Phase::kDraining) return Shutdown();
  if (ctx_->shutting_down) return CloseNow();
  phase_ = Phase::kIdle;
  ArmTimer(limits_.keepalive_timeout_ms);
  StartReading();
  Drive(nullptr, 0);
}

void HttpConnection::Shutdown() {
  StopTimer();
  shutdown_req_.data = this;
  auto on_shutdown = [](uv_shutdown_t* req, int status) {
    static_cast<HttpConnection*>(req->data)->OnShutdown(status);
  };
  if (uv_shutdown(&shutdown_req_, stream(), on_shutdown) != 0) CloseNow();
}

void HttpConnection::OnShutdown(int status) {
  if (closed_) return;
  if (status < 0 || peer_eof_ || ctx_->shutting_down) return CloseNow();
  lingering_ = true;
  ArmTimer(kLingerMs);
  StartReading();
}

void HttpConnection::BeginShutdown() {
  if (closed_) return;
  if (phase_ == Phase::kStreaming) return StreamEnd();
  bool nothing_in_flight = phase_ == Phase::kIdle || phase_ == Phase::kHead;
  if (nothing_in_flight || lingering_) CloseNow();
  // Otherwise the current request finishes; Respond/OnWriteDone/OnShutdown then close.
}

void HttpConnection::ArmTimer(uint64_t ms) {
  uv_timer_start(&timer_, [](uv_timer_t* t) { static_cast<HttpConnection*>(t->data)->OnTimer(); }, ms, 0);
}

void HttpConnection::StopTimer() { uv_timer_stop(&timer_); }

void HttpConnection::OnTimer() {
  if (closed_) return;
  switch (phase_) {
    case Phase::kHead:
    case Phase::kBody:
      return RespondError(408);
    case Phase::kHandling:
      return;  // the handler owns the pace; no timer runs in this phase
    default:
      return CloseNow();  // idle keep-alive, stalled write, end of linger
  }
}

void HttpConnection::CloseNow() {
  if (closed_) return;
  closed_ = true;
  NotifyStreamClosed();
  auto on_close = [](uv_handle_t* h) {
    auto* self = static_cast<HttpConnection*>(h->data);
    if (--self->open_handles_ == 0) self->ctx_->on_closed(self);
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_close);
}

}  // namespace vigil
