#include "tests/support/http_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace vigil::testsupport {
namespace {

using Clock = std::chrono::steady_clock;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses "HTTP/1.x NNN reason\r\nName: value\r\n..." (without the blank line) into `out`.
bool ParseHead(std::string_view head, RawHttpResponse& out) {
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (status_line.substr(0, 5) != "HTTP/" || status_line.size() < 12) return false;
  out.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  if (out.status < 100 || out.status > 999) return false;
  while (eol != std::string_view::npos) {
    size_t start = eol + 2;
    eol = head.find("\r\n", start);
    std::string_view line = head.substr(start, eol == std::string_view::npos ? eol : eol - start);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    out.headers.emplace_back(std::string(line.substr(0, colon)), std::string(Trim(line.substr(colon + 1))));
  }
  return true;
}

// Decodes a chunked body starting at `data`; returns bytes used, 0 if incomplete, npos if bad.
size_t ParseChunked(std::string_view data, std::string& body) {
  size_t pos = 0;
  for (;;) {
    size_t eol = data.find("\r\n", pos);
    if (eol == std::string_view::npos) return 0;
    char* end = nullptr;
    std::string size_text(data.substr(pos, eol - pos));
    unsigned long size = std::strtoul(size_text.c_str(), &end, 16);
    if (end == size_text.c_str()) return std::string_view::npos;
    pos = eol + 2;
    if (size == 0) {  // trailers end with an empty line
      size_t trailer_end = data.find("\r\n\r\n", pos - 2);
      return trailer_end == std::string_view::npos ? 0 : trailer_end + 4;
    }
    if (data.size() < pos + size + 2) return 0;
    body.append(data.substr(pos, size));
    pos += size + 2;
  }
}

}  // namespace

const std::string* RawHttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsNoCase(k, name)) return &v;
  }
  return nullptr;
}

std::string RawHttpResponse::HeaderValue(std::string_view name) const {
  const std::string* value = Header(name);
  return value == nullptr ? std::string() : *value;
}

RawHttpClient::RawHttpClient(int port, const std::string& host) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Close();
  }
}

RawHttpClient::~RawHttpClient() { Close(); }

void RawHttpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void RawHttpClient::Reset() {
  if (fd_ < 0) return;
  linger lg{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  Close();
}

bool RawHttpClient::Send(std::string_view bytes) {
  while (!bytes.empty() && fd_ >= 0) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return bytes.empty();
}

bool RawHttpClient::Fill(Clock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  pollfd p{fd_, POLLIN, 0};
  int ready = ::poll(&p, 1, static_cast<int>(left > 0 ? left : 0));
  if (ready <= 0) return false;
  char chunk[16 * 1024];
  ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) {
    eof_ = true;  // orderly close, or a reset: either way nothing more will come
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<RawHttpResponse> RawHttpClient::TryParse(bool eof, bool no_body, bool* malformed) {
  size_t head_end = buffer_.find("\r\n\r\n");
  if (head_end == std::string::npos) return std::nullopt;
  RawHttpResponse r;
  if (!ParseHead(std::string_view(buffer_).substr(0, head_end), r)) {
    *malformed = true;
    return std::nullopt;
  }
  size_t body_start = head_end + 4;
  std::string_view rest = std::string_view(buffer_).substr(body_start);
  size_t used = 0;
  const std::string* te = r.Header("Transfer-Encoding");
  const std::string* cl = r.Header("Content-Length");
  if (no_body || r.status < 200 || r.status == 204 || r.status == 304) {
    used = 0;
  } else if (te != nullptr && EqualsNoCase(*te, "chunked")) {
    used = ParseChunked(rest, r.body);
    if (used == std::string_view::npos) *malformed = true;
    if (used == 0 || *malformed) return std::nullopt;
  } else if (cl != nullptr) {
    size_t length = std::strtoull(cl->c_str(), nullptr, 10);
    if (rest.size() < length) return std::nullopt;
    r.body.assign(rest.substr(0, length));
    used = length;
  } else {
    if (!eof) return std::nullopt;
    r.body.assign(rest);
    used = rest.size();
  }
  buffer_.erase(0, body_start + used);
  return r;
}

std::optional<RawHttpResponse> RawHttpClient::ReadResponse(std::chrono::milliseconds timeout,
                                                          bool to_head_request) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    bool malformed = false;
    auto r = TryParse(eof_, to_head_request, &malformed);
    if (r || malformed) return r;
    if (!Fill(deadline)) {
      if (!eof_) return std::nullopt;
      r = TryParse(true, to_head_request, &malformed);
      return r;
    }
  }
}

bool RawHttpClient::IsClosedByPeer(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Fill(deadline)) buffer_.clear();
  return eof_;
}

std::string MakeRequest(std::string_view method, std::string_view target, std::string_view body,
                        std::string_view extra_headers) {
  std::string r;
  r.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: test\r\n");
  r.append(extra_headers);
  if (!body.empty()) r.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  r.append("\r\n").append(body);
  return r;
}

}  // namespace vigil::testsupport
