// SseTestClient: a blocking loopback client for the live stream (GET /api/v1/stream): sends the
// request, reads the head, then decodes the chunked (or close-delimited) body as it arrives and
// cuts it into Server-Sent Events blocks. Written apart from the server's code, after the HTML
// standard's event-stream format.
//
// Threads: one test thread at a time. Not for production use.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::testsupport {

// One block of the stream (the lines up to a blank line), fields as sent ("" when absent).
struct SseBlock {
  std::string id;
  std::string event;
  std::string data;     // "data" lines joined with "\n"
  std::string retry;
  std::string comment;  // the text of ":" lines
};

class SseTestClient {
 public:
  // Connects to 127.0.0.1:port and sends "GET <target>" with `extra_headers` (each ending CRLF).
  SseTestClient(int port, std::string_view target, std::string_view extra_headers);
  ~SseTestClient();
  SseTestClient(const SseTestClient&) = delete;
  SseTestClient& operator=(const SseTestClient&) = delete;

  // Reads the response head: its status (0 on timeout or a malformed head) and headers.
  int ReadHead(std::chrono::milliseconds timeout);
  std::string HeaderValue(std::string_view name) const;  // "" when absent
  // The next block; nullopt on timeout or when the stream ended first.
  std::optional<SseBlock> Next(std::chrono::milliseconds timeout);
  // The next block that carries an event (skipping retry and comment blocks).
  std::optional<SseBlock> NextEvent(std::chrono::milliseconds timeout);
  // True once the body ended (its last chunk, or the connection closed) within the timeout;
  // blocks that arrive meanwhile are dropped.
  bool WaitEnd(std::chrono::milliseconds timeout);
  // Whether the body ended with the last chunk (a clean end) rather than a bare close.
  bool ended_cleanly() const { return last_chunk_; }
  void Close();

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);
  void DecodeBody();
  std::optional<SseBlock> CutBlock();

  int fd_ = -1;
  std::string raw_;      // bytes received, not yet decoded
  std::string text_;     // decoded body, not yet cut into blocks
  std::vector<std::pair<std::string, std::string>> headers_;
  bool head_done_ = false;
  bool chunked_ = false;
  bool eof_ = false;
  bool last_chunk_ = false;
};

// Reads events from `stream` until one of `event` ("event", "notification", "job") whose data
// satisfies `match`; the block, or nullopt when none came within the timeout. Other events pass by.
std::optional<SseBlock> WaitForEvent(SseTestClient& stream, const std::string& event,
                                     const std::function<bool(const nlohmann::json&)>& match,
                                     std::chrono::milliseconds timeout);

}  // namespace vigil::testsupport
