// The console's session cookie and CSRF token as values (daemon/admin/console_session.h).
#include "daemon/admin/console_session.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

constexpr int64_t kNow = 1'800'000'000;

std::string Key(const std::string& token = "api-token") { return SessionSigningKey("daemon-key-bytes", token); }

TEST(ConsoleSession, ACookieVerifiesUnderItsKeyUntilItExpires) {
  ConsoleSession s = NewConsoleSession(kNow, 3600);
  EXPECT_EQ(s.id.size(), 32u);
  EXPECT_EQ(s.expires, kNow + 3600);
  std::string cookie = SessionCookieValue(Key(), s);
  auto back = VerifySessionCookie(Key(), cookie, kNow + 10);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, s.id);
  EXPECT_EQ(back->expires, s.expires);
  EXPECT_FALSE(VerifySessionCookie(Key(), cookie, kNow + 3600)) << "expired at its expiry";
  EXPECT_NE(NewConsoleSession(kNow, 60).id, NewConsoleSession(kNow, 60).id);
}

TEST(ConsoleSession, AnotherTokenOrDaemonKeyRefusesTheCookie) {
  std::string cookie = SessionCookieValue(Key(), NewConsoleSession(kNow, 3600));
  EXPECT_FALSE(VerifySessionCookie(Key("new-token"), cookie, kNow));
  EXPECT_FALSE(VerifySessionCookie(SessionSigningKey("other-daemon-key", "api-token"), cookie, kNow));
}

TEST(ConsoleSession, ForgedAndMalformedCookiesAreRefused) {
  ConsoleSession s = NewConsoleSession(kNow, 3600);
  std::string cookie = SessionCookieValue(Key(), s);
  // A later expiry under the old MAC.
  std::string longer = "v1." + s.id + "." + std::to_string(s.expires + 999999) + cookie.substr(cookie.rfind('.'));
  EXPECT_FALSE(VerifySessionCookie(Key(), longer, kNow));
  std::string flipped = cookie;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifySessionCookie(Key(), flipped, kNow));
  for (const std::string& bad : std::vector<std::string>{"", "v1", "v1.", "v1..", "v1...", "v2" + cookie.substr(2), "v1.zz." + std::to_string(kNow + 5) + ".x",
                          "v1." + s.id + ".12x." + cookie.substr(cookie.rfind('.') + 1), std::string(5000, 'v'),
                          "v1." + s.id + ".99999999999999999999999." + cookie.substr(cookie.rfind('.') + 1)}) {
    EXPECT_FALSE(VerifySessionCookie(Key(), bad, kNow)) << bad;
  }
}

TEST(ConsoleSession, CsrfTokenBelongsToItsSessionAndKey) {
  ConsoleSession a = NewConsoleSession(kNow, 3600), b = NewConsoleSession(kNow, 3600);
  std::string token = CsrfToken(Key(), a);
  EXPECT_TRUE(CsrfTokenValid(Key(), a, token));
  EXPECT_FALSE(CsrfTokenValid(Key(), b, token));
  EXPECT_FALSE(CsrfTokenValid(Key("new-token"), a, token));
  EXPECT_FALSE(CsrfTokenValid(Key(), a, ""));
  EXPECT_NE(token, SessionCookieValue(Key(), a)) << "the CSRF token is not the cookie";
}

TEST(ConsoleSession, RequestCookieFindsItsNameAmongOthers) {
  HttpRequest req;
  req.headers = {{"Cookie", "theme=dark; vigil_session_old=1"}, {"cookie", " other=2 ;vigil_session=\"v1.abc\" ; x=y"}};
  EXPECT_EQ(RequestCookie(req, kSessionCookie), "v1.abc");
  EXPECT_EQ(RequestCookie(req, "theme"), "dark");
  EXPECT_FALSE(RequestCookie(req, "missing"));
  EXPECT_FALSE(RequestCookie(HttpRequest{}, kSessionCookie));
}

TEST(ConsoleSession, SetCookieCarriesItsAttributes) {
  EXPECT_EQ(SessionSetCookie("v", 60, false), "vigil_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Strict");
  EXPECT_EQ(SessionSetCookie("v", 60, true), "vigil_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(SessionClearCookie(false), "vigil_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}

TEST(ConsoleSession, TlsIsBelievedOnlyFromATrustedProxy) {
  std::vector<CidrRange> proxies = {*CidrRange::Parse("10.0.0.0/8"), *CidrRange::Parse("::1")};
  HttpRequest req;
  req.remote_addr = "10.1.2.3";
  EXPECT_FALSE(CameOverTls(req, proxies)) << "no header";
  req.headers = {{"X-Forwarded-Proto", "http, HTTPS"}};
  EXPECT_TRUE(CameOverTls(req, proxies)) << "the nearest proxy's word counts";
  req.headers = {{"X-Forwarded-Proto", "https, http"}};
  EXPECT_FALSE(CameOverTls(req, proxies));
  req.headers = {{"Forwarded", "for=1.2.3.4;proto=http, for=5.6.7.8;proto=\"https\";by=x"}};
  EXPECT_TRUE(CameOverTls(req, proxies));
  req.remote_addr = "192.0.2.1";
  req.headers = {{"X-Forwarded-Proto", "https"}};
  EXPECT_FALSE(CameOverTls(req, proxies)) << "an untrusted peer's header is ignored";
  EXPECT_FALSE(CameOverTls(req, {}));
  req.remote_addr = "::1";
  EXPECT_TRUE(CameOverTls(req, proxies));
}

TEST(ConsoleSession, ApiTokenMatchesOnlyTheWholeToken) {
  EXPECT_TRUE(ApiTokenMatches("s3cret-token", "s3cret-token"));
  EXPECT_FALSE(ApiTokenMatches("s3cret-toke", "s3cret-token"));
  EXPECT_FALSE(ApiTokenMatches("s3cret-token ", "s3cret-token"));
  EXPECT_FALSE(ApiTokenMatches("", "s3cret-token"));
}

TEST(ConsoleSession, OnlyStateChangingMethodsNeedCsrf) {
  for (const char* m : {"POST", "PUT", "PATCH", "DELETE"}) EXPECT_TRUE(ChangesState(m)) << m;
  for (const char* m : {"GET", "HEAD", "OPTIONS"}) EXPECT_FALSE(ChangesState(m)) << m;
}

}  // namespace
}  // namespace vigil
