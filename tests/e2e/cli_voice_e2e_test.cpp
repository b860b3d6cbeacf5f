// Issue #18 points 3 and 6, through the built binary: read-only verbs create nothing and say when
// the database is not there; values from a fixed set are checked and the error lists the valid
// ones; counts and durations are rounded for people; JSON times are ISO 8601.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_process.h"
#include "tests/support/temp_dir.h"

namespace vigil {
namespace {

using testing::RunVigil;

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

class CliVoice : public ::testing::Test {
 protected:
  std::string Config(const std::string& db_path) {
    return dir_.Write("vigil.yaml", "database: {url: \"sqlite:" + db_path + "\"}\n"
                                    "communities: [{name: oncology, rules: {keywords: {pancreatic cancer: 0.9}}}]\n");
  }
  testing::TempDir dir_;
};

TEST_F(CliVoice, ReadOnlyVerbsCreateNothingAndSaySo) {
  std::string db = dir_.File("typo/vigil.db");
  std::filesystem::create_directories(dir_.File("typo"));
  std::string config = Config(db);
  for (std::vector<std::string> verb : {std::vector<std::string>{"jobs", "list"}, {"jobs", "show", "1"}, {"digests", "list"}}) {
    verb.insert(verb.end(), {"--config", config});
    auto [rc, out] = RunVigil(verb);
    EXPECT_EQ(rc, 1) << verb[0] << " " << verb[1] << ": " << out;
    EXPECT_EQ(FirstLine(out), "vigil: no database at " + db + " (database.url in " + config +
                                  "): nothing has been stored there yet; the daemon creates it when it starts, or run `vigil migrate --config " +
                                  config + "`");
    EXPECT_FALSE(std::filesystem::exists(db)) << verb[0] << " " << verb[1] << " created the database";
  }
}

TEST_F(CliVoice, AnUnmigratedDatabaseIsNamedNotShownEmpty) {
  std::string db = dir_.File("empty.db");
  std::string config = Config(db);
  ASSERT_EQ(RunVigil({"db", "backup", dir_.File("x.db"), "--config", config}).first, 1);  // nothing to back up yet
  { std::ofstream touch(db); }
  auto [rc, out] = RunVigil({"jobs", "list", "--config", config});
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("has no vigil tables yet: run `vigil migrate --config " + config + "`"), std::string::npos) << out;
}

TEST_F(CliVoice, ValuesFromAFixedSetAreChecked) {
  std::string config = Config(dir_.File("vigil.db"));
  ASSERT_EQ(RunVigil({"migrate", "--config", config}).first, 0);
  auto [rc, out] = RunVigil({"jobs", "list", "--state", "failed", "--config", config});
  EXPECT_EQ(rc, 2);
  EXPECT_EQ(FirstLine(out), "vigil: --state: \"failed\" is not one of available, running, retryable, completed, discarded, cancelled");
  auto [rc_kind, kind] = RunVigil({"jobs", "enqueue", "nosuchkind", "--config", config});
  EXPECT_EQ(rc_kind, 2);
  EXPECT_TRUE(FirstLine(kind).starts_with("vigil: no job kind \"nosuchkind\"; kinds: citation_verification, ")) << kind;
  auto [rc_near, near] = RunVigil({"jobs", "enqueue", "nop", "--config", config});
  EXPECT_EQ(rc_near, 2);
  EXPECT_TRUE(FirstLine(near).starts_with("vigil: no job kind \"nop\" (did you mean \"noop\"?); kinds: ")) << near;
  auto [rc_digest, digest] = RunVigil({"digests", "send", "nosuch", "--config", config});
  EXPECT_EQ(rc_digest, 2);
  EXPECT_EQ(FirstLine(digest),
            "vigil: no community \"nosuch\": neither the config's communities (oncology) nor the database's subreddits name it");
  auto [rc_list, list] = RunVigil({"jobs", "list", "--json", "--config", config});
  EXPECT_EQ(list, "[]\n") << "nothing was enqueued by the refused verbs";
  auto [rc_ok, ok] = RunVigil({"digests", "send", "oncology", "--config", config});
  EXPECT_EQ(rc_ok, 0) << ok;
}

TEST_F(CliVoice, CountsAndDurationsAreRoundedAndJsonTimesAreIso) {
  std::string config = Config(dir_.File("vigil.db"));
  auto [rc, out] = RunVigil({"jobs", "enqueue", "noop", "--count", "100", "--config", config});
  ASSERT_EQ(rc, 0) << out;
  // "enqueued 100 jobs in 8ms (12,500 jobs/s)": no float with eight digits.
  EXPECT_TRUE(std::regex_match(out, std::regex(R"(enqueued 100 jobs in [0-9.]+m?s \([0-9,.]+ jobs/s\)\n)"))) << out;
  auto [rc_list, list] = RunVigil({"jobs", "list", "--limit", "1", "--config", config});
  EXPECT_TRUE(std::regex_search(list, std::regex(R"(\n100 +noop +default +available +0/20 +20[0-9-]+T[0-9:]+Z \((now|[0-9]+s ago)\) +-\n)"))) << list;
  auto [rc_json, json] = RunVigil({"jobs", "show", "100", "--json", "--config", config});
  EXPECT_TRUE(std::regex_search(json, std::regex(R"("run_at": "20[0-9-]+T[0-9:]+Z")"))) << json;
}

TEST_F(CliVoice, CheckSpeaksJsonToo) {
  std::string config = Config(dir_.File("vigil.db"));
  auto [rc, out] = RunVigil({"check", "--json", "--config", config});
  ASSERT_EQ(rc, 0) << out;
  auto summary = nlohmann::json::parse(out);
  EXPECT_EQ(summary["ok"], true);
  EXPECT_EQ(summary["database"], "sqlite:" + dir_.File("vigil.db"));
  EXPECT_TRUE(summary["platform_rows"].is_null()) << "no database yet: nothing read, nothing created";
  EXPECT_FALSE(std::filesystem::exists(dir_.File("vigil.db")));
  std::string bad = dir_.Write("bad.yaml", "watchers: [{name: w, type: literature, source: pubmed, query: x, every: 300}]\n");
  auto [rc_bad, bad_out] = RunVigil({"check", "--json", "--config", bad});
  EXPECT_EQ(rc_bad, 2);
  size_t open = bad_out.find('{'), close = bad_out.rfind("}\n");  // stdout's JSON, wherever stderr's line fell
  ASSERT_TRUE(open != std::string::npos && close != std::string::npos) << bad_out;
  auto error = nlohmann::json::parse(bad_out.substr(open, close + 1 - open));
  EXPECT_EQ(error["ok"], false);
  EXPECT_NE(error["error"].get<std::string>().find("write 300s"), std::string::npos) << bad_out;
}

}  // namespace
}  // namespace vigil
