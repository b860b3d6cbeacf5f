// Webhook blocks are validated when the config loads, with the file position of the bad key.
#include <gtest/gtest.h>

#include "config/config.h"
#include "sources/watcher_checks.h"
#include "tests/support/temp_dir.h"

namespace vigil {
namespace {

std::string ParseError(const std::string& yaml) {
  auto c = ParseConfig(yaml, "/etc/vigil/vigil.yaml");
  return c.ok() ? "" : c.error();
}

TEST(WebhookConfig, BadVerifySchemeNamesLineColumnAndKey) {
  std::string err = ParseError(
      "watchers:\n"
      "  - name: gh\n"
      "    type: webhook\n"
      "    verify:\n"
      "      scheme: gitlab\n"
      "      secret: s\n");
  EXPECT_TRUE(err.starts_with("vigil.yaml:5:15: watchers[0].verify.scheme: unknown scheme \"gitlab\"")) << err;
}

TEST(WebhookConfig, BadTriggerRegexNamesItsPosition) {
  std::string err = ParseError(
      "watchers:\n"
      "  - name: gh\n"
      "    type: webhook\n    verify: {scheme: none}\n"
      "    trigger:\n"
      "      match: {type: regex, regex: \"(a\", source: payload, name: ref}\n");
  EXPECT_TRUE(err.starts_with("vigil.yaml:6:")) << err;
  EXPECT_NE(err.find("watchers[0].trigger.match.regex: invalid regex"), std::string::npos) << err;
}

TEST(WebhookConfig, WebhookKeysOnOtherTypesAreErrors) {
  std::string err = ParseError(
      "watchers:\n"
      "  - name: feed\n"
      "    type: literature\n"
      "    verify: {scheme: github, secret: s}\n");
  EXPECT_TRUE(err.starts_with("vigil.yaml:4:13: watchers[0].verify: a literature watcher does not take verify (only webhook "
                              "watchers do)"))
      << err;
}

// A github hook whose verify block ends in `secret_line` (e.g. "secret_file: gh-secret").
std::string HookWithSecret(const std::string& secret_line) {
  return "watchers:\n"
         "  - name: gh\n"
         "    type: webhook\n"
         "    verify:\n"
         "      scheme: github\n"
         "      " + secret_line + "\n";
}

TEST(WebhookConfig, VerifySecretFileIsReadRelativeToTheConfig) {
  testing::TempDir dir;
  dir.Write("gh-secret", "from-file\n");
  auto c = ParseConfig(HookWithSecret("secret_file: gh-secret"), dir.File("vigil.yaml"));
  ASSERT_TRUE(c.ok()) << c.error();
  nlohmann::json verify = (*c)->Get("watchers")[0]["verify"];
  EXPECT_EQ(verify["secret"], "from-file");
  EXPECT_FALSE(verify.contains("secret_file"));
  EXPECT_EQ((*c)->secret_paths(), std::vector<std::string>{"watchers[0].verify.secret"});
  EXPECT_EQ((*c)->Where("watchers[0].verify.secret"), "vigil.yaml:6:20");
}

TEST(WebhookConfig, VerifySecretFileKeepsAllButOneTrailingLineEnd) {
  testing::TempDir dir;
  dir.Write("gh-secret", " two lines \nend\n\r\n");
  auto c = ParseConfig(HookWithSecret("secret_file: gh-secret"), dir.File("vigil.yaml"));
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ((*c)->Get("watchers")[0]["verify"]["secret"], " two lines \nend\n");
}

TEST(WebhookConfig, VerifySecretFileMissingOrEmptyNamesFileLineColumn) {
  testing::TempDir dir;
  EXPECT_EQ(ParseError(HookWithSecret("secret_file: /nonexistent/gh-secret")),
            "vigil.yaml:6:20: watchers[0].verify.secret_file: cannot read /nonexistent/gh-secret");
  dir.Write("empty", "\n");
  auto c = ParseConfig(HookWithSecret("secret_file: empty"), dir.File("vigil.yaml"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), "vigil.yaml:6:20: watchers[0].verify.secret_file: " + dir.File("empty") + " is empty");
}

TEST(WebhookConfig, VerifySecretAndSecretFileTogetherIsAnError) {
  EXPECT_EQ(ParseError(HookWithSecret("secret: s\n      secret_file: /etc/hostname")),
            "vigil.yaml:7:7: give either watchers[0].verify.secret or watchers[0].verify.secret_file, not both");
}

TEST(WebhookConfig, VerifySecretFromUnsetVariableNamesIt) {
  unsetenv("VIGIL_TEST_UNSET_HOOK_SECRET");
  EXPECT_EQ(ParseError(HookWithSecret("secret: ${VIGIL_TEST_UNSET_HOOK_SECRET}")),
            "vigil.yaml:6:15: watchers[0].verify.secret: environment variable VIGIL_TEST_UNSET_HOOK_SECRET is not set");
}

TEST(WebhookConfig, UnquotedSecretIsItsTextAsWritten) {
  for (const char* text : {"12345678", "0123", "1e3", "0x1F", "true", "-0.50"}) {
    auto c = ParseConfig(HookWithSecret(std::string("secret: ") + text), "/etc/vigil/vigil.yaml");
    ASSERT_TRUE(c.ok()) << text << ": " << c.error();
    EXPECT_EQ((*c)->Get("watchers")[0]["verify"]["secret"], text);
  }
}

TEST(WebhookConfig, SecretFromVariableHoldingDigitsStaysText) {
  setenv("VIGIL_TEST_DIGIT_SECRET", "00123", 1);
  auto c = ParseConfig(HookWithSecret("secret: ${VIGIL_TEST_DIGIT_SECRET}"), "/etc/vigil/vigil.yaml");
  unsetenv("VIGIL_TEST_DIGIT_SECRET");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ((*c)->Get("watchers")[0]["verify"]["secret"], "00123");
}

TEST(WebhookConfig, ValidBlocksLoad) {
  auto c = ParseConfig(
      "watchers:\n"
      "  - name: gh\n"
      "    type: webhook\n"
      "    methods: [POST, PUT]\n"
      "    max_body_bytes: 64KiB\n"
      "    mismatch_status: 202\n"
      "    verify: {scheme: github, secret: s}\n"
      "    trigger:\n"
      "      or:\n"
      "        - match: {type: value, value: push, source: header, name: X-GitHub-Event}\n"
      "    mapping:\n"
      "      title: \"{{/repository/full_name}}#{{/number}}\"\n"
      "      metadata: {merged: /pull_request/merged}\n",
      "/etc/vigil/vigil.yaml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ((*c)->Get("watchers")[0]["max_body_bytes"], 65536);
}

}  // namespace
}  // namespace vigil
