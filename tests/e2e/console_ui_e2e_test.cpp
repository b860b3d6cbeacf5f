// The web console as the built daemon serves it: every file under console/ at /ui/<path> with its
// bytes, type, ETag and the security headers; /ui redirects; HEAD answers; and the files hold
// nothing the Content-Security-Policy would block (no inline script, style or event handler).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/paths.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testsupport::RawHttpResponse;
namespace fs = std::filesystem;

fs::path ConsoleDir() { return fs::path(testing::SourceDir()) / "console"; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> ConsoleFiles() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(ConsoleDir()))
    if (e.is_regular_file() && !e.path().filename().string().starts_with(".")) out.push_back(fs::relative(e.path(), ConsoleDir()).generic_string());
  return out;
}

RawHttpResponse Get(int port, const std::string& target, const std::string& method = "GET", const std::string& headers = "") {
  testsupport::RawHttpClient c(port);
  c.Send(testsupport::MakeRequest(method, target, "", headers));
  auto r = c.ReadResponse(10s, method == "HEAD");
  EXPECT_TRUE(r) << method << " " << target;
  return r ? *r : RawHttpResponse{};
}

class ConsoleUiE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    d_.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: t0ken\n");
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  }
  DaemonProcess d_;
};

TEST_F(ConsoleUiE2E, EveryConsoleFileIsServedWithItsBytesTypeAndSecurityHeaders) {
  size_t total = 0;
  auto files = ConsoleFiles();
  ASSERT_FALSE(files.empty());
  for (const auto& rel : files) {
    std::string bytes = ReadFile(ConsoleDir() / rel);
    total += bytes.size();
    auto r = Get(d_.port(), "/ui/" + rel);
    ASSERT_EQ(r.status, 200) << rel;
    EXPECT_EQ(r.body, bytes) << rel;
    EXPECT_FALSE(r.HeaderValue("Content-Type").empty()) << rel;
    EXPECT_EQ(r.HeaderValue("Cache-Control"), "no-cache") << rel;
    EXPECT_NE(r.HeaderValue("Content-Security-Policy").find("script-src 'self'"), std::string::npos) << rel;
    EXPECT_EQ(r.HeaderValue("X-Content-Type-Options"), "nosniff") << rel;
    auto again = Get(d_.port(), "/ui/" + rel, "GET", "If-None-Match: " + r.HeaderValue("ETag") + "\r\n");
    EXPECT_EQ(again.status, 304) << rel;
  }
  EXPECT_LT(total, 300u * 1024) << "the console's files are " << total << " bytes";
}

TEST_F(ConsoleUiE2E, UiRedirectsToItsSlashWhichServesTheIndexAndUnknownAssetsAre404) {
  auto redirect = Get(d_.port(), "/ui");
  EXPECT_EQ(redirect.status, 301);
  EXPECT_EQ(redirect.HeaderValue("Location"), "/ui/");
  auto index = Get(d_.port(), "/ui/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.HeaderValue("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.body, ReadFile(ConsoleDir() / "index.html"));
  EXPECT_EQ(index.HeaderValue("X-Frame-Options"), "DENY");
  auto head = Get(d_.port(), "/ui/js/app.js", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.HeaderValue("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Get(d_.port(), "/ui/js/missing.js").status, 404);
  EXPECT_EQ(Get(d_.port(), "/ui/../vigil.yaml").status, 404);
  EXPECT_EQ(Get(d_.port(), "/ui/", "POST").status, 405);
}

// The router's CSP has no 'unsafe-inline': what it would block must not be in the files.
TEST(ConsoleFiles, HoldNoInlineScriptStyleOrEventHandler) {
  const std::regex inline_script(R"(<script(?![^>]*\bsrc=)[^>]*>)", std::regex::icase);
  const std::regex attribute(R"(<[^>]*\s(style|on[a-z]+)\s*=)", std::regex::icase);
  const std::regex js_markup(R"(innerHTML|outerHTML|insertAdjacentHTML|document\.write|setAttribute\(\s*'style'|\beval\(|new Function\()");
  for (const auto& rel : ConsoleFiles()) {
    std::string text = ReadFile(ConsoleDir() / rel);
    if (rel.ends_with(".html")) {
      EXPECT_FALSE(std::regex_search(text, inline_script)) << rel << " has an inline <script>";
      EXPECT_FALSE(std::regex_search(text, attribute)) << rel << " has a style= or on...= attribute";
      EXPECT_EQ(text.find("<style"), std::string::npos) << rel << " has a <style> element";
    }
    if (rel.ends_with(".js")) {
      EXPECT_FALSE(std::regex_search(text, js_markup)) << rel << " writes markup, styles or code from strings";
      EXPECT_EQ(text.find("'style'"), std::string::npos) << rel;
    }
  }
}

}  // namespace
}  // namespace vigil
