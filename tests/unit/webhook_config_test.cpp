// Webhook blocks are validated when the config loads, with the file position of the bad key.
#include <gtest/gtest.h>

#include "config/config.h"

namespace vigil {
namespace {

std::string ParseError(const std::string& yaml) {
  auto c = Config::Parse(yaml, "/etc/vigil/vigil.yaml");
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
      "    type: webhook\n"
      "    trigger:\n"
      "      match: {type: regex, regex: \"(a\", source: payload, name: ref}\n");
  EXPECT_TRUE(err.starts_with("vigil.yaml:5:")) << err;
  EXPECT_NE(err.find("watchers[0].trigger.match.regex: invalid regex"), std::string::npos) << err;
}

TEST(WebhookConfig, WebhookKeysOnOtherTypesAreErrors) {
  std::string err = ParseError(
      "watchers:\n"
      "  - name: feed\n"
      "    type: literature\n"
      "    verify: {scheme: github, secret: s}\n");
  EXPECT_TRUE(err.starts_with("vigil.yaml:4:13: watchers[0].verify: only webhook watchers take verify")) << err;
}

TEST(WebhookConfig, ValidBlocksLoad) {
  auto c = Config::Parse(
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
