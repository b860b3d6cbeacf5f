// The console's sign-in through the built binary: the API token exchanged for a session cookie,
// the cookie reading the API, CSRF tokens on changes, sign-out, a session outliving a restart and
// ending with a new token, the security headers on every answer, and (on PostgreSQL) a session
// working on every daemon sharing the database.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testsupport::RawHttpResponse;

RawHttpResponse Call(int port, const std::string& method, const std::string& target, const std::string& headers = "",
                     const std::string& body = "") {
  testsupport::RawHttpClient c(port);
  c.Send(testsupport::MakeRequest(method, target, body, headers + (body.empty() ? "" : "Content-Type: application/json\r\n")));
  auto r = c.ReadResponse(10s);
  EXPECT_TRUE(r) << method << " " << target;
  return r ? *r : RawHttpResponse{};
}

nlohmann::json Body(const RawHttpResponse& r) { return nlohmann::json::parse(r.body, nullptr, false); }

// The cookie's "name=value" from a sign-in's Set-Cookie.
std::string CookieOf(const RawHttpResponse& r) {
  std::string set = r.HeaderValue("Set-Cookie");
  return set.substr(0, set.find(';'));
}

struct Session {
  std::string cookie;  // "vigil_session=..."
  std::string csrf;
};

Session SignIn(int port, const std::string& token) {
  auto r = Call(port, "POST", "/api/v1/session", "", nlohmann::json{{"token", token}}.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  return {CookieOf(r), Body(r).value("csrf_token", "")};
}

std::string Config(const std::string& token, const std::string& url = "sqlite:vigil.db") {
  std::string yaml = "database:\n  url: " + url + "\nhttp:\n  listen: 127.0.0.1:${PORT}\n  trusted_proxies: [127.0.0.2]\n";
  if (!token.empty()) yaml += "api:\n  token: " + token + "\n  session_ttl: 1h\n";
  return yaml;
}

class ConsoleSessionE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    d_.WriteConfig(Config("s3cret-token"));
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  }
  int port() const { return d_.port(); }
  DaemonProcess d_;
};

TEST_F(ConsoleSessionE2E, TheRightTokenGivesAnHttpOnlyStrictCookieAndTheWrongOneNothing) {
  auto before = Call(port(), "GET", "/api/v1/session");
  EXPECT_EQ(before.status, 200);
  EXPECT_EQ(Body(before), (nlohmann::json{{"token_configured", true}, {"signed_in", false}}));
  auto wrong = Call(port(), "POST", "/api/v1/session", "", R"({"token": "s3cret-tokeN"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(Body(wrong)["error"], "invalid token");
  EXPECT_EQ(wrong.Header("Set-Cookie"), nullptr);
  EXPECT_EQ(Call(port(), "POST", "/api/v1/session", "", R"({"tok": 1})").status, 400);
  EXPECT_EQ(Call(port(), "POST", "/api/v1/session", "", std::string(100000, '[')).status, 400);

  auto right = Call(port(), "POST", "/api/v1/session", "", R"({"token": "s3cret-token"})");
  ASSERT_EQ(right.status, 200) << right.body;
  std::string set = right.HeaderValue("Set-Cookie");
  EXPECT_TRUE(set.starts_with("vigil_session=v1.")) << set;
  for (const char* attr : {"; HttpOnly", "; SameSite=Strict", "; Path=/", "; Max-Age=3600"}) EXPECT_NE(set.find(attr), std::string::npos) << set;
  EXPECT_EQ(set.find("Secure"), std::string::npos) << "plain HTTP from a client that is no proxy";
  auto body = Body(right);
  EXPECT_EQ(body["signed_in"], true);
  EXPECT_FALSE(body["csrf_token"].get<std::string>().empty());
  EXPECT_TRUE(body["expires_at"].get<std::string>().ends_with("Z"));

  auto now = Call(port(), "GET", "/api/v1/session", "Cookie: " + CookieOf(right) + "\r\n");
  EXPECT_EQ(Body(now)["signed_in"], true);
  EXPECT_EQ(Body(now)["csrf_token"], body["csrf_token"]);
}

TEST_F(ConsoleSessionE2E, TheCookieReadsTheApiAndEveryChangeNeedsItsCsrfToken) {
  Session s = SignIn(port(), "s3cret-token");
  std::string cookie = "Cookie: " + s.cookie + "\r\n";
  EXPECT_EQ(Call(port(), "GET", "/api/v1/pauses", cookie).status, 200);
  EXPECT_EQ(Call(port(), "GET", "/api/v1/pauses").status, 401);
  EXPECT_EQ(Call(port(), "GET", "/api/v1/pauses", "Cookie: vigil_session=v1.forged\r\n").status, 401);

  // A cross-site form post carries the cookie (were it not SameSite) but never the CSRF token.
  auto forged = Call(port(), "POST", "/api/v1/pauses", cookie, R"({"kind": "noop"})");
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(Body(forged)["error"], "missing or invalid CSRF token");
  EXPECT_EQ(Call(port(), "POST", "/api/v1/pauses", cookie + "X-CSRF-Token: " + s.csrf + "x\r\n", R"({"kind": "noop"})").status, 403);
  EXPECT_EQ(Body(Call(port(), "GET", "/api/v1/pauses", cookie))["items"].size(), 0u) << "nothing was paused";

  EXPECT_EQ(Call(port(), "POST", "/api/v1/pauses", cookie + "X-CSRF-Token: " + s.csrf + "\r\n", R"({"kind": "noop"})").status, 201);
  EXPECT_EQ(Body(Call(port(), "GET", "/api/v1/pauses", cookie))["items"].size(), 1u);
  // Scripts with the bearer token need no CSRF token.
  EXPECT_EQ(Call(port(), "DELETE", "/api/v1/pauses/kind/noop", "Authorization: Bearer s3cret-token\r\n").status, 200);
}

TEST_F(ConsoleSessionE2E, SignOutEndsTheSessionForEveryCopyOfTheCookie) {
  Session s = SignIn(port(), "s3cret-token");
  std::string cookie = "Cookie: " + s.cookie + "\r\n";
  EXPECT_EQ(Call(port(), "DELETE", "/api/v1/session", cookie).status, 403) << "sign-out needs the CSRF token too";
  auto out = Call(port(), "DELETE", "/api/v1/session", cookie + "X-CSRF-Token: " + s.csrf + "\r\n");
  EXPECT_EQ(out.status, 204);
  EXPECT_TRUE(out.HeaderValue("Set-Cookie").starts_with("vigil_session=; Path=/; Max-Age=0")) << out.HeaderValue("Set-Cookie");
  auto after = Call(port(), "GET", "/api/v1/pauses", cookie);
  EXPECT_EQ(after.status, 401);
  EXPECT_NE(Body(after)["error"].get<std::string>().find("signed out"), std::string::npos) << after.body;
  EXPECT_EQ(Body(Call(port(), "GET", "/api/v1/session", cookie))["signed_in"], false);
  EXPECT_EQ(Call(port(), "GET", "/api/v1/pauses", "Cookie: " + SignIn(port(), "s3cret-token").cookie + "\r\n").status, 200);
}

TEST_F(ConsoleSessionE2E, ASessionOutlivesARestartAndEndsWhenTheTokenChanges) {
  Session s = SignIn(port(), "s3cret-token");
  std::string cookie = "Cookie: " + s.cookie + "\r\n";
  d_.Signal(SIGTERM);
  ASSERT_EQ(d_.Wait(10s), 0) << d_.Stderr();
  ASSERT_TRUE(d_.Start({"run", "--config", d_.config_path()}));
  // (READY=1 of the first run is already on record: wait for the listener instead.)
  ASSERT_TRUE(testing::WaitFor([&] { return testsupport::RawHttpClient(port()).connected(); }, 20s, 50ms)) << d_.Stderr();
  EXPECT_EQ(Call(port(), "GET", "/api/v1/pauses", cookie).status, 200) << "the signing key is the database's";

  d_.WriteConfig(Config("a-new-token"));
  d_.Signal(SIGHUP);
  EXPECT_TRUE(testing::WaitFor([&] { return Call(port(), "GET", "/api/v1/pauses", cookie).status == 401; }, 5s, 50ms));
  EXPECT_EQ(Call(port(), "GET", "/api/v1/pauses", "Cookie: " + SignIn(port(), "a-new-token").cookie + "\r\n").status, 200);
}

TEST_F(ConsoleSessionE2E, RepeatedFailedSignInsFromOneAddressAreRefusedForAMinute) {
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Call(port(), "POST", "/api/v1/session", "", R"({"token": "guess"})").status, 401);
  auto blocked = Call(port(), "POST", "/api/v1/session", "", R"({"token": "s3cret-token"})");
  EXPECT_EQ(blocked.status, 429) << blocked.body;
  EXPECT_EQ(blocked.Header("Set-Cookie"), nullptr);
  EXPECT_EQ(Call(port(), "GET", "/api/v1/pauses", "Authorization: Bearer s3cret-token\r\n").status, 200) << "the bearer token still works";
}

TEST_F(ConsoleSessionE2E, ACookieIsSecureOnlyWhenATrustedProxySaysTheClientCameOverTls) {
  auto direct = Call(port(), "POST", "/api/v1/session", "X-Forwarded-Proto: https\r\n", R"({"token": "s3cret-token"})");
  EXPECT_EQ(direct.HeaderValue("Set-Cookie").find("Secure"), std::string::npos) << "127.0.0.1 is no trusted proxy here";

  DaemonProcess behind;  // a daemon whose proxy runs on the same host
  std::string yaml = Config("s3cret-token");
  yaml.replace(yaml.find("127.0.0.2"), 9, "127.0.0.1");
  behind.WriteConfig(yaml);
  ASSERT_TRUE(behind.StartDaemon()) << behind.Stderr();
  auto tls = Call(behind.port(), "POST", "/api/v1/session", "X-Forwarded-Proto: https\r\n", R"({"token": "s3cret-token"})");
  EXPECT_TRUE(tls.HeaderValue("Set-Cookie").ends_with("; Secure")) << tls.HeaderValue("Set-Cookie");
  auto plain = Call(behind.port(), "POST", "/api/v1/session", "X-Forwarded-Proto: http\r\n", R"({"token": "s3cret-token"})");
  EXPECT_EQ(plain.HeaderValue("Set-Cookie").find("Secure"), std::string::npos);
}

TEST_F(ConsoleSessionE2E, EveryAnswerCarriesTheSecurityHeaders) {
  for (const char* target : {"/healthz", "/api/v1/session", "/api/v1/watchers", "/no/such/page"}) {
    auto r = Call(port(), "GET", target);
    std::string csp = r.HeaderValue("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << target << ": " << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << target;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << target;
    EXPECT_EQ(r.HeaderValue("X-Frame-Options"), "DENY") << target;
    EXPECT_EQ(r.HeaderValue("Referrer-Policy"), "no-referrer") << target;
    EXPECT_EQ(r.HeaderValue("X-Content-Type-Options"), "nosniff") << target;
  }
}

TEST(ConsoleSessionWithoutToken, TheConsoleSaysHowToSetOneAndSignsNobodyIn) {
  DaemonProcess d;
  d.WriteConfig(Config(""));
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  EXPECT_EQ(Body(Call(d.port(), "GET", "/api/v1/session")), (nlohmann::json{{"token_configured", false}, {"signed_in", false}}));
  auto r = Call(d.port(), "POST", "/api/v1/session", "", R"({"token": ""})");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(Body(r)["error"].get<std::string>().find("api.token"), std::string::npos) << r.body;
}

TEST(ConsoleSessionConfig, ABadTrustedProxyIsAConfigError) {
  DaemonProcess d;
  d.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  trusted_proxies: [10.0.0.0/8, 10.0.0.0/33]\n");
  auto [rc, out] = testing::RunVigil({"check", "--config", d.config_path()});
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("http.trusted_proxies[1]"), std::string::npos) << out;
  EXPECT_NE(out.find("33"), std::string::npos) << out;
}

TEST(ConsoleSessionPostgres, ASessionWorksOnEveryDaemonSharingTheDatabase) {
  testing::TestDb pg("postgres");
  DaemonProcess a, b;
  a.WriteConfig(Config("s3cret-token", pg.url()));
  b.WriteConfig(Config("s3cret-token", pg.url()));
  ASSERT_TRUE(a.StartDaemon()) << a.Stderr();
  ASSERT_TRUE(b.StartDaemon()) << b.Stderr();
  Session s = SignIn(a.port(), "s3cret-token");
  std::string cookie = "Cookie: " + s.cookie + "\r\n";
  EXPECT_EQ(Call(b.port(), "GET", "/api/v1/pauses", cookie).status, 200);
  EXPECT_EQ(Call(b.port(), "POST", "/api/v1/pauses", cookie + "X-CSRF-Token: " + s.csrf + "\r\n", R"({"queue": "default"})").status, 201);
  EXPECT_EQ(Call(b.port(), "DELETE", "/api/v1/session", cookie + "X-CSRF-Token: " + s.csrf + "\r\n").status, 204);
  EXPECT_EQ(Call(a.port(), "GET", "/api/v1/pauses", cookie).status, 401) << "signed out on b, refused on a";
}

}  // namespace
}  // namespace vigil
