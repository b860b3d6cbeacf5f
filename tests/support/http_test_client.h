// RawHttpClient: a blocking loopback TCP client for HTTP server tests. It sends raw bytes (so a
// test can write malformed, partial or pipelined requests) and reads responses with a deadline.
// Its response reader is written independently of the server's parser: status line, headers,
// then a body framed by Content-Length, chunked encoding, or the end of the connection.
//
// Threads: one test thread at a time. Not for production use.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::testsupport {

struct RawHttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names as received
  std::string body;

  // First header with this name (case-insensitive); nullptr if absent.
  const std::string* Header(std::string_view name) const;
  // Its value, or "" if absent (safe to compare in an EXPECT).
  std::string HeaderValue(std::string_view name) const;
};

class RawHttpClient {
 public:
  // Connects to host:port (IPv4 text); connected() tells whether it worked.
  explicit RawHttpClient(int port, const std::string& host = "127.0.0.1");
  ~RawHttpClient();
  RawHttpClient(const RawHttpClient&) = delete;
  RawHttpClient& operator=(const RawHttpClient&) = delete;

  bool connected() const { return fd_ >= 0; }

  // Writes all bytes; false if the socket failed (e.g. the peer reset it).
  bool Send(std::string_view bytes);

  // Reads the next response (a 1xx counts as one). nullopt on timeout, on a connection that ended
  // before a whole response, or on bytes that are not a response. Bytes after the response stay
  // buffered for the next call (pipelining). `to_head_request`: the response has no body whatever
  // its Content-Length says (it answers a HEAD).
  std::optional<RawHttpResponse> ReadResponse(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                              bool to_head_request = false);

  // Waits for the peer to close (FIN or reset); bytes that arrive before are discarded.
  // False if the connection is still open when the timeout expires.
  bool IsClosedByPeer(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // Orderly close (FIN) and abortive close (RST, SO_LINGER 0).
  void Close();
  void Reset();

 private:
  // Reads more bytes into buffer_ until `deadline`; false on timeout, EOF or error.
  bool Fill(std::chrono::steady_clock::time_point deadline);
  // Tries to cut one response from buffer_; nullopt if incomplete. `eof` allows close-delimited
  // bodies to end.
  std::optional<RawHttpResponse> TryParse(bool eof, bool no_body, bool* malformed);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// Convenience: a minimal request with Host and, if non-empty, a body with Content-Length.
std::string MakeRequest(std::string_view method, std::string_view target, std::string_view body = {},
                        std::string_view extra_headers = {});

}  // namespace vigil::testsupport
