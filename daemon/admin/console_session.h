// The console's sign-in, as values: a session is a random id and an expiry, carried in the
// `vigil_session` cookie and signed with HMAC-SHA256. The signing key is derived from the daemon's
// `console_session` key (store/console_session_repo.h: shared by every daemon on the database, kept
// across restarts) and from api.token, so changing the token ends every session. The CSRF token of
// a session is another MAC of its id under the same key: the page holds it (never in a cookie) and
// sends it as X-CSRF-Token with every request that changes something.
//
// Cookie value: "v1.<id>.<expiry unix seconds>.<base64url MAC of 'v1.<id>.<expiry>'>".
//
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/http_types.h"
#include "common/ip_range.h"

namespace vigil {

inline constexpr std::string_view kSessionCookie = "vigil_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

struct ConsoleSession {
  std::string id;       // 32 hex digits
  int64_t expires = 0;  // unix seconds
};

// The key that signs sessions and CSRF tokens, from the daemon's key and the API token.
std::string SessionSigningKey(std::string_view daemon_key, std::string_view api_token);

// A new session expiring `ttl_seconds` after `now` (unix seconds), with a random id.
ConsoleSession NewConsoleSession(int64_t now, int64_t ttl_seconds);

std::string SessionCookieValue(std::string_view signing_key, const ConsoleSession& session);

// The session a cookie value names, if its MAC holds under the key and it has not expired by
// `now`; nullopt otherwise (malformed, forged, signed under another token, or expired).
std::optional<ConsoleSession> VerifySessionCookie(std::string_view signing_key, std::string_view value, int64_t now);

std::string CsrfToken(std::string_view signing_key, const ConsoleSession& session);
// Compared in constant time.
bool CsrfTokenValid(std::string_view signing_key, const ConsoleSession& session, std::string_view token);

// The value of cookie `name` among the request's Cookie headers; nullopt when it is not sent.
std::optional<std::string> RequestCookie(const HttpRequest& req, std::string_view name);

// Set-Cookie values: a session cookie (HttpOnly, SameSite=Strict, Path=/, Max-Age, and Secure when
// `secure`), and one that removes it.
std::string SessionSetCookie(const std::string& value, int64_t max_age_seconds, bool secure);
std::string SessionClearCookie(bool secure);

// True when the request reached a proxy over TLS: the peer is one of `trusted_proxies` and it says
// so (X-Forwarded-Proto's last value, or Forwarded's last proto=, is https). A request that came
// straight to the daemon is plain HTTP (the daemon does not serve TLS).
bool CameOverTls(const HttpRequest& req, const std::vector<CidrRange>& trusted_proxies);

// True when `given` is the API token. HMACs of both are compared in constant time, so neither the
// token's length nor its content shows in the timing. The bearer check and the sign-in both use it.
bool ApiTokenMatches(std::string_view given, std::string_view token);

// POST, PUT, PATCH and DELETE: the methods a cookie-borne request needs a CSRF token for.
bool ChangesState(std::string_view method);

}  // namespace vigil
