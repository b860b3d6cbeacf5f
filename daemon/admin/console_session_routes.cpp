// The console's sign-in under /api/v1/session, and the check of a session cookie that AdminApi
// runs before any other route when a request carries the cookie instead of a bearer token (see
// console_session.h for the cookie and the CSRF token):
//   GET    /api/v1/session   {"token_configured", "signed_in", "csrf_token", "expires_at"}; no auth
//   POST   /api/v1/session   {"token": "<api.token>"} → the same, and the cookie (Set-Cookie)
//   DELETE /api/v1/session   sign-out: the session is recorded as ended and the cookie cleared
// Reads api.session_ttl and http.trusted_proxies (a proxy's word that the client came over TLS
// marks the cookie Secure). Handlers run on the request-path DbThread.
#include <spdlog/spdlog.h>

#include "common/iso8601.h"
#include "common/json_depth.h"
#include "config/trusted_proxies.h"
#include "daemon/admin/admin_api.h"
#include "daemon/admin/console_session.h"
#include "store/console_session_repo.h"

namespace vigil {
namespace {

constexpr int kFailedSignInsPerMinute = 10;

int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool SecureCookies(const Config& config, const HttpRequest& req) {
  auto proxies = TrustedProxies(config);
  return proxies.ok() && CameOverTls(req, *proxies);
}

nlohmann::json SessionJson(bool token_configured, const std::string& signing_key, const ConsoleSession* session) {
  nlohmann::json out = {{"token_configured", token_configured}, {"signed_in", session != nullptr}};
  if (session != nullptr) {
    out["csrf_token"] = CsrfToken(signing_key, *session);
    out["expires_at"] = FormatUtcZ(std::chrono::system_clock::from_time_t(session->expires));
  }
  return out;
}

// The token a sign-in form sent: {"token": "..."}.
Result<std::string> SignInToken(const HttpRequest& req) {
  if (!JsonDepthAllowed(req.body)) return Status::Error("the body: " + JsonTooDeepMessage());
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return Status::Error("the body must be a JSON object: {\"token\": \"...\"}");
  auto token = body.find("token");
  if (token == body.end() || !token->is_string() || token->get_ref<const std::string&>().empty())
    return Status::Error("token is required: the api.token of the daemon's config");
  return token->get<std::string>();
}

}  // namespace

Result<std::string> AdminApi::SigningKey(SqlConnection& db, const std::string& token) {
  std::lock_guard lock(key_mu_);
  if (daemon_key_.empty()) {
    auto key = DaemonKey(db, "console_session", std::chrono::system_clock::now());
    if (!key.ok()) return key.status();
    daemon_key_ = *key;
  }
  return SessionSigningKey(daemon_key_, token);
}

bool AdminApi::SignInAllowed(const std::string& peer, bool failed) {
  std::lock_guard lock(key_mu_);
  auto now = std::chrono::steady_clock::now();
  if (failed_sign_ins_.size() > 1000) failed_sign_ins_.clear();
  auto& [window_start, count] = failed_sign_ins_[peer];
  if (now - window_start > std::chrono::minutes(1)) window_start = now, count = 0;
  if (failed) ++count;
  return count < kFailedSignInsPerMinute;
}

std::optional<HttpResponse> AdminApi::CheckSession(SqlConnection* db, const HttpRequest& req, const std::string& token,
                                                   const std::string& cookie, ConsoleSession* session) {
  if (db == nullptr) {
    auto res = ApiError(503, "database unavailable");
    res.headers.emplace_back("Retry-After", "5");
    return res;
  }
  auto key = SigningKey(*db, token);
  if (!key.ok()) {
    spdlog::error("console session key: {}", key.error());
    return ApiError(503, "the console's session key could not be read; see the daemon's log");
  }
  auto verified = VerifySessionCookie(*key, cookie, NowUnix());
  if (!verified) return ApiError(401, "the console session is not valid (expired, signed out, or api.token changed): sign in again");
  auto ended = ConsoleSessionEnded(*db, verified->id);
  if (!ended.ok()) return ApiError(503, "database unavailable");
  if (*ended) return ApiError(401, "the console session was signed out: sign in again");
  if (ChangesState(req.method)) {
    const std::string* csrf = req.Header(kCsrfHeader);
    if (csrf == nullptr || !CsrfTokenValid(*key, *verified, *csrf)) return ApiError(403, "missing or invalid CSRF token");
  }
  if (session != nullptr) *session = *verified;
  return std::nullopt;
}

HttpResponse AdminApi::SessionRoute(SqlConnection* db, const HttpRequest& req, const Config& config) {
  std::string token = config.GetString("api.token");
  bool secure = SecureCookies(config, req);
  auto cookie = RequestCookie(req, kSessionCookie);
  if (req.method == "GET" || req.method == "HEAD") {
    if (token.empty() || !cookie) return ApiJson(200, SessionJson(!token.empty(), "", nullptr));
    ConsoleSession session;
    if (CheckSession(db, req, token, *cookie, &session)) return ApiJson(200, SessionJson(true, "", nullptr));
    return ApiJson(200, SessionJson(true, *SigningKey(*db, token), &session));
  }
  if (req.method == "DELETE") {
    ConsoleSession session;
    if (cookie && !token.empty()) {
      auto refused = CheckSession(db, req, token, *cookie, &session);
      // A live session without its CSRF token, or a database that cannot record the sign-out:
      // answering 204 then would leave copies of the cookie working.
      if (refused && (refused->status == 403 || refused->status == 503)) return *refused;
      if (!refused) {
        auto now = std::chrono::system_clock::now();
        Status s = EndConsoleSession(*db, session.id, std::chrono::system_clock::from_time_t(session.expires), now);
        if (!s.ok()) return ApiError(503, "the sign-out could not be stored: " + s.message());
      }
    }
    HttpResponse res;
    res.status = 204;
    res.headers.emplace_back("Set-Cookie", SessionClearCookie(secure));
    return res;
  }
  if (req.method != "POST") return ApiError(405, "method not allowed");
  if (token.empty())
    return ApiError(403, "the console needs api.token: set it in the config (api: {token: ${VIGIL_API_TOKEN}} or token_file:), then reload");
  if (!SignInAllowed(req.remote_addr, false)) return ApiError(429, "too many failed sign-ins from this address; try again in a minute");
  auto given = SignInToken(req);
  if (!given.ok()) return ApiError(400, given.error());
  if (!ApiTokenMatches(*given, token)) {
    SignInAllowed(req.remote_addr, true);
    spdlog::warn("console: failed sign-in from {}", req.remote_addr);
    return ApiError(401, "invalid token");
  }
  if (db == nullptr) return ApiError(503, "database unavailable");
  auto key = SigningKey(*db, token);
  if (!key.ok()) return ApiError(503, "the console's session key could not be read: " + key.error());
  int64_t ttl = std::chrono::duration_cast<std::chrono::seconds>(config.GetDuration("api.session_ttl")).count();
  ConsoleSession session = NewConsoleSession(NowUnix(), ttl);
  auto res = ApiJson(200, SessionJson(true, *key, &session));
  res.headers.emplace_back("Set-Cookie", SessionSetCookie(SessionCookieValue(*key, session), ttl, secure));
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

}  // namespace vigil
