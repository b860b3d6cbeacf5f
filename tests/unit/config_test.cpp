#include "config/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "config/schema.h"
#include "config/units.h"
#include "sources/watcher_checks.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace vigil {
namespace {

using testing::TempDir;

std::string ErrorOf(const std::string& yaml) {
  auto c = ParseConfig(yaml, "/etc/vigil/vigil.yaml");
  return c.ok() ? "" : c.error();
}

TEST(Config, UnknownKeyNamesFileLineColumnAndPath) {
  EXPECT_EQ(ErrorOf("database:\n  url: sqlite:x.db\n  bogus_key: 1\n"),
            "vigil.yaml:3:3: database.bogus_key: unknown key (valid keys: url, busy_timeout, uuid_format)");
}

TEST(Config, UnknownTopLevelSection) {
  EXPECT_EQ(ErrorOf("http:\n  listen: 127.0.0.1:1\ndatabse:\n  url: x\n"),
            "vigil.yaml:3:1: databse: unknown key (did you mean \"database\"? valid keys: database, databases, http, logging, api, "
            "secrets, platform_watchers, watchers, jobs, triage, notify, communities)");
}

TEST(Config, WrongTypeNamesTheValue) {
  EXPECT_EQ(ErrorOf("jobs:\n  workers: many\n"), "vigil.yaml:2:12: jobs.workers: expected integer, got \"many\"");
}

TEST(Config, OutOfRangeValue) {
  EXPECT_EQ(ErrorOf("jobs:\n  workers: 1000\n"), "vigil.yaml:2:12: jobs.workers: must be between 1 and 256, got 1000");
}

TEST(Config, BadDuration) {
  EXPECT_EQ(ErrorOf("http:\n  header_timeout: soon\n"),
            "vigil.yaml:2:19: http.header_timeout: expected a duration such as 90s, 5m, 1h or 1d, got \"soon\"");
}

TEST(Config, BadEnum) {
  EXPECT_EQ(ErrorOf("logging:\n  level: loud\n"),
            "vigil.yaml:2:10: logging.level: \"loud\" is not one of trace, debug, info, warn, error");
}

TEST(Config, BadListenAddress) {
  EXPECT_NE(ErrorOf("http:\n  listen: localhost\n").find("vigil.yaml:2:11: http.listen: expected host:port"), std::string::npos);
}

TEST(Config, SectionMustBeAMap) {
  EXPECT_EQ(ErrorOf("http: 8470\n"), "vigil.yaml:1:7: http: expected a map");
}

TEST(Config, InvalidYamlHasPosition) {
  EXPECT_NE(ErrorOf("http:\n  listen: [1, 2\n").find("vigil.yaml:"), std::string::npos);
  EXPECT_NE(ErrorOf("http:\n  listen: [1, 2\n").find("invalid YAML"), std::string::npos);
}

TEST(Config, WatcherNeedsNameAndUniqueNames) {
  EXPECT_EQ(ErrorOf("watchers:\n  - type: webhook\n"), "vigil.yaml:2:5: watchers[0].name is required");
  EXPECT_EQ(ErrorOf("watchers:\n  - name: a\n    type: webhook\n    verify: {scheme: none}\n  - name: a\n    type: webhook\n    verify: {scheme: none}\n"),
            "vigil.yaml:5:11: watchers[1].name: duplicate watcher name \"a\"");
  EXPECT_EQ(ErrorOf("watchers:\n  - name: a\n    type: carrier-pigeon\n"),
            "vigil.yaml:3:11: watchers[0].type: \"carrier-pigeon\" is not one of literature, webhook, scheduled, log");
}

TEST(Config, TwoWebhooksOnOnePathAreAnErrorAtTheSecondPath) {
  EXPECT_EQ(ErrorOf("watchers:\n  - name: a\n    type: webhook\n    verify: {scheme: none}\n  - name: b\n    type: webhook\n    verify: {scheme: none}\n    path: /hooks/a\n"),
            "vigil.yaml:8:11: watchers[1].path: /hooks/a is already the path of watchers[0] (\"a\"); two webhook "
            "watchers cannot answer on one path");
}

TEST(Config, AWebhookOnThePathAnotherNameGivesIsAnErrorAtItsName) {
  EXPECT_EQ(ErrorOf("watchers:\n  - name: a\n    type: webhook\n    verify: {scheme: none}\n    path: /hooks/b\n  - name: b\n    type: webhook\n    verify: {scheme: none}\n"),
            "vigil.yaml:6:11: watchers[1].name: /hooks/b is already the path of watchers[0] (\"a\"); two webhook "
            "watchers cannot answer on one path");
}

TEST(Config, ADisabledWebhookMayShareAPath) {
  EXPECT_EQ(ErrorOf("watchers:\n  - name: a\n    type: webhook\n    verify: {scheme: none}\n  - name: b\n    type: webhook\n    verify: {scheme: none}\n    path: /hooks/a\n"
                    "    enabled: false\n"),
            "");
}

TEST(Config, UnknownWatcherKey) {
  EXPECT_EQ(ErrorOf("watchers:\n  - name: a\n    type: webhook\n    colour: red\n"),
            "vigil.yaml:4:5: watchers[0].colour: unknown key (valid keys: name, type, description, community, enabled, config, "
            "auto_create_thread, auto_thread_approval_rate, expect_every, alert_after, path, methods, verify, trigger, mapping, delivery_id, "
            "mismatch_status, max_body_bytes)");
}

TEST(Config, DefaultsFillMissingKeys) {
  auto c = ParseConfig("database:\n  url: sqlite:/tmp/x.db\n", "/etc/vigil/vigil.yaml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ((*c)->GetString("http.listen"), "127.0.0.1:8470");
  EXPECT_EQ((*c)->ListenHost(), "127.0.0.1");
  EXPECT_EQ((*c)->ListenPort(), 8470);
  EXPECT_EQ((*c)->GetInt("http.max_body_bytes"), 1 << 20);
  EXPECT_EQ((*c)->GetDuration("http.header_timeout"), std::chrono::seconds(10));
}

TEST(Config, DurationsAndSizesNormalise) {
  auto c = ParseConfig("http:\n  body_timeout: 1m30s\n  max_body_bytes: 64KiB\n", "/x/vigil.yaml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ((*c)->GetInt("http.body_timeout"), 90000);
  EXPECT_EQ((*c)->GetInt("http.max_body_bytes"), 65536);
}

TEST(Config, RelativeSqlitePathIsRelativeToConfigFolder) {
  auto c = ParseConfig("database:\n  url: sqlite:data/v.db\n", "/srv/conf/vigil.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->DatabaseUrl(), "sqlite:/srv/conf/data/v.db");
}

TEST(Config, EnvironmentVariablesExpand) {
  setenv("VIGIL_TEST_TOKEN", "s3cret", 1);
  auto c = ParseConfig("api:\n  token: ${VIGIL_TEST_TOKEN}\n", "/x/vigil.yaml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ((*c)->GetString("api.token"), "s3cret");
  EXPECT_EQ((*c)->secret_paths(), std::vector<std::string>{"api.token"});
  unsetenv("VIGIL_TEST_TOKEN");
}

TEST(Config, UnsetEnvironmentVariableIsAnError) {
  unsetenv("VIGIL_TEST_UNSET");
  EXPECT_EQ(ErrorOf("api:\n  token: ${VIGIL_TEST_UNSET}\n"),
            "vigil.yaml:2:10: api.token: environment variable VIGIL_TEST_UNSET is not set");
}

TEST(Config, SecretFromFile) {
  TempDir dir;
  dir.Write("token", "from-file\n");
  auto c = ParseConfig("api:\n  token_file: token\n", dir.File("vigil.yaml"));
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ((*c)->GetString("api.token"), "from-file");
}

TEST(Config, SecretFileMissingIsAnError) {
  auto c = ParseConfig("api:\n  token_file: /nonexistent/token\n", "/x/vigil.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), "vigil.yaml:2:15: api.token_file: cannot read /nonexistent/token");
}

TEST(Config, RedactSecretsHidesValues) {
  nlohmann::json w = {{"name", "gh"}, {"verify", {{"scheme", "github"}, {"secret", "abc"}}}, {"api_key", "k"}};
  auto r = RedactSecrets(w);
  EXPECT_EQ(r["verify"]["secret"], "(set)");
  EXPECT_EQ(r["api_key"], "(set)");
  EXPECT_EQ(r["verify"]["scheme"], "github");
  EXPECT_EQ(r.dump().find("abc"), std::string::npos);
}

TEST(Config, RedactSecretsMasksPasswordsInUrls) {
  nlohmann::json w = {{"name", "stuck"},
                      {"sql", {{"database", "postgresql://ro:hunter2@db/platform"}, {"query", "SELECT 1"}}},
                      {"url", "https://eutils.example/esearch.fcgi?db=pubmed&api_key=k3y"}};
  auto r = RedactSecrets(w);
  EXPECT_EQ(r["sql"]["database"], "postgresql://ro:***@db/platform");
  EXPECT_EQ(r["url"], "https://eutils.example/esearch.fcgi?db=pubmed&api_key=***");
  EXPECT_EQ(r["sql"]["query"], "SELECT 1");
  EXPECT_EQ(r.dump().find("hunter2"), std::string::npos);
}

TEST(Config, ExampleConfigIsValidWithItsSecretSet) {
  setenv("VIGIL_EXAMPLE_HOOK_SECRET", "example-secret", 1);
  auto c = LoadConfig(testing::SourceDir() + "/config/examples/vigil.yaml");
  unsetenv("VIGIL_EXAMPLE_HOOK_SECRET");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ((*c)->tree()["watchers"][0]["verify"]["secret"], "example-secret");
}

TEST(Config, EveryTableDefaultParses) {
  for (const auto& spec : ConfigTable()) {
    if (spec.default_value.empty()) continue;
    EXPECT_FALSE(DefaultFor(spec.path).is_null()) << spec.path;
  }
}

TEST(Units, Durations) {
  EXPECT_EQ(ParseDuration("90s"), std::chrono::seconds(90));
  EXPECT_EQ(ParseDuration("5m"), std::chrono::minutes(5));
  EXPECT_EQ(ParseDuration("1h"), std::chrono::hours(1));
  EXPECT_EQ(ParseDuration("1d"), std::chrono::hours(24));
  EXPECT_EQ(ParseDuration("250ms"), std::chrono::milliseconds(250));
  // A bare number has no unit: refused, and the error suggests one.
  EXPECT_FALSE(ParseDuration("30"));
  EXPECT_EQ(DurationError("300"), "\"300\" has no unit: write 300s for seconds (or 300ms, 300m, 300h, 300d)");
  EXPECT_EQ(DurationValue(nlohmann::json(300)).error(), DurationError("300"));
  EXPECT_EQ(*DurationValue(nlohmann::json("2m")), std::chrono::minutes(2));
  EXPECT_FALSE(ParseDuration("5 minutes"));
  EXPECT_FALSE(ParseDuration("m"));
  EXPECT_FALSE(ParseDuration(""));
  // Past int64 milliseconds, in one part or in the sum (found by interval_schedule_fuzz): refused.
  EXPECT_FALSE(ParseDuration("555555555551d"));
  EXPECT_FALSE(ParseDuration("100000000000d100000000000d"));
  EXPECT_EQ(ParseDuration("100000000000d"), std::chrono::hours(24) * 100000000000LL);
  EXPECT_EQ(FormatDuration(std::chrono::seconds(90)), "90s");
  EXPECT_EQ(FormatDuration(std::chrono::hours(1)), "1h");
}

TEST(Units, Sizes) {
  EXPECT_EQ(ParseByteSize("512"), 512u);
  EXPECT_FALSE(ParseByteSize("999999999999999GiB")) << "past uint64: refused, not wrapped";
  EXPECT_EQ(ParseByteSize("64KiB"), 65536u);
  EXPECT_EQ(ParseByteSize("1MiB"), 1048576u);
  EXPECT_EQ(ParseByteSize("10KB"), 10000u);
  EXPECT_FALSE(ParseByteSize("1 MiB"));
  EXPECT_FALSE(ParseByteSize("lots"));
}

}  // namespace
}  // namespace vigil
