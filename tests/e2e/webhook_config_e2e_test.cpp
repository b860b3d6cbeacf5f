// A new user's webhook config through the built binary: the secret read from `secret_file:`, an
// unquoted all-digit secret taken as written, a trigger mismatch answering a bare 204, and
// `vigil import-hooks` keeping secrets out of what it prints.
#include <gtest/gtest.h>
#include <signal.h>

#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/unit/fixtures_dir.h"
#include "tests/unit/webhook_test_requests.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::Wire;
using testing::RunVigil;
using testsupport::RawHttpClient;
using testsupport::RawHttpResponse;

const char* kFileSecret = "secret-from-a-file";
const char* kDigitSecret = "0123456789";

const char* kConfig = R"(database:
  url: sqlite:vigil.db
http:
  listen: 127.0.0.1:${PORT}
watchers:
  - name: gh-file
    type: webhook
    verify:
      scheme: github
      secret_file: gh-secret
  - name: gh-digits
    type: webhook
    verify:
      scheme: github
      secret: 0123456789
    trigger:
      match: {type: value, value: push, source: header, name: X-GitHub-Event}
)";

class WebhookConfigE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    daemon_ = new DaemonProcess();
    daemon_->dir().Write("gh-secret", std::string(kFileSecret) + "\n");
    daemon_->WriteConfig(kConfig);
    ASSERT_TRUE(daemon_->StartDaemon()) << daemon_->Stderr();
  }
  static void TearDownTestSuite() {
    daemon_->Signal(SIGTERM);
    EXPECT_EQ(daemon_->Wait(10s), 0) << daemon_->Stderr();
    delete daemon_;
    daemon_ = nullptr;
  }

  static std::optional<RawHttpResponse> Send(const std::string& secret, const std::string& event,
                                             const std::string& delivery, const std::string& path) {
    std::string body = testing::ReadFixture("webhooks/github/push.json");
    RawHttpClient client(daemon_->port());
    if (!client.connected()) return std::nullopt;
    client.Send(Wire(testing::GithubRequest(secret, event, delivery, body, path)));
    return client.ReadResponse(5s);
  }

  static DaemonProcess* daemon_;
};

DaemonProcess* WebhookConfigE2E::daemon_ = nullptr;

TEST_F(WebhookConfigE2E, SecretFileHoldsTheHooksSecret) {
  auto signed_ok = Send(kFileSecret, "push", "cfg-file-1", "/hooks/gh-file");
  ASSERT_TRUE(signed_ok);
  EXPECT_EQ(signed_ok->status, 202) << signed_ok->body;
  auto with_newline = Send(std::string(kFileSecret) + "\n", "push", "cfg-file-2", "/hooks/gh-file");
  ASSERT_TRUE(with_newline);
  EXPECT_EQ(with_newline->status, 401);
}

TEST_F(WebhookConfigE2E, UnquotedDigitSecretKeepsItsLeadingZero) {
  auto as_written = Send(kDigitSecret, "push", "cfg-digits-1", "/hooks/gh-digits");
  ASSERT_TRUE(as_written);
  EXPECT_EQ(as_written->status, 202) << as_written->body;
  auto as_number = Send("123456789", "push", "cfg-digits-2", "/hooks/gh-digits");
  ASSERT_TRUE(as_number);
  EXPECT_EQ(as_number->status, 401);
}

TEST_F(WebhookConfigE2E, TriggerMismatchIsA204WithoutBodyHeaders) {
  std::string body = testing::ReadFixture("webhooks/github/push.json");
  RawHttpClient client(daemon_->port());
  ASSERT_TRUE(client.connected());
  // Two on one connection: had the 204 carried a body, the second answer would start inside it.
  ASSERT_TRUE(client.Send(Wire(testing::GithubRequest(kDigitSecret, "ping", "cfg-204", body, "/hooks/gh-digits")) +
                          Wire(testing::GithubRequest(kDigitSecret, "push", "cfg-204-push", body, "/hooks/gh-digits"))));
  auto mismatch = client.ReadResponse(5s);
  ASSERT_TRUE(mismatch);
  EXPECT_EQ(mismatch->status, 204);
  EXPECT_EQ(mismatch->Header("Content-Type"), nullptr);
  EXPECT_EQ(mismatch->Header("Content-Length"), nullptr);
  auto next = client.ReadResponse(5s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 202) << next->body;
}

// adnanh/webhook's GitHub example with a generic HMAC header and two IP ranges.
const char* kHooks = R"([{
  "id": "redeploy",
  "execute-command": "/var/scripts/redeploy.sh",
  "trigger-rule": {"and": [
    {"match": {"type": "payload-hmac-sha256", "secret": "adnanh-secret",
               "parameter": {"source": "header", "name": "X-Signature"}}},
    {"or": [{"match": {"type": "ip-whitelist", "ip-range": "10.0.0.0/8"}},
            {"match": {"type": "ip-whitelist", "ip-range": "192.168.1.0/24"}}]}
  ]}
}])";

TEST(ImportHooksCli, PrintsSecretsAsVariablesAndTheValuesOnlyWhenAsked) {
  DaemonProcess d;
  std::string hooks = d.dir().Write("hooks.json", kHooks);
  auto [code, out] = RunVigil({"import-hooks", hooks});
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(out.find("adnanh-secret"), std::string::npos) << out;
  EXPECT_NE(out.find("secret: ${WEBHOOK_REDEPLOY_SECRET}"), std::string::npos) << out;
  EXPECT_NE(out.find("#   WEBHOOK_REDEPLOY_SECRET  (hook redeploy's secret)"), std::string::npos) << out;
  EXPECT_NE(out.find("prefix: sha256="), std::string::npos) << out;
  auto [shown_code, shown] = RunVigil({"import-hooks", "--show-secrets", hooks});
  ASSERT_EQ(shown_code, 0) << shown;
  EXPECT_NE(shown.find("#   WEBHOOK_REDEPLOY_SECRET=adnanh-secret"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("secret: adnanh-secret"), std::string::npos) << shown;
}

TEST(ImportHooksCli, PrintedWatchersAreAValidConfigOnceTheVariableIsSet) {
  DaemonProcess d;
  auto [code, out] = RunVigil({"import-hooks", d.dir().Write("hooks.json", kHooks)});
  ASSERT_EQ(code, 0) << out;
  d.WriteConfig("database:\n  url: sqlite:vigil.db\n" + out);
  auto [check_code, check] = RunVigil({"check", "--config", d.config_path()}, {{"WEBHOOK_REDEPLOY_SECRET", "x"}});
  EXPECT_EQ(check_code, 0) << check << "\n" << out;
  EXPECT_NE(check.find("watchers[0].verify.secret"), std::string::npos) << check;
}

}  // namespace
}  // namespace vigil
