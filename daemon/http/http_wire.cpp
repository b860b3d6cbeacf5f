#include "daemon/http/http_wire.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

#include <nlohmann/json.hpp>

namespace vigil {
namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool IsFramingHeader(std::string_view name) {
  return EqualsNoCase(name, "Content-Length") || EqualsNoCase(name, "Transfer-Encoding") ||
         EqualsNoCase(name, "Connection");
}

// Headers that describe a body; a response that cannot carry one (1xx, 204, 304) goes without
// them (RFC 9110 8.6, 15.3.5, 15.4.5), whatever the handler set.
bool IsBodyHeader(std::string_view name) {
  return EqualsNoCase(name, "Content-Type") || EqualsNoCase(name, "Content-Encoding");
}

void AppendNumber(std::string& out, uint64_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), n);
  out.append(digits, end);
}

// Status line and the response's own headers, framing ones left out.
void AppendStatusAndHeaders(std::string& out, const HttpResponse& response, bool has_body) {
  out += "HTTP/1.1 ";
  AppendNumber(out, static_cast<uint64_t>(response.status));
  out += ' ';
  out += HttpReasonPhrase(response.status);
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    if (IsFramingHeader(name) || (!has_body && IsBodyHeader(name))) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
}

}  // namespace

void AppendResponseHead(std::string& out, const HttpResponse& response, size_t body_size, bool close,
                        bool keep_alive_10) {
  bool has_body = ResponseMayHaveBody(response.status);
  AppendStatusAndHeaders(out, response, has_body);
  if (has_body) {
    out += "Content-Length: ";
    AppendNumber(out, body_size);
    out += "\r\n";
  }
  if (close) {
    out += "Connection: close\r\n";
  } else if (keep_alive_10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

void AppendStreamHead(std::string& out, const HttpResponse& response, bool chunked) {
  AppendStatusAndHeaders(out, response, true);
  if (chunked) out += "Transfer-Encoding: chunked\r\n";
  out += "Connection: close\r\n\r\n";
}

void AppendChunk(std::string& out, std::string_view bytes) {
  if (bytes.empty()) return;
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), bytes.size(), 16);
  out.append(digits, end);
  out += "\r\n";
  out += bytes;
  out += "\r\n";
}

bool ResponseMayHaveBody(int status) {
  return status >= 200 && status != 204 && status != 304;
}

bool WantsClose(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (EqualsNoCase(name, "Connection") && EqualsNoCase(value, "close")) return true;
  }
  return false;
}

bool ExpectsContinue(const HttpRequest& request) {
  const std::string* expect = request.Header("Expect");
  return expect != nullptr && EqualsNoCase(*expect, "100-continue");
}

std::string HostHeaderProblem(const HttpRequest& request, bool http11) {
  size_t hosts = 0;
  for (const auto& [name, value] : request.headers) hosts += EqualsNoCase(name, "Host") ? 1 : 0;
  if (hosts > 1) return "two Host headers";
  if (hosts == 0 && http11) return "an HTTP/1.1 request without a Host header";
  return "";
}

HttpResponse RefusalResponse(int status, std::string_view target) {
  std::string reason = HttpReasonPhrase(status);
  if (!target.starts_with("/api/") && !target.starts_with("/hooks/")) return HttpResponse::Text(status, reason + "\n");
  std::transform(reason.begin(), reason.end(), reason.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return HttpResponse::Json(status, nlohmann::json{{"error", reason}}.dump());
}

void SplitTarget(HttpRequest& request) {
  size_t q = request.target.find('?');
  if (q == std::string::npos) {
    request.path = request.target;
    request.query.clear();
  } else {
    request.path.assign(request.target, 0, q);
    request.query.assign(request.target, q + 1);
  }
}

std::string PeerAddress(const uv_tcp_t* tcp) {
  sockaddr_storage addr{};
  int len = sizeof(addr);
  if (uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return {};
  char text[64] = {};
  if (addr.ss_family == AF_INET) {
    uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&addr), text, sizeof(text));
  } else if (addr.ss_family == AF_INET6) {
    uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&addr), text, sizeof(text));
  }
  return text;
}

uv_buf_t* SkipWritten(uv_buf_t* bufs, unsigned n, size_t written) {
  for (unsigned i = 0; i < n; ++i) {
    if (written < bufs[i].len) {
      bufs[i].base += written;
      bufs[i].len -= written;
      return &bufs[i];
    }
    written -= bufs[i].len;
  }
  return nullptr;
}

}  // namespace vigil
