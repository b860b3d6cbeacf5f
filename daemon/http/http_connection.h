// HttpConnection: one accepted TCP connection of HttpServer (internal to daemon/http/http_server.cpp).
//
// Threads: loop thread only. The connection is owned by the server through a shared_ptr; the
// Responder handed to a handler holds only a weak_ptr plus the request's sequence number, so a
// responder called after the connection closed (or for an already answered request) does nothing.
//
// Life of a request: the parser reads the head (header timer) and the body (body timer), then
// pauses at the end of the message; the request is handed to the handler and parsing stays paused
// (later bytes are buffered) until the response is fully written. Then the connection goes idle
// (keep-alive timer) and parses what was buffered. When the connection must close after a response
// (Connection: close, an error, server shutdown) it writes the response, shuts down its write side
// and discards input until the peer closes or a short linger expires, so the client reads the
// response instead of a reset.
//
// A streamed response (HttpResponse::stream; http_connection_stream.cpp) keeps the connection in
// kStreaming: the head is written, then whatever the handler writes through its HttpStream, as
// chunks (HTTP/1.1). Input is discarded; the peer's close ends the stream. Bytes the peer has not
// read are bounded (kMaxStreamBacklog): past it the connection is dropped. End (or the server's
// shutdown) writes the last chunk, then the connection closes as after any last response.
//
// Handles (tcp_, timer_) live inside the object; the object is released only after both close
// callbacks have run (HttpConnectionContext::on_closed).
#pragma once

#include <llhttp.h>
#include <uv.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/http/http_types.h"
#include "daemon/http/http_server.h"

namespace vigil {

class HttpConnection;

// State a server shares with its connections.
struct HttpConnectionContext {
  HttpLimits limits;
  HttpHandler handler;
  bool shutting_down = false;
  std::function<void(HttpConnection*)> on_closed;  // both handles closed; the owner may free it
  // One read buffer per server is enough: libuv reads into it right after asking for it.
  std::array<char, 64 * 1024> read_buffer;
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(uv_loop_t* loop, HttpConnectionContext* ctx);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }

  // After uv_accept: records the peer address, starts reading and the header timer.
  void Start();
  // Closes both handles now; pending writes are cancelled. Idempotent.
  void CloseNow();
  // Server shutdown: closes the connection if no request is in flight, else lets it finish.
  void BeginShutdown();

 private:
  enum class Phase {
    kIdle,      // between requests: waiting for the first byte
    kHead,      // request line and headers arriving
    kBody,      // body arriving
    kHandling,  // request handed to the handler; waiting for its response
    kWriting,   // response being written; the connection stays open afterwards
    kDraining,  // last response being written, then shutdown and linger; input discarded
    kStreaming,  // a streamed response: written in pieces until it ends; input discarded
  };

  friend struct HttpParserCallbacks;
  friend class ConnectionStream;

  bool Busy() const { return phase_ == Phase::kHandling || phase_ == Phase::kWriting; }
  size_t PendingSize() const { return pending_.size() - pending_off_; }

  // Reading and parsing.
  void OnRead(ssize_t nread, const uv_buf_t* buf);
  void OnReadEnd(ssize_t status);
  void Drive(const char* fresh, size_t fresh_len);
  size_t Step(const char* data, size_t len);
  void StartReading();
  void CompactPending();

  // Parser events (called from llhttp callbacks; return an llhttp errno).
  int BeginMessage();
  int Refuse(int status);  // records the answer for Step and returns HPE_USER
  int CountHeadBytes(size_t n);
  int HeadersComplete();
  int AppendBody(const char* at, size_t len);
  int CheckChunk(uint64_t chunk_size);
  void SendContinue();

  // Handling and answering.
  void Dispatch();
  void Respond(uint64_t seq, HttpResponse response);
  void RespondError(int status);
  void WriteResponse(const HttpResponse& response, std::string body, bool close);
  void OnWriteDone(int status);
  void Shutdown();
  void OnShutdown(int status);

  // Streaming (http_connection_stream.cpp).
  void StartStream(const HttpResponse& response);
  bool StreamWrite(std::string_view bytes);
  void StreamEnd();
  void FlushStream();
  void OnStreamWritten(int status);
  void NotifyStreamClosed();

  // The one timer.
  void ArmTimer(uint64_t ms);
  void StopTimer();
  void OnTimer();

  uv_tcp_t tcp_;
  uv_timer_t timer_;
  uv_write_t write_req_;
  uv_write_t continue_req_;
  uv_shutdown_t shutdown_req_;
  llhttp_t parser_;
  HttpConnectionContext* ctx_;

  Phase phase_ = Phase::kIdle;
  HttpLimits limits_;  // snapshot taken when a request begins
  std::string peer_ip_;

  // The request being parsed.
  HttpRequest request_;
  size_t head_bytes_ = 0;
  bool field_open_ = false;
  int error_status_ = 0;  // set by a parser callback that refuses the request (413, 431, 500)
  bool request_ready_ = false;
  bool keep_alive_ = true;
  bool http10_ = false;
  bool head_method_ = false;
  bool first_request_ = true;

  // Bytes received but not parsed yet (pipelined requests wait here while one is handled).
  std::string pending_;
  size_t pending_off_ = 0;

  // The response being written.
  uint64_t seq_ = 0;
  std::string out_head_;
  std::string out_body_;

  // The streamed response: its handlers, bytes queued and bytes being written.
  std::shared_ptr<HttpStreamHandlers> stream_;
  std::string stream_queued_;
  std::string stream_writing_;
  bool stream_chunked_ = false;
  bool stream_write_in_flight_ = false;
  bool stream_ending_ = false;

  bool driving_ = false;
  bool reading_ = false;
  bool peer_eof_ = false;
  bool continue_in_flight_ = false;
  bool lingering_ = false;
  bool closed_ = false;
  int open_handles_ = 2;
};

}  // namespace vigil
