#include "tests/support/sse_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

namespace vigil::testsupport {
namespace {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "field: value" or "field:value" or "field" (HTML standard 9.2.6).
std::pair<std::string_view, std::string_view> SplitField(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return {line, {}};
  std::string_view value = line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return {line.substr(0, colon), value};
}

}  // namespace

SseTestClient::SseTestClient(int port, std::string_view target, std::string_view extra_headers) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Close();
    return;
  }
  std::string request = "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n" +
                        std::string(extra_headers) + "\r\n";
  if (send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) Close();
}

SseTestClient::~SseTestClient() { Close(); }

void SseTestClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool SseTestClient::Fill(Clock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
  char buf[16384];
  ssize_t n = recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  raw_.append(buf, static_cast<size_t>(n));
  return true;
}

int SseTestClient::ReadHead(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  size_t end;
  while ((end = raw_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return 0;
  }
  std::string head = raw_.substr(0, end);
  raw_.erase(0, end + 4);
  head_done_ = true;
  if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) return 0;
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    size_t start = pos + 2;
    pos = head.find("\r\n", start);
    auto [name, value] = SplitField(std::string_view(head).substr(start, pos == std::string::npos ? pos : pos - start));
    headers_.emplace_back(std::string(name), std::string(value));
  }
  chunked_ = Lower(HeaderValue("Transfer-Encoding")) == "chunked";
  DecodeBody();
  return std::atoi(head.substr(9, 3).c_str());
}

std::string SseTestClient::HeaderValue(std::string_view name) const {
  for (const auto& [k, v] : headers_) {
    if (Lower(k) == Lower(name)) return v;
  }
  return "";
}

void SseTestClient::DecodeBody() {
  if (!chunked_) {
    text_ += raw_;
    raw_.clear();
    return;
  }
  while (!last_chunk_) {
    size_t eol = raw_.find("\r\n");
    if (eol == std::string::npos) return;
    unsigned long size = std::strtoul(raw_.substr(0, eol).c_str(), nullptr, 16);
    if (size == 0) {
      last_chunk_ = raw_.size() >= eol + 4;
      return;
    }
    if (raw_.size() < eol + 2 + size + 2) return;
    text_.append(raw_, eol + 2, size);
    raw_.erase(0, eol + 2 + size + 2);
  }
}

std::optional<SseBlock> SseTestClient::CutBlock() {
  size_t end = text_.find("\n\n");
  if (end == std::string::npos) return std::nullopt;
  std::string block = text_.substr(0, end);
  text_.erase(0, end + 2);
  SseBlock out;
  bool has_data = false;
  size_t pos = 0;
  while (pos <= block.size()) {
    size_t eol = block.find('\n', pos);
    std::string_view line = std::string_view(block).substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    auto [field, value] = SplitField(line);
    if (field.empty()) out.comment += std::string(value);
    else if (field == "id") out.id = value;
    else if (field == "event") out.event = value;
    else if (field == "retry") out.retry = value;
    else if (field == "data") {
      out.data += (has_data ? "\n" : "") + std::string(value);
      has_data = true;
    }
    if (eol == std::string::npos) break;
    pos = eol + 1;
  }
  return out;
}

std::optional<SseBlock> SseTestClient::Next(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto block = CutBlock()) return block;
    if (last_chunk_ || !Fill(deadline)) return std::nullopt;
    DecodeBody();
  }
}

std::optional<SseBlock> SseTestClient::NextEvent(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto block = Next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!block) return std::nullopt;
    if (!block->event.empty()) return block;
  }
  return std::nullopt;
}

bool SseTestClient::WaitEnd(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!last_chunk_ && !eof_) {
    if (!Fill(deadline) && !eof_) return false;
    DecodeBody();
    text_.clear();
  }
  return true;
}


std::optional<SseBlock> WaitForEvent(SseTestClient& stream, const std::string& event,
                                     const std::function<bool(const nlohmann::json&)>& match,
                                     std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto block = stream.NextEvent(left);
    if (!block) return std::nullopt;
    if (block->event != event) continue;
    auto data = nlohmann::json::parse(block->data, nullptr, false);
    if (!data.is_discarded() && match(data)) return block;
  }
  return std::nullopt;
}

}  // namespace vigil::testsupport
