// The "field" of POST/PATCH /api/v1/watchers refusals: which body key `vigil check`'s message
// about a platform row concerns, from the real messages CheckWatcherRow and ApplyRowChanges give.
#include <gtest/gtest.h>

#include "daemon/admin/watcher_row_routes.h"
#include "daemon/platform_watchers.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

std::shared_ptr<const Config> Yaml() {
  auto c = ParseConfig("database:\n  url: sqlite:/tmp/vigil-row-field-test.db\nwatchers:\n  - name: yaml-hook\n    type: webhook\n"
                       "    verify: {scheme: none}\n",
                       "/tmp/vigil.yaml");
  EXPECT_TRUE(c.ok()) << c.error();
  return *c;
}

// The field of the refusal of `row` as the daemon would run it (the check must refuse it).
std::string FieldOf(PlatformWatcherRow row) {
  row.enabled = true;
  Status s = CheckWatcherRow(Yaml(), row, nullptr);
  EXPECT_FALSE(s.ok()) << "the row was expected to be refused";
  return CheckErrorField(row, s.message());
}

PlatformWatcherRow Row(std::string type, std::string config, std::string query = "") {
  PlatformWatcherRow r;
  r.name = "row";
  r.type = std::move(type);
  r.config = std::move(config);
  r.query = std::move(query);
  return r;
}

// The field of the refusal of `body` as changes to a new row.
std::string BodyFieldOf(const std::string& body) {
  auto changes = nlohmann::json::parse(body);
  auto changed = ApplyRowChanges(PlatformWatcherRow{}, changes, true);
  EXPECT_FALSE(changed.ok()) << body;
  return changed.ok() ? "(accepted)" : BodyErrorField(changes, changed.error());
}

TEST(WatcherRowField, ABadCronOfAScheduledRowIsConfigSchedule) {
  EXPECT_EQ(FieldOf(Row("scheduled", R"({"schedule": "61 * * * *", "emit": {"title": "t"}})")), "config.schedule");
  EXPECT_EQ(FieldOf(Row("scheduled", R"({"schedule": "0 6 * * *", "tz": "Mars/Olympus", "emit": {"title": "t"}})")), "config.tz");
}

TEST(WatcherRowField, AShortPollIntervalIsPollIntervalSecondsUnlessTheConfigSetsEvery) {
  auto row = Row("literature", R"({"source": "pubmed"})", "KRAS");
  row.poll_interval_seconds = 2;
  EXPECT_EQ(FieldOf(row), "poll_interval_seconds");
  EXPECT_EQ(FieldOf(Row("literature", R"({"source": "pubmed", "every": "2s"})", "KRAS")), "config.every");
}

TEST(WatcherRowField, ABadSourceIsConfigSourceAndANestedKeyItsTopLevelKey) {
  EXPECT_EQ(FieldOf(Row("literature", R"({"source": "scopus"})", "KRAS")), "config.source");
  EXPECT_EQ(FieldOf(Row("webhook", R"({"verify": {"scheme": "telepathy"}})")), "config.verify");
}

TEST(WatcherRowField, ColumnsAndTheConfigAsAWholeAreTheirOwnKeys) {
  EXPECT_EQ(FieldOf(Row("rss", "{}")), "type");
  EXPECT_EQ(FieldOf(Row("log", "{}")), "type");
  EXPECT_EQ(FieldOf(Row("literature", "[1]", "KRAS")), "config");
  EXPECT_EQ(FieldOf(Row("literature", R"({"source": "pubmed", "community": "x"})", "KRAS")), "config");
  auto shadowing = Row("webhook", R"({"verify": {"scheme": "none"}})");
  shadowing.name = "yaml-hook";
  EXPECT_EQ(FieldOf(shadowing), "name");
}

TEST(WatcherRowField, AMessageThatNamesNoKeyHasNoField) {
  EXPECT_EQ(CheckErrorField(Row("literature", "{}"), "something went wrong"), "");
  EXPECT_EQ(CheckErrorField(Row("literature", "{}"), "watcher row \"row\" (new): it broke: badly"), "");
}

TEST(WatcherRowField, ABodyRefusalIsTheKeyItNames) {
  EXPECT_EQ(BodyFieldOf(R"({"name": "x", "type": "literature", "poll_interval_seconds": -5})"), "poll_interval_seconds");
  EXPECT_EQ(BodyFieldOf(R"({"name": "x", "type": "literature", "config": [1]})"), "config");
  EXPECT_EQ(BodyFieldOf(R"({"name": "x", "type": 7})"), "type");
  EXPECT_EQ(BodyFieldOf(R"({"name": "x", "type": "literature", "colour": "red"})"), "colour");
  EXPECT_EQ(BodyFieldOf(R"({"type": "literature"})"), "name");
  EXPECT_EQ(BodyFieldOf(R"({"name": "x"})"), "type");
}

}  // namespace
}  // namespace vigil
