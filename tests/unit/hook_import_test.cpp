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
  EXPECT_EQ(w["verify"], (json{{"scheme", "github-sha1"}, {"secret", "${WEBHOOK_WEBHOOK_SECRET}"}}));
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

TEST(HookImport, AHookThatCheckedNothingIsPrintedWithSchemeNone) {
  auto imported = ImportAdnanhHooks(json::parse(R"([{"id": "open", "execute-command": "/bin/true"}])"));
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(imported->watchers[0]["verify"], (json{{"scheme", "none"}}));
  EXPECT_FALSE(imported->watchers[0].contains("enabled"));
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
  EXPECT_EQ(imported->watchers[0]["enabled"], false) << "a hook whose signature check is lost is not printed open";
}

TEST(HookImport, GenericHmacHeaderBecomesHmacScheme) {
  json hooks = json::parse(R"([{"id": "my hook", "trigger-rule": {"match": {"type": "payload-hmac-sha512",
      "secret": "s", "parameter": {"source": "header", "name": "X-Signature"}}}}])");
  auto imported = ImportAdnanhHooks(hooks);
  ASSERT_TRUE(imported.ok());
  const json& w = imported->watchers[0];
  EXPECT_EQ(w["name"], "my-hook");
  EXPECT_EQ(w["verify"], (json{{"scheme", "hmac"}, {"secret", "${WEBHOOK_MY_HOOK_SECRET}"}, {"header", "X-Signature"},
                               {"algorithm", "sha512"}, {"prefix", "sha512="}, {"prefix_optional", true}}));
  EXPECT_TRUE(WebhookWatcher::From(w, "w").ok());
}

TEST(HookImport, SecretsBecomeEnvironmentVariablesAndNeverReachTheWatchers) {
  auto imported = ImportAdnanhHooks(json::parse(kGithubHook));
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(imported->watchers.dump().find("mysecret"), std::string::npos) << imported->watchers.dump();
  for (const auto& line : imported->not_carried) EXPECT_EQ(line.find("mysecret"), std::string::npos) << line;
  ASSERT_EQ(imported->secrets.size(), 1u);
  EXPECT_EQ(imported->secrets[0].variable, "WEBHOOK_WEBHOOK_SECRET");
  EXPECT_EQ(imported->secrets[0].hook, "webhook");
  EXPECT_EQ(imported->secrets[0].value, "mysecret");
}

TEST(HookImport, IdsThatSpellTheSameVariableAreNumbered) {
  json hooks = json::parse(R"([
      {"id": "ci-a", "trigger-rule": {"match": {"type": "payload-hmac-sha256", "secret": "one",
          "parameter": {"source": "header", "name": "X-Sig"}}}},
      {"id": "ci.a", "trigger-rule": {"match": {"type": "payload-hmac-sha256", "secret": "two",
          "parameter": {"source": "header", "name": "X-Sig"}}}}])");
  auto imported = ImportAdnanhHooks(hooks);
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(imported->watchers[0]["verify"]["secret"], "${WEBHOOK_CI_A_SECRET}");
  EXPECT_EQ(imported->watchers[1]["verify"]["secret"], "${WEBHOOK_CI_A_SECRET_2}");
  EXPECT_EQ(imported->secrets[1].value, "two");
}

// A GitHub signature and the given ip-whitelist rules, all in the top-level `and`.
json SignedWithIpRules(const json& ip_rules) {
  json all = json::array({{{"match", {{"type", "payload-hmac-sha256"}, {"secret", "s"},
                                      {"parameter", {{"source", "header"}, {"name", "X-Hub-Signature-256"}}}}}}});
  for (const auto& rule : ip_rules) all.push_back(rule);
  return json::array({{{"id", "h"}, {"trigger-rule", {{"and", all}}}}});
}

json IpWhitelist(const std::string& ranges) { return {{"match", {{"type", "ip-whitelist"}, {"ip-range", ranges}}}}; }

TEST(HookImport, OrOfIpWhitelistsBecomesOneAllowlistWithAllRanges) {
  json rules = json::array({{{"or", {IpWhitelist("10.0.0.0/8"), IpWhitelist("192.168.1.0/24 2001:db8::/32")}}}});
  auto imported = ImportAdnanhHooks(SignedWithIpRules(rules));
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(imported->watchers[0]["verify"]["allow_ips"], (json{"10.0.0.0/8", "192.168.1.0/24", "2001:db8::/32"}));
  EXPECT_TRUE(imported->not_carried.empty()) << imported->not_carried[0];
  EXPECT_TRUE(WebhookWatcher::From(imported->watchers[0], "w").ok());
}

TEST(HookImport, IpWhitelistsThatMustAllHoldKeepTheAddressesTheyShare) {
  json rules = json::array({IpWhitelist("10.0.0.0/8 192.168.0.0/16"), IpWhitelist("10.1.0.0/16 172.16.0.0/12 192.168.0.0/16")});
  auto imported = ImportAdnanhHooks(SignedWithIpRules(rules));
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(imported->watchers[0]["verify"]["allow_ips"], (json{"10.1.0.0/16", "192.168.0.0/16"}));
  EXPECT_TRUE(imported->not_carried.empty());
  EXPECT_FALSE(imported->watchers[0].contains("enabled"));
}

TEST(HookImport, IpWhitelistsWithNoAddressInCommonAreListed) {
  auto imported = ImportAdnanhHooks(SignedWithIpRules(json::array({IpWhitelist("10.0.0.0/8"), IpWhitelist("192.168.0.0/16")})));
  ASSERT_TRUE(imported.ok());
  EXPECT_FALSE(imported->watchers[0]["verify"].contains("allow_ips"));
  ASSERT_EQ(imported->not_carried.size(), 1u);
  EXPECT_NE(imported->not_carried[0].find("admit no address together"), std::string::npos) << imported->not_carried[0];
  EXPECT_EQ(imported->watchers[0]["enabled"], false) << "never open to every address";
}

TEST(HookImport, IpWhitelistOrOtherMatchStaysNotCarried) {
  json rules = json::array({{{"or", {IpWhitelist("10.0.0.0/8"),
                                     {{"match", {{"type", "value"}, {"value", "v"},
                                                 {"parameter", {{"source", "header"}, {"name", "X-A"}}}}}}}}}});
  auto imported = ImportAdnanhHooks(SignedWithIpRules(rules));
  ASSERT_TRUE(imported.ok());
  EXPECT_FALSE(imported->watchers[0]["verify"].contains("allow_ips"));
  ASSERT_EQ(imported->not_carried.size(), 1u);
  EXPECT_NE(imported->not_carried[0].find("ip-whitelist inside or/not"), std::string::npos);
  EXPECT_EQ(imported->watchers[0]["enabled"], false);
}

TEST(HookImport, NotAListIsAnError) { EXPECT_FALSE(ImportAdnanhHooks(json::object()).ok()); }

}  // namespace
}  // namespace vigil
