// What a reload logs: ConfigChanges of the running and the new config file.
#include "daemon/config_changes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sources/watcher_checks.h"

namespace vigil {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::shared_ptr<const Config> Yaml(const std::string& yaml) {
  auto c = ParseConfig("database:\n  url: sqlite:/tmp/vigil-changes.db\n" + yaml, "/etc/vigil/vigil.yaml");
  EXPECT_TRUE(c.ok()) << c.error();
  return c.ok() ? *c : nullptr;
}

const std::string kFeed = "  - name: feed-a\n    type: literature\n    source: feed\n    url: https://a.example.org/feed\n";
const std::string kPubmed = "  - name: pubmed-onc\n    type: literature\n    source: pubmed\n    query: KRAS\n    every: 1h\n";

TEST(ConfigChanges, TheSameFileIsNoChange) {
  auto a = Yaml("watchers:\n" + kFeed + kPubmed);
  auto b = Yaml("watchers:\n" + kFeed + kPubmed);
  EXPECT_THAT(ConfigChanges(*a, *b), ElementsAre("no change"));
}

TEST(ConfigChanges, NamesWatchersAddedRemovedAndTheKeysThatChanged) {
  auto a = Yaml("watchers:\n" + kFeed + kPubmed);
  std::string changed = "  - name: pubmed-onc\n    type: literature\n    source: pubmed\n    query: NRAS\n    every: 30m\n";
  std::string added = "  - name: arxiv-ml\n    type: literature\n    source: arxiv\n    query: cat:cs.LG\n";
  auto b = Yaml("watchers:\n" + changed + added);
  EXPECT_THAT(ConfigChanges(*a, *b), ElementsAre("watcher \"arxiv-ml\" added", "watcher \"feed-a\" removed",
                                                 "watcher \"pubmed-onc\" changed (every, query)",
                                                 "schedule \"watcher:pubmed-onc\" every 1h -> every 30m"));
}

TEST(ConfigChanges, ShowsAScheduleBeforeAndAfter) {
  auto a = Yaml("jobs:\n  schedules:\n    - {name: nightly, kind: noop, schedule: '0 9 * * *'}\n");
  auto b = Yaml("jobs:\n  schedules:\n    - {name: nightly, kind: noop, schedule: '0 8 * * *', tz: Europe/Berlin}\n"
                "    - {name: often, kind: noop, every: 10m}\n");
  auto changes = ConfigChanges(*a, *b);
  EXPECT_THAT(changes, testing::Contains("schedule \"schedule:nightly\" 0 9 * * * -> 0 8 * * * (Europe/Berlin)"));
  EXPECT_THAT(changes, testing::Contains("schedule \"schedule:often\" added (every 10m)"));
  EXPECT_THAT(ConfigChanges(*b, *a), testing::Contains("schedule \"schedule:often\" removed"));
}

TEST(ConfigChanges, AWatchersOwnScheduleShowsWithItsWatcher) {
  auto a = Yaml("watchers:\n" + kPubmed);
  std::string faster = "  - name: pubmed-onc\n    type: literature\n    source: pubmed\n    query: KRAS\n    every: 10m\n";
  auto b = Yaml("watchers:\n" + faster);
  EXPECT_THAT(ConfigChanges(*a, *b), ElementsAre("watcher \"pubmed-onc\" changed (every)", "schedule \"watcher:pubmed-onc\" every 1h -> every 10m"));
  auto none = Yaml("");
  EXPECT_THAT(ConfigChanges(*a, *none), ElementsAre("watcher \"pubmed-onc\" removed")) << "no separate schedule line";
}

TEST(ConfigChanges, NamesOtherSettingsByPathNeverByValue) {
  auto a = Yaml("logging:\n  level: info\napi:\n  token: old-s3cret-token\n");
  auto b = Yaml("logging:\n  level: debug\napi:\n  token: new-s3cret-token\n");
  auto changes = ConfigChanges(*a, *b);
  ASSERT_THAT(changes, ElementsAre("settings changed: api.token, logging.level"));
  for (const auto& line : changes) {
    EXPECT_THAT(line, Not(HasSubstr("s3cret")));
    EXPECT_THAT(line, Not(HasSubstr("debug")));
  }
}

TEST(ConfigChanges, NeverShowsAWatchersSecretValues) {
  std::string with_key = "  - name: pubmed-onc\n    type: literature\n    source: pubmed\n    query: KRAS\n    api_key: k3y-one\n";
  std::string other_key = "  - name: pubmed-onc\n    type: literature\n    source: pubmed\n    query: KRAS\n    api_key: k3y-two\n";
  auto changes = ConfigChanges(*Yaml("watchers:\n" + with_key), *Yaml("watchers:\n" + other_key));
  EXPECT_THAT(changes, ElementsAre("watcher \"pubmed-onc\" changed (api_key)"));
}

}  // namespace
}  // namespace vigil
