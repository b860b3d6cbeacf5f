// The streamed response of HttpConnection (see http_connection.h): the head, then pieces written
// through an HttpStream, each a chunk, one uv_write at a time with the rest queued behind it.
// Loop thread only.
#include <utility>

#include "daemon/http/http_connection.h"
#include "daemon/http/http_wire.h"

namespace vigil {
namespace {

// Bytes written but not yet taken by the peer's socket, past which a stream's client counts as
// too slow and is dropped: a stream must never make the daemon hold unbounded memory.
constexpr size_t kMaxStreamBacklog = 1024 * 1024;
// How long the end of a stream may take to be written before the connection just closes.
constexpr uint64_t kStreamEndMs = 2000;

}  // namespace

// The handler's end of a streamed response. It holds the connection weakly: once the connection
// is gone, Write answers false and End does nothing.
class ConnectionStream : public HttpStream {
 public:
  explicit ConnectionStream(std::weak_ptr<HttpConnection> connection) : connection_(std::move(connection)) {}
  bool Write(std::string_view bytes) override {
    auto c = connection_.lock();
    return c != nullptr && c->StreamWrite(bytes);
  }
  void End() override {
    if (auto c = connection_.lock()) c->StreamEnd();
  }

 private:
  std::weak_ptr<HttpConnection> connection_;
};

void HttpConnection::StartStream(const HttpResponse& response) {
  phase_ = Phase::kStreaming;
  StopTimer();
  stream_ = response.stream;
  stream_chunked_ = !http10_;
  pending_.clear();
  pending_off_ = 0;
  AppendStreamHead(stream_queued_, response, stream_chunked_);
  FlushStream();
  // A copy: the handler may end the stream from on_open, which lets go of stream_.
  auto handlers = stream_;
  if (!closed_ && handlers->on_open) handlers->on_open(std::make_shared<ConnectionStream>(weak_from_this()));
}

bool HttpConnection::StreamWrite(std::string_view bytes) {
  if (closed_ || phase_ != Phase::kStreaming || stream_ending_) return false;
  if (stream_chunked_) {
    AppendChunk(stream_queued_, bytes);
  } else {
    stream_queued_.append(bytes);
  }
  if (stream_queued_.size() + stream_writing_.size() > kMaxStreamBacklog) {
    CloseNow();  // the client does not read: drop it rather than hold its backlog
    return false;
  }
  FlushStream();
  return !closed_;
}

void HttpConnection::StreamEnd() {
  if (closed_ || phase_ != Phase::kStreaming || stream_ending_) return;
  stream_ending_ = true;
  if (stream_chunked_) stream_queued_.append(kLastChunk);
  ArmTimer(kStreamEndMs);  // a peer that reads nothing cannot hold the end (OnTimer closes)
  FlushStream();
}

// Starts writing what is queued unless a write is in flight; after the end is written, shuts the
// write side down as after a last response.
void HttpConnection::FlushStream() {
  if (closed_ || stream_write_in_flight_) return;
  if (stream_queued_.empty()) {
    if (stream_ending_) {
      phase_ = Phase::kDraining;
      NotifyStreamClosed();
      Shutdown();
    }
    return;
  }
  stream_writing_.swap(stream_queued_);
  stream_queued_.clear();
  uv_buf_t buf = uv_buf_init(stream_writing_.data(), stream_writing_.size());
  write_req_.data = this;
  auto on_write = [](uv_write_t* req, int status) {
    auto* self = static_cast<HttpConnection*>(req->data);
    try {
      self->OnStreamWritten(status);
    } catch (...) {
      self->CloseNow();
    }
  };
  if (uv_write(&write_req_, stream(), &buf, 1, on_write) != 0) return CloseNow();
  stream_write_in_flight_ = true;
}

void HttpConnection::OnStreamWritten(int status) {
  stream_write_in_flight_ = false;
  if (closed_) return;
  if (status < 0) return CloseNow();
  stream_writing_.clear();
  FlushStream();
}

// Tells the handler once that its stream is over (the connection closes, or its end was written).
void HttpConnection::NotifyStreamClosed() {
  if (!stream_) return;
  auto handlers = std::move(stream_);
  stream_ = nullptr;
  if (handlers->on_close) handlers->on_close();
}

}  // namespace vigil
