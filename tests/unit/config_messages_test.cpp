// How config errors read: one shape for an unknown key (with the nearest valid one), YAML syntax
// errors at the line to fix and in the key they sit in, the reference in human units, and
// secrets left unresolved until the code that uses them asks.
#include <gtest/gtest.h>

#include <cstdlib>

#include "config/config.h"
#include "config/key_hint.h"
#include "config/reference.h"
#include "config/yaml_syntax.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

std::string ErrorOf(const std::string& yaml) {
  auto c = ParseConfig(yaml, "/etc/vigil/vigil.yaml");
  return c.ok() ? "" : c.error();
}

TEST(UnknownKey, SuggestsTheNearestValidKeyForATypo) {
  EXPECT_EQ(NearestKey("qurey", {"name", "query", "source"}), "query");
  EXPECT_EQ(NearestKey("listn", {"listen", "max_body_bytes"}), "listen");
  EXPECT_EQ(NearestKey("max_body", {"listen", "max_body_bytes"}), "max_body_bytes");
  EXPECT_EQ(NearestKey("colour", {"name", "type", "path"}), "");
  EXPECT_EQ(UnknownKeyMessage("qurey", {"name", "query"}), "unknown key (did you mean \"query\"? valid keys: name, query)");
  EXPECT_EQ(UnknownKeyMessage("zzz", {"name", "query"}), "unknown key (valid keys: name, query)");
}

TEST(UnknownKey, IsOneShapeInTheTableAndInFreeFormBlocks) {
  EXPECT_EQ(ErrorOf("watchers:\n  - name: a\n    type: literature\n    source: pubmed\n    qurey: x\n"),
            "vigil.yaml:5:5: watchers[0].qurey: unknown key (did you mean \"query\"? valid keys: name, type, description, "
            "community, enabled, config, auto_create_thread, auto_thread_approval_rate, expect_every, alert_after, source, query, url, base_url, every, "
            "jitter, first_poll_limit, api_key, email)");
  EXPECT_EQ(ErrorOf("watchers:\n  - name: a\n    type: webhook\n    verify: {scheme: github, secert: x}\n"),
            "vigil.yaml:4:38: watchers[0].verify.secert: unknown key (did you mean \"secret\"? valid keys: scheme, secret, "
            "header, algorithm, encoding, prefix, prefix_optional, tolerance_seconds, allow_ips, trusted_proxies)");
}

TEST(UnknownKey, AKeyOfAnotherTypeSaysWhichTypesTakeIt) {
  EXPECT_EQ(ErrorOf("watchers:\n  - name: a\n    type: webhook\n    verify: {scheme: none}\n    query: x\n"),
            "vigil.yaml:5:12: watchers[0].query: a webhook watcher does not take query (only literature watchers do)");
}

// yaml-cpp's line for each mistake, and the line ExplainYamlError points at.
struct SyntaxCase {
  const char* yaml;
  const char* error;
};

TEST(YamlSyntax, PointsAtTheLineToFixAndNamesTheEnclosingKey) {
  const SyntaxCase cases[] = {
      {"http:\n  listen 127.0.0.1:8470\n  max_body_bytes: 1MiB\n",
       "vigil.yaml:2:3: invalid YAML in http: \"listen 127.0.0.1:8470\" is not \"key: value\": a colon is missing after "
       "the key (the parser stopped at line 3: illegal map value)"},
      {"watchers:\n  - name: a\n    type: literature\n\tsource: pubmed\n",
       "vigil.yaml:4:1: invalid YAML in watchers[0]: a tab in the indentation (YAML indents with spaces only)"},
      {"http:\n  listen: 127.0.0.1:8470\n    max_body_bytes: 1MiB\n",
       "vigil.yaml:3:5: invalid YAML in http: this line is indented under \"listen\", which has its value on its line "
       "(indent it like \"listen\"?)"},
      {"watchers:\n  - name: a\n    type: log\n  - name: b\n   type: log\n",
       "vigil.yaml:5:4: invalid YAML in watchers[1]: this line is indented 3 spaces, but the keys beside it are at 4"},
      {"watchers:\n  - name: a\n    paths: [/a.log, /b.log\n    type: log\n",
       "vigil.yaml:3:12: invalid YAML in watchers[0].paths: the [ opened here has no matching ] (the parser stopped at "
       "line 4: end of sequence flow not found)"},
      {"watchers:\n  - name: a\n    query: \"a\" b\n",
       "vigil.yaml:3:16: invalid YAML in watchers[0].query: text after the closing quote (quote the whole value)"},
  };
  for (const auto& c : cases) EXPECT_EQ(ErrorOf(c.yaml), c.error) << c.yaml;
}

TEST(YamlSyntax, AnUnclosedQuoteIsReportedWhereItOpens) {
  auto e = ExplainYamlError("a:\n  b: \"open\n  c: d\n", 3, 0, "end of string not found");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "invalid YAML in a.b: the quote (\") opened here is not closed (the parser stopped at line 4: end of string not found)");
}

TEST(YamlSyntax, ABlockScalarsTextIsNotTakenForKeys) {
  auto e = ExplainYamlError("sql:\n  query: >-\n    SELECT id\n    FROM t\n  title x\n", 4, 9, "illegal map value");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.message, "invalid YAML in sql: \"title x\" is not \"key: value\": a colon is missing after the key");
}

TEST(Reference, RangesReadInHumanUnits) {
  EXPECT_EQ(RangeText(*FindKeySpec("http.max_header_bytes")), "1 KiB to 1 MiB");
  EXPECT_EQ(RangeText(*FindKeySpec("watchers[].every")), "1s to 30d");
  EXPECT_EQ(RangeText(*FindKeySpec("jobs.workers")), "1 to 256");
  EXPECT_EQ(RangeText(*FindKeySpec("http.listen")), "");
  auto http = KeysUnder("http");
  ASSERT_TRUE(http.ok());
  EXPECT_EQ(http->front()->path, "http");
  for (const KeySpec* k : *http) EXPECT_TRUE(k->path.starts_with("http")) << k->path;
  auto every = KeysUnder("watchers.every");
  ASSERT_TRUE(every.ok());
  ASSERT_EQ(every->size(), 1u);
  EXPECT_EQ(every->front()->path, "watchers[].every");
  EXPECT_FALSE(KeysUnder("htt").ok());
}

const char* kWithSecrets =
    "api:\n  token: ${VIGIL_UNIT_UNSET_TOKEN}\nwatchers:\n  - name: gh\n    type: webhook\n"
    "    verify: {scheme: github, secret: \"${VIGIL_UNIT_UNSET_SECRET}\"}\n";

TEST(DeferredSecrets, AreRequiredByDefault) {
  EXPECT_EQ(ErrorOf(kWithSecrets), "vigil.yaml:2:10: api.token: environment variable VIGIL_UNIT_UNSET_TOKEN is not set");
}

TEST(DeferredSecrets, FailOnlyWhenTheCodeThatUsesThemAsks) {
  auto c = ParseConfig(kWithSecrets, "/etc/vigil/vigil.yaml", kDeferSecrets);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ((*c)->unresolved_secrets().size(), 2u);
  auto token = (*c)->Secret("api.token");
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error(), "vigil.yaml:2:10: api.token: environment variable VIGIL_UNIT_UNSET_TOKEN is not set");
  EXPECT_EQ((*c)->RequireSecrets("watchers[0]").message(),
            "vigil.yaml:6:38: watchers[0].verify.secret: environment variable VIGIL_UNIT_UNSET_SECRET is not set");
  EXPECT_TRUE((*c)->RequireSecrets("jobs").ok());
  EXPECT_TRUE((*c)->RequireSecrets("watchers[1]").ok());
}

TEST(DeferredSecrets, ASetSecretReadsAsUsual) {
  setenv("VIGIL_UNIT_UNSET_TOKEN", "tok", 1);
  auto c = ParseConfig(kWithSecrets, "/etc/vigil/vigil.yaml", kDeferSecrets);
  unsetenv("VIGIL_UNIT_UNSET_TOKEN");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(*(*c)->Secret("api.token"), "tok");
  EXPECT_EQ((*c)->unresolved_secrets().size(), 1u);
}

}  // namespace
}  // namespace vigil
