// watcher_events on both dialects: one event per (watcher, source_id), follow-up jobs with it.
#include "store/event_repo.h"

#include <gtest/gtest.h>

#include <map>

#include "store/watcher_repo.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

class EventRepoTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated({{.name = "w", .type = "literature", .community = "onc"}});
    ASSERT_TRUE(conn_);
    watcher_id_ = **WatcherIdByName(*conn_, "w");
  }
  EventInsert Make(const std::string& source_id, const std::string& title) {
    EventInsert in;
    in.watcher_id = watcher_id_;
    in.event.title = title;
    in.event.source_type = "pubmed";
    in.event.source_id = source_id;
    in.event.source_metadata = {{"doi", "10.1/x"}};
    in.follow_ups.push_back({.kind = "triage", .args = {{"event_id", "{event_id}"}}});
    return in;
  }
  int64_t Count(const std::string& sql) { return conn_->Query(sql)->rows[0].Int(0); }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  std::string watcher_id_;
};

TEST_P(EventRepoTest, StoresEachSourceIdOnceWithItsFollowUpJob) {
  auto first = InsertEvents(*conn_, {Make("1", "a"), Make("2", "b")}, std::chrono::system_clock::now());
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_TRUE((*first)[0].inserted && (*first)[1].inserted);
  auto again = InsertEvents(*conn_, {Make("1", "a")}, std::chrono::system_clock::now());
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_FALSE((*again)[0].inserted);
  EXPECT_EQ((*again)[0].id, (*first)[0].id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM watcher_events"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'triage'"), 2);
  auto job = conn_->Query("SELECT args FROM vigil_jobs ORDER BY id LIMIT 1");
  EXPECT_EQ(nlohmann::json::parse(job->rows[0].Text(0))["event_id"], (*first)[0].id);
}

TEST_P(EventRepoTest, UpdateExistingRewritesTheStoredEvent) {
  ASSERT_TRUE(InsertEvents(*conn_, {Make("2104.12255", "v1 title")}, std::chrono::system_clock::now()).ok());
  auto v2 = Make("2104.12255", "v2 title");
  v2.update_existing = true;
  auto r = InsertEvents(*conn_, {v2}, std::chrono::system_clock::now());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].updated);
  EXPECT_EQ(conn_->Query("SELECT title FROM watcher_events")->rows[0].Text(0), "v2 title");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs"), 1) << "an update is not a new event";
}

// Groups are written in multi-row INSERTs of up to 200 rows: 450 events span three of them.
TEST_P(EventRepoTest, EveryEventOfALargeGroupGetsItsOwnFollowUpJob) {
  std::vector<EventInsert> group;
  for (int i = 0; i < 450; ++i) group.push_back(Make("s" + std::to_string(i), "t" + std::to_string(i)));
  auto r = InsertEvents(*conn_, group, std::chrono::system_clock::now());
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->size(), 450u);
  auto events = conn_->Query("SELECT id, source_id FROM watcher_events");
  auto jobs = conn_->Query("SELECT args FROM vigil_jobs");
  ASSERT_TRUE(events.ok() && jobs.ok());
  std::map<std::string, std::string> source_by_id;
  for (const auto& row : events->rows) source_by_id[row.Text(0)] = row.Text(1);
  std::map<std::string, int> jobs_by_event;
  for (const auto& row : jobs->rows) ++jobs_by_event[nlohmann::json::parse(row.Text(0)).value("event_id", "")];
  for (int i = 0; i < 450; ++i) {
    EXPECT_TRUE((*r)[i].inserted);
    EXPECT_EQ(source_by_id[(*r)[i].id], "s" + std::to_string(i)) << "result " << i << " names another event's row";
    EXPECT_EQ(jobs_by_event[(*r)[i].id], 1) << "event " << i;
  }
  EXPECT_EQ(jobs_by_event.size(), 450u);
}

TEST_P(EventRepoTest, ASourceIdTwiceInOneGroupIsStoredOnce) {
  auto r = InsertEvents(*conn_, {Make("same", "first"), Make("other", "x"), Make("same", "second")}, std::chrono::system_clock::now());
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE((*r)[0].inserted);
  EXPECT_FALSE((*r)[2].inserted);
  EXPECT_EQ((*r)[2].id, (*r)[0].id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM watcher_events"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs"), 2);
  EXPECT_EQ(conn_->Query("SELECT title FROM watcher_events WHERE source_id = 'same'")->rows[0].Text(0), "first");
}

// Text that is not UTF-8 (a Latin-1 log line, a stray byte in a feed): stored with U+FFFD in its
// place; PostgreSQL refused the whole group before, on every retry. Stored again, it is the same
// event (its repaired source id is the dedupe key).
TEST_P(EventRepoTest, TextThatIsNotUtf8IsStoredWithReplacementCharacters) {
  EventInsert in = Make("line:caf\xE9", "disk full on caf\xE9 \xFF");
  in.event.summary = "caf\xE9";
  auto now = std::chrono::system_clock::now();
  auto first = InsertEvents(*conn_, {in}, now);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_TRUE((*first)[0].inserted);
  auto row = conn_->Query("SELECT title, summary, source_id FROM watcher_events")->rows[0];
  EXPECT_EQ(row.Text(0), "disk full on caf\xEF\xBF\xBD \xEF\xBF\xBD");
  EXPECT_EQ(row.Text(1), "caf\xEF\xBF\xBD");
  EXPECT_EQ(row.Text(2), "line:caf\xEF\xBF\xBD");
  auto again = InsertEvents(*conn_, {in}, now);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_FALSE((*again)[0].inserted);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM watcher_events"), 1);
}

TEST_P(EventRepoTest, RawJsonIsStoredInPlaceOfRawData) {
  EventInsert in = Make("raw", "t");
  in.event.raw_data = {{"not", "this"}};
  in.event.raw_json = "{\"ref\": \"refs/heads/main\",\n \"n\": [1, 2]}";
  ASSERT_TRUE(InsertEvents(*conn_, {in}, std::chrono::system_clock::now()).ok());
  auto stored = nlohmann::json::parse(conn_->Query("SELECT raw_data FROM watcher_events")->rows[0].Text(0));
  EXPECT_EQ(stored, nlohmann::json::parse(in.event.raw_json));
}

// raw_data comes only from webhooks, whose bodies the body limits bound: it is kept whole, as
// docs/watchers-webhook.md promises (it was once cut to a note past 256 KiB).
TEST_P(EventRepoTest, RawJsonIsStoredWholeHoweverLarge) {
  EventInsert in = Make("big", "t");
  in.event.raw_json = "{\"pad\": \"" + std::string(1024 * 1024, 'x') + "\"}";
  ASSERT_TRUE(InsertEvents(*conn_, {in}, std::chrono::system_clock::now()).ok());
  auto stored = nlohmann::json::parse(conn_->Query("SELECT raw_data FROM watcher_events")->rows[0].Text(0));
  EXPECT_EQ(stored, nlohmann::json::parse(in.event.raw_json));
}

// Stored JSON nested past kMaxJsonDepth (another program's row, or one from before the limit):
// the listing shows a marker rather than recursing into it.
TEST_P(EventRepoTest, ListingShowsJsonNestedPastTheLimitAsAMarker) {
  ASSERT_TRUE(InsertEvents(*conn_, {Make("deep", "t")}, std::chrono::system_clock::now()).ok());
  size_t levels = std::string(GetParam()) == "sqlite" ? 100000 : 1000;  // PostgreSQL's jsonb parser stops short of 100,000
  std::string deep = std::string(levels, '[') + std::string(levels, ']');
  ASSERT_TRUE(conn_->Query("UPDATE watcher_events SET raw_data = $1, source_metadata = $1", {deep}).ok());
  std::string stored = conn_->Query("SELECT raw_data FROM watcher_events")->rows[0].Text(0);  // jsonb may respace it
  auto listed = ListEvents(*conn_, {.include_raw = true});
  ASSERT_TRUE(listed.ok()) << listed.error();
  ASSERT_EQ(listed->size(), 1u);
  nlohmann::json marker = {{"unreadable", "JSON nests deeper than 512 levels (the limit)"}, {"bytes", stored.size()}};
  EXPECT_EQ((*listed)[0]["raw_data"], marker);
  EXPECT_EQ((*listed)[0]["source_metadata"], marker);
}

INSTANTIATE_TEST_SUITE_P(Dialects, EventRepoTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
