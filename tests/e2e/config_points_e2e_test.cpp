// What `vigil check` and the other verbs say about a config a new user writes, through the built
// binary: a watcher's requirements by type, a webhook's verify, a community no `communities:`
// entry defines, durations without a unit, secrets needed only by the code that uses them, and
// `vigil config reference` narrowed to a section in human units.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/daemon_process.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using testing::RunVigil;

class ConfigPoints : public ::testing::Test {
 protected:
  std::string Write(const std::string& yaml) {
    std::string path = dir_.path() + "/vigil.yaml";
    std::ofstream(path) << "database:\n  url: sqlite:vigil.db\n" << yaml;
    return path;
  }
  std::pair<int, std::string> Check(const std::string& yaml, const std::map<std::string, std::string>& env = {}) {
    return RunVigil({"check", "--config", Write(yaml)}, env);
  }

  testing::TempDir dir_;
};

TEST_F(ConfigPoints, APubmedWatcherWithoutQueryIsRefused) {
  auto [code, out] = Check("watchers:\n  - name: kras\n    type: literature\n    source: pubmed\n");
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("vigil.yaml:4:5: watchers[0].query: a PubMed watcher needs query"), std::string::npos) << out;
}

TEST_F(ConfigPoints, AWebhookWithoutVerifyIsRefusedAndSchemeNoneIsAccepted) {
  auto [refused, why] = Check("watchers:\n  - name: hook\n    type: webhook\n");
  EXPECT_EQ(refused, 2);
  EXPECT_NE(why.find("watchers[0].verify: a webhook watcher needs verify"), std::string::npos) << why;
  EXPECT_NE(why.find("verify: {scheme: none}"), std::string::npos) << why;
  auto [accepted, out] = Check("watchers:\n  - name: hook\n    type: webhook\n    verify: {scheme: none}\n");
  EXPECT_EQ(accepted, 0) << out;
}

TEST_F(ConfigPoints, ACommunityNoCommunitiesEntryDefinesIsAWarningNotAnError) {
  auto [code, out] = Check(
      "communities:\n  - name: general\nwatchers:\n  - name: kras\n    type: literature\n    source: pubmed\n"
      "    query: KRAS\n    community: oncology\n");
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("vigil: warning: vigil.yaml:10:16: watchers[0].community: \"oncology\" is not defined in communities:"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("looks for it in the platform's subreddits"), std::string::npos) << out;
  auto [defined, quiet] = Check(
      "communities:\n  - name: oncology\nwatchers:\n  - name: kras\n    type: literature\n    source: pubmed\n"
      "    query: KRAS\n    community: oncology\n");
  EXPECT_EQ(defined, 0) << quiet;
  EXPECT_EQ(quiet.find("warning"), std::string::npos) << quiet;
}

TEST_F(ConfigPoints, ADurationWithoutAUnitIsRefusedWithTheUnitSuggested) {
  auto [code, out] = Check("watchers:\n  - name: kras\n    type: literature\n    source: pubmed\n    query: KRAS\n    every: 300\n");
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("vigil.yaml:8:12: watchers[0].every: \"300\" has no unit: write 300s for seconds"), std::string::npos)
      << out;
  auto [ok, fine] = Check("watchers:\n  - name: kras\n    type: literature\n    source: pubmed\n    query: KRAS\n    every: 300s\n");
  EXPECT_EQ(ok, 0) << fine;
}

// A config with a webhook's secret and the API token from the environment, neither set.
const char* kSecretsConfig =
    "api:\n  token: ${VIGIL_POINTS_UNSET_TOKEN}\nwatchers:\n  - name: gh\n    type: webhook\n"
    "    verify: {scheme: github, secret: \"${VIGIL_POINTS_UNSET_HOOK_SECRET}\"}\n";

TEST_F(ConfigPoints, VerbsThatUseNoSecretRunWithoutThemWhileRunAndCheckRefuse) {
  std::string path = Write(kSecretsConfig);
  std::map<std::string, std::string> set = {{"VIGIL_POINTS_UNSET_TOKEN", "t"}, {"VIGIL_POINTS_UNSET_HOOK_SECRET", "s"}};
  auto [migrated, m] = RunVigil({"migrate", "--config", path}, set);
  ASSERT_EQ(migrated, 0) << m;
  auto [listed, notifications] = RunVigil({"notifications", "list", "--config", path});
  EXPECT_EQ(listed, 0) << notifications;
  auto [watched, watchers] = RunVigil({"watchers", "list", "--config", path});
  EXPECT_EQ(watched, 0) << watchers;
  auto [checked, check] = RunVigil({"check", "--config", path});
  EXPECT_EQ(checked, 2);
  EXPECT_NE(check.find("vigil.yaml:4:10: api.token: environment variable VIGIL_POINTS_UNSET_TOKEN is not set"),
            std::string::npos)
      << check;
  auto [ran, run] = RunVigil({"run", "--config", path});
  EXPECT_EQ(ran, 2);
  EXPECT_NE(run.find("VIGIL_POINTS_UNSET_TOKEN is not set"), std::string::npos) << run;
  auto [asked, status] = RunVigil({"status", "--config", path});
  EXPECT_EQ(asked, 1);
  EXPECT_NE(status.find("needs api.token: vigil.yaml:4:10: api.token: environment variable VIGIL_POINTS_UNSET_TOKEN is not set"),
            std::string::npos)
      << status;
}

TEST(ConfigReferenceVerb, NarrowsToASectionInHumanUnits) {
  auto [code, out] = RunVigil({"config", "reference", "http"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("http.max_header_bytes  size, 1 KiB to 1 MiB, default 16KiB, reload: yes"), std::string::npos) << out;
  EXPECT_NE(out.find("http.header_timeout  duration, 100ms to 1h, default 10s"), std::string::npos) << out;
  EXPECT_EQ(out.find("watchers"), std::string::npos) << out;
  EXPECT_EQ(out.find("e+"), std::string::npos) << out;
  auto [every, every_out] = RunVigil({"config", "reference", "watchers.every"});
  EXPECT_EQ(every, 0) << every_out;
  EXPECT_TRUE(every_out.starts_with("watchers[].every  duration, 1s to 30d, default 1h")) << every_out;
}

TEST(ConfigReferenceVerb, AnUnknownPrefixIsAUsageErrorThatSuggestsTheKey) {
  auto [code, out] = RunVigil({"config", "reference", "htpp"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("vigil: no config key \"htpp\" (did you mean \"http\"?)"), std::string::npos) << out;
}

TEST(ConfigReferenceVerb, FormatMdIsTheDocsPage) {
  auto [code, out] = RunVigil({"config", "reference", "--format", "md"});
  EXPECT_EQ(code, 0);
  EXPECT_EQ(out, testing::ReadFileBytes(testing::SourceDir() + "/docs/configuration.md"))
      << "regenerate with: ./build/vigil config reference --format md > docs/configuration.md";
}

}  // namespace
}  // namespace vigil
