#include "sources/webhook/hook_import.h"

#include <gtest/gtest.h>

#include "sources/webhook/webhook_watcher.h"

namespace vigil {
namespace {

using nlohmann::json;

// adnanh/webhook's "Incoming Github webhook" example (docs/Hook-Examples.md), trimmed.
const char* kGithubHook = R"([{
  "id": "webhook",
  "execute-command": "/home/adnan/redeploy-go-webhook.sh",
  "command-working-directory": "/home/adnan/go",
  "pass-arguments-to-command": [{"source": "payload", "name": "head_commit.id"}],
  "http-methods": ["POST"],
  "trigger-rule-mismatch-http-response-code": 400,
  "trigger-rule": {"and": [
    {"match": {"type": "payload-hmac-sha1", "secret": "mysecret",
               "parameter": {"source": "header", "name": "X-Hub-Signature"}}},
    {"match": {"type": "value", "value": "refs/heads/master",
               "parameter": {"source": "payload", "name": "ref"}}}
  ]}
}])";

TEST(HookImport, GithubExampleBecomesAVerifiedTriggeredWatcher) {
  auto imported = ImportAdnanhHooks(json::parse(kGithubHook));
  ASSERT_TRUE(imported.ok()) << imported.error();
  ASSERT_EQ(imported->watchers.size(), 1u);
  const json& w = imported->watchers[0];
  EXPECT_EQ(w["name"], "webhook");
  EXPECT_EQ(w["mismatch_status"], 400);
  EXPECT_EQ(w["verify"], (json{{"scheme", "github-sha1"}, {"secret", "mysecret"}}));
  EXPECT_EQ(w["trigger"],
            (json{{"match", {{"type", "value"}, {"value", "refs/heads/master"}, {"source", "payload"}, {"name", "ref"}}}}));
  auto hook = WebhookWatcher::From(w, "watchers[0]");
  EXPECT_TRUE(hook.ok()) << hook.error();  // what it prints is a valid vigil watcher
}

TEST(HookImport, ListsTheCommandKeysItCannotCarry) {
  auto imported = ImportAdnanhHooks(json::parse(kGithubHook));
  ASSERT_TRUE(imported.ok());
  std::string all;
  for (const auto& line : imported->not_carried) all += line + "\n";
  EXPECT_NE(all.find("hook webhook: execute-command"), std::string::npos) << all;
  EXPECT_NE(all.find("pass-arguments-to-command"), std::string::npos) << all;
  EXPECT_NE(all.find("command-working-directory"), std::string::npos) << all;
}

TEST(HookImport, SignatureInsideOrCannotBeCarried) {
  json hooks = json::parse(R"([{"id": "x", "trigger-rule": {"or": [
      {"match": {"type": "payload-hmac-sha256", "secret": "s", "parameter": {"source": "header", "name": "X-Sig"}}},
      {"match": {"type": "value", "value": "v", "parameter": {"source": "url", "name": "token"}}}]}}])");
  auto imported = ImportAdnanhHooks(hooks);
  ASSERT_TRUE(imported.ok());
  EXPECT_FALSE(imported->watchers[0].contains("verify"));
  EXPECT_EQ(imported->watchers[0]["trigger"]["match"]["source"], "query");
  ASSERT_EQ(imported->not_carried.size(), 1u);
  EXPECT_NE(imported->not_carried[0].find("inside or/not"), std::string::npos);
}

TEST(HookImport, GenericHmacHeaderBecomesHmacScheme) {
  json hooks = json::parse(R"([{"id": "my hook", "trigger-rule": {"match": {"type": "payload-hmac-sha512",
      "secret": "s", "parameter": {"source": "header", "name": "X-Signature"}}}}])");
  auto imported = ImportAdnanhHooks(hooks);
  ASSERT_TRUE(imported.ok());
  const json& w = imported->watchers[0];
  EXPECT_EQ(w["name"], "my-hook");
  EXPECT_EQ(w["verify"], (json{{"scheme", "hmac"}, {"secret", "s"}, {"header", "X-Signature"}, {"algorithm", "sha512"}}));
  EXPECT_TRUE(WebhookWatcher::From(w, "w").ok());
}

TEST(HookImport, NotAListIsAnError) { EXPECT_FALSE(ImportAdnanhHooks(json::object()).ok()); }

}  // namespace
}  // namespace vigil
