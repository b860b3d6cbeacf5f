// Rows of the platform's `watchers` table as watchers: how a row becomes a block (Config's row
// walk), what a row may not do, and which rows run (BuildWatcherSet).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "daemon/platform_watchers.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

constexpr const char* kYaml = R"(database:
  url: sqlite:/tmp/vigil-platform-watchers-test.db
secrets:
  lab: s3cret-from-yaml
watchers:
  - name: tumor-board
    type: webhook
    verify: {scheme: none}
  - name: yaml-pubmed
    type: literature
    source: pubmed
    query: p53
)";

std::shared_ptr<const Config> Yaml(const std::string& text = kYaml) {
  auto c = ParseConfig(text, "/tmp/vigil.yaml");
  EXPECT_TRUE(c.ok()) << c.error();
  return *c;
}

PlatformWatcherRow Row(std::string id, std::string name, std::string type, std::string config) {
  PlatformWatcherRow r;
  r.id = std::move(id);
  r.name = std::move(name);
  r.type = std::move(type);
  r.config = std::move(config);
  r.enabled = true;
  r.updated_at = "2026-12-02 06:00:00.000000";
  return r;
}

PlatformWatcherRow Literature(std::string id, std::string name, std::string config = R"({"source": "pubmed"})") {
  auto r = Row(std::move(id), std::move(name), "literature", std::move(config));
  r.query = "tumor suppressor";
  r.poll_interval_seconds = 600;
  return r;
}

const WatcherRowStatus& StatusOf(const WatcherSet& set, const std::string& id) {
  for (const auto& r : set.rows) {
    if (r.id == id) return r;
  }
  ADD_FAILURE() << "no status for row " << id;
  static WatcherRowStatus none;
  return none;
}

const nlohmann::json* Block(const WatcherSet& set, const std::string& name) {
  for (const auto& w : set.config->tree()["watchers"]) {
    if (w.value("name", "") == name) return &w;
  }
  return nullptr;
}

TEST(PlatformWatchers, ALiteratureRowRunsUnderItsIdWithItsColumnsAsKeys) {
  auto row = Literature("0a1b", "p53 papers");
  row.community = "oncology";
  auto set = BuildWatcherSet(Yaml(), {row});
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_EQ(StatusOf(*set, "0a1b").state, "running");
  const nlohmann::json* w = Block(*set, "0a1b");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ((*w)["query"], "tumor suppressor");
  EXPECT_EQ((*w)["every"], 600000);  // normalised as the YAML's `every: 600s` would be
  EXPECT_EQ((*w)["community"], "oncology");
  EXPECT_EQ((*w)["platform_row"]["name"], "p53 papers");
  bool scheduled = false;
  for (const auto& s : set->schedules) scheduled |= s.name == "watcher:0a1b";
  EXPECT_TRUE(scheduled);
}

TEST(PlatformWatchers, ABadRowShowsItsErrorAndTheOthersRun) {
  auto set = BuildWatcherSet(Yaml(), {Literature("01", "good"), Literature("02", "bad", R"({"source": "scopus"})"),
                                      Row("03", "syslog", "log", R"({"paths": ["/var/log/syslog"]})"),
                                      Row("04", "rss", "rss", "{}"), Literature("05", "not json", "{oops")});
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_EQ(StatusOf(*set, "01").state, "running");
  EXPECT_EQ(StatusOf(*set, "02").state, "refused");
  EXPECT_EQ(StatusOf(*set, "02").error, "watcher row \"bad\" (02): source: \"scopus\" is not one of pubmed, arxiv, feed");
  EXPECT_NE(StatusOf(*set, "03").error.find("log watchers read files on the daemon's host"), std::string::npos);
  EXPECT_NE(StatusOf(*set, "04").error.find("vigil runs literature, scheduled and webhook rows"), std::string::npos);
  EXPECT_NE(StatusOf(*set, "05").error.find("watcher row \"not json\" (05): config: "), std::string::npos);
  EXPECT_NE(Block(*set, "01"), nullptr);
  EXPECT_EQ(Block(*set, "02"), nullptr);
  EXPECT_NE(Block(*set, "tumor-board"), nullptr);
  EXPECT_EQ(set->config->platform_watcher_rows().size(), 5u);
}

TEST(PlatformWatchers, TheYamlWinsANameBothDefine) {
  auto set = BuildWatcherSet(Yaml(), {Literature("07", "yaml-pubmed")});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(StatusOf(*set, "07").state, "shadowed");
  EXPECT_EQ(StatusOf(*set, "07").error, "the YAML defines a watcher named \"yaml-pubmed\"; it runs, this row does not");
  EXPECT_EQ(Block(*set, "07"), nullptr);
}

TEST(PlatformWatchers, DisabledRowsAndRowsWhenTurnedOffDoNotRun) {
  auto off = Literature("08", "off");
  off.enabled = false;
  auto set = BuildWatcherSet(Yaml(), {off});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(StatusOf(*set, "08").state, "disabled");
  auto none = BuildWatcherSet(Yaml(std::string(kYaml) + "platform_watchers:\n  enabled: false\n"), {Literature("09", "x")});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(StatusOf(*none, "09").state, "off");
  EXPECT_EQ(Block(*none, "09"), nullptr);
}

TEST(PlatformWatchers, AWebhookRowAnswersAtItsIdAndAtAUniqueUrlSafeName) {
  auto set = BuildWatcherSet(Yaml(), {Row("0c", "lab-notebook", "webhook", R"({"verify": {"scheme": "none"}})"), Row("0d", "two words", "webhook", R"({"verify": {"scheme": "none"}})"),
                                      Row("0e", "twin", "webhook", R"({"verify": {"scheme": "none"}})"), Row("0f", "twin", "webhook", R"({"verify": {"scheme": "none"}})")});
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_EQ(StatusOf(*set, "0c").paths, (std::vector<std::string>{"/hooks/0c", "/hooks/lab-notebook"}));
  EXPECT_EQ(StatusOf(*set, "0d").paths, (std::vector<std::string>{"/hooks/0d"}));  // not URL-safe
  EXPECT_EQ(StatusOf(*set, "0e").paths, (std::vector<std::string>{"/hooks/0e"}));  // not unique
  for (const char* path : {"/hooks/0c", "/hooks/lab-notebook", "/hooks/0d", "/hooks/0e", "/hooks/0f", "/hooks/tumor-board"})
    EXPECT_EQ(set->hooks->count(path), 1u) << path;
  EXPECT_EQ(set->hooks->at("/hooks/lab-notebook")->name(), "0c");
  // A row named like a YAML hook's path gets no alias: the YAML's hook keeps it.
  auto clash = BuildWatcherSet(Yaml(), {Row("10", "tumor-board", "webhook", R"({"verify": {"scheme": "none"}})")});
  ASSERT_TRUE(clash.ok());
  EXPECT_EQ(StatusOf(*clash, "10").state, "shadowed");
}

TEST(PlatformWatchers, ARowCannotReadTheEnvironmentOrFiles) {
  setenv("VIGIL_TEST_ROW_SECRET", "from-env", 1);
  auto set = BuildWatcherSet(
      Yaml(), {Row("11", "env", "webhook", R"({"verify": {"scheme": "github", "secret": "${VIGIL_TEST_ROW_SECRET}"}})"),
               Row("12", "file", "webhook", R"({"verify": {"scheme": "github", "secret_file": "/etc/passwd"}})"),
               Row("13", "ref", "webhook", R"({"verify": {"scheme": "github", "secret_ref": "lab"}})"),
               Row("14", "unknown ref", "webhook", R"({"verify": {"scheme": "github", "secret_ref": "nope"}})"),
               Row("15", "key file", "literature", R"({"source": "pubmed", "api_key_file": "/etc/shadow"})"),
               Row("16", "path", "webhook", R"({"path": "/hooks/admin", "verify": {"scheme": "none"}})")});
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_EQ(StatusOf(*set, "11").state, "refused");
  EXPECT_NE(StatusOf(*set, "11").error.find("is not expanded in a platform watcher's config"), std::string::npos)
      << StatusOf(*set, "11").error;
  EXPECT_NE(StatusOf(*set, "12").error.find("verify.secret_file: a platform watcher's config cannot read the daemon's files"),
            std::string::npos) << StatusOf(*set, "12").error;
  EXPECT_EQ(StatusOf(*set, "13").state, "running") << StatusOf(*set, "13").error;
  EXPECT_EQ((*Block(*set, "13"))["verify"]["secret"], "s3cret-from-yaml");
  EXPECT_NE(StatusOf(*set, "14").error.find("no secret named \"nope\" in the YAML's secrets: map"), std::string::npos);
  EXPECT_NE(StatusOf(*set, "15").error.find("api_key_file: a platform watcher's config cannot read"), std::string::npos)
      << StatusOf(*set, "15").error;
  EXPECT_NE(StatusOf(*set, "16").error.find("a row's webhook answers at /hooks/<id>"), std::string::npos);
  // The secret never shows in what the API lists.
  EXPECT_EQ(RedactSecrets(*Block(*set, "13"))["verify"]["secret"], "(set)");
  EXPECT_EQ(set->config->platform_watcher_rows().dump().find("s3cret"), std::string::npos);
}

TEST(PlatformWatchers, ASecretOfTheYamlsMapMayComeFromAFile) {
  std::string file = "/tmp/vigil-platform-watchers-test-" + std::to_string(getpid()) + ".secret";
  FILE* f = fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("from-a-file\n", f);
  fclose(f);
  auto yaml = Yaml("database:\n  url: sqlite:/tmp/x.db\nsecrets:\n  lab_file: " + file + "\n");
  std::remove(file.c_str());
  auto set = BuildWatcherSet(yaml, {Row("18", "ref", "webhook", R"({"verify": {"scheme": "github", "secret_ref": "lab"}})")});
  ASSERT_TRUE(set.ok()) << set.error();
  ASSERT_NE(Block(*set, "18"), nullptr) << StatusOf(*set, "18").error;
  EXPECT_EQ((*Block(*set, "18"))["verify"]["secret"], "from-a-file");
  EXPECT_EQ(RedactSecrets(yaml->tree())["secrets"], "(set)");
}

TEST(PlatformWatchers, RowUrlsAreFromData) {
  auto set = BuildWatcherSet(Yaml(), {Literature("17", "feed", R"({"source": "feed", "url": "http://10.0.0.1/rss"})")});
  ASSERT_TRUE(set.ok());
  ASSERT_NE(Block(*set, "17"), nullptr);
  EXPECT_TRUE(Block(*set, "17")->contains("platform_row"));  // literature_poll_job reads it as from_data
  EXPECT_FALSE(Block(*set, "yaml-pubmed")->contains("platform_row"));
}

TEST(PlatformWatchers, TheDigestSeesEveryColumnThatMatters) {
  std::vector<PlatformWatcherRow> rows = {Literature("20", "a"), Row("21", "b", "webhook", R"({"verify": {"scheme": "none"}})")};
  uint64_t base = WatcherRowsDigest(rows);
  EXPECT_EQ(WatcherRowsDigest(rows), base);
  auto changed = [&](auto change) {
    auto copy = rows;
    change(copy[0]);
    return WatcherRowsDigest(copy) != base;
  };
  EXPECT_TRUE(changed([](PlatformWatcherRow& r) { r.enabled = false; }));
  EXPECT_TRUE(changed([](PlatformWatcherRow& r) { r.query = "p63"; }));
  EXPECT_TRUE(changed([](PlatformWatcherRow& r) { r.poll_interval_seconds = 60; }));
  EXPECT_TRUE(changed([](PlatformWatcherRow& r) { r.config = R"({"source": "arxiv"})"; }));  // updated_at as it was
  EXPECT_TRUE(changed([](PlatformWatcherRow& r) { r.updated_at = "2026-12-02 07:00:00.000000"; }));
  EXPECT_TRUE(changed([](PlatformWatcherRow& r) { r.community = "neuro"; }));
  EXPECT_NE(WatcherRowsDigest({rows[0]}), base);  // a row deleted
  EXPECT_NE(WatcherRowsDigest({}), base);
}

}  // namespace
}  // namespace vigil
