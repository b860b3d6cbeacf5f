#include "daemon/admin/console_session.h"

#include <openssl/rand.h>

#include <charconv>

#include "common/ascii.h"
#include "common/base64.h"
#include "common/hex.h"
#include "common/hmac.h"

namespace vigil {
namespace {

std::string Mac(std::string_view key, std::string_view data) {
  return Base64Encode(HmacSha256(key, data), Base64Alphabet::kUrlSafe, false);
}

std::string SignedPart(const ConsoleSession& s) { return "v1." + s.id + "." + std::to_string(s.expires); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The last element of a comma-separated header value: what the proxy nearest to us wrote.
std::string_view LastElement(std::string_view value) {
  size_t comma = value.rfind(',');
  return Trim(comma == std::string_view::npos ? value : value.substr(comma + 1));
}

bool ProtoIsHttps(const HttpRequest& req) {
  if (const std::string* proto = req.Header("X-Forwarded-Proto")) return EqualsIgnoreAsciiCase(LastElement(*proto), "https");
  if (const std::string* fwd = req.Header("Forwarded")) {
    std::string_view last = LastElement(*fwd);
    size_t start = 0;
    while (start <= last.size()) {
      size_t semi = last.find(';', start);
      std::string_view pair = Trim(last.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start));
      if (pair.size() > 6 && EqualsIgnoreAsciiCase(pair.substr(0, 6), "proto=")) {
        std::string_view v = pair.substr(6);
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return EqualsIgnoreAsciiCase(v, "https");
      }
      if (semi == std::string_view::npos) break;
      start = semi + 1;
    }
  }
  return false;
}

}  // namespace

std::string SessionSigningKey(std::string_view daemon_key, std::string_view api_token) {
  // The token is hashed first so that its length does not change the key's derivation.
  return HmacSha256(daemon_key, "vigil console session\n" + HmacSha256("vigil api token", api_token));
}

ConsoleSession NewConsoleSession(int64_t now, int64_t ttl_seconds) {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  return {HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes)), now + ttl_seconds};
}

std::string SessionCookieValue(std::string_view signing_key, const ConsoleSession& session) {
  std::string signed_part = SignedPart(session);
  return signed_part + "." + Mac(signing_key, signed_part);
}

std::optional<ConsoleSession> VerifySessionCookie(std::string_view signing_key, std::string_view value, int64_t now) {
  if (value.size() > 200 || !value.starts_with("v1.")) return std::nullopt;
  size_t id_end = value.find('.', 3);
  if (id_end == std::string_view::npos) return std::nullopt;
  size_t exp_end = value.find('.', id_end + 1);
  if (exp_end == std::string_view::npos) return std::nullopt;
  ConsoleSession s;
  s.id = std::string(value.substr(3, id_end - 3));
  std::string_view expires = value.substr(id_end + 1, exp_end - id_end - 1);
  auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), s.expires);
  if (ec != std::errc() || end != expires.data() + expires.size()) return std::nullopt;
  if (s.id.size() != 32 || !HexDecode(s.id).ok()) return std::nullopt;
  if (!ConstantTimeEquals(Mac(signing_key, value.substr(0, exp_end)), value.substr(exp_end + 1))) return std::nullopt;
  if (s.expires <= now) return std::nullopt;
  return s;
}

std::string CsrfToken(std::string_view signing_key, const ConsoleSession& session) {
  return Mac(signing_key, "csrf." + session.id);
}

bool CsrfTokenValid(std::string_view signing_key, const ConsoleSession& session, std::string_view token) {
  return ConstantTimeEquals(CsrfToken(signing_key, session), token);
}

std::optional<std::string> RequestCookie(const HttpRequest& req, std::string_view name) {
  for (const auto& [header, value] : req.headers) {
    if (!EqualsIgnoreAsciiCase(header, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) continue;
      std::string_view v = Trim(pair.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
  }
  return std::nullopt;
}

std::string SessionSetCookie(const std::string& value, int64_t max_age_seconds, bool secure) {
  return std::string(kSessionCookie) + "=" + value + "; Path=/; Max-Age=" + std::to_string(max_age_seconds) +
         "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

std::string SessionClearCookie(bool secure) { return SessionSetCookie("", 0, secure); }

bool CameOverTls(const HttpRequest& req, const std::vector<CidrRange>& trusted_proxies) {
  auto peer = IpAddress::Parse(req.remote_addr);
  if (!peer) return false;
  bool trusted = false;
  for (const auto& range : trusted_proxies) trusted = trusted || range.Contains(*peer);
  return trusted && ProtoIsHttps(req);
}

bool ApiTokenMatches(std::string_view given, std::string_view token) {
  return ConstantTimeEquals(HmacSha256("vigil-api", given), HmacSha256("vigil-api", token));
}

bool ChangesState(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace vigil
