// Watcher health against a real database: the watcher_health job raises one alert (and one
// delivery per ops channel) when a watcher starts failing or goes silent and one when it
// recovers, never twice for one change across runs or daemons; the counts per day and per hour
// behind GET /api/v1/watchers and /api/v1/stats.
#include <gtest/gtest.h>

#include "common/iso8601.h"
#include "jobs/triage/triage_config.h"
#include "jobs/watch/watcher_health.h"
#include "jobs/watch/watcher_health_job.h"
#include "sources/watcher_checks.h"
#include "store/db_time.h"
#include "store/event_repo.h"
#include "store/health_alert_repo.h"
#include "store/watcher_activity_repo.h"
#include "store/watcher_repo.h"
#include "store/watcher_state_repo.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class WatcherHealthDb : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
    ASSERT_TRUE(testing::SyncTestWatchers(*conn_, {{.name = "feed", .type = "literature", .community = "onc"},
                                                   {.name = "quiet", .type = "literature", .community = "lab"},
                                                   {.name = "plain", .type = "literature", .community = "lab"}}));
    auto config = ParseConfig("database:\n  url: " + db_.url() +
                                  "\nnotify:\n  channels:\n    - {name: ops, type: webhook, url: 'http://127.0.0.1:9/ops'}\n"
                                  "    - {name: pager, type: webhook, url: 'http://127.0.0.1:9/pager'}\n"
                                  "  ops_channels: [ops, pager]\n"
                                  "watchers:\n"
                                  "  - {name: feed, type: literature, source: feed, url: 'http://127.0.0.1:9/f', alert_after: 2}\n"
                                  "  - {name: quiet, type: literature, source: feed, url: 'http://127.0.0.1:9/q', expect_every: 1h}\n"
                                  "  - {name: plain, type: literature, source: feed, url: 'http://127.0.0.1:9/p'}\n",
                              "/tmp/vigil.yaml");
    ASSERT_TRUE(config.ok()) << config.error();
    config_ = *config;
    auto settings = ParseTriageSettings(*config_);
    ASSERT_TRUE(settings.ok()) << settings.error();
    settings_ = *settings;
  }
  int Check(TimePoint now, SqlConnection* db = nullptr) {
    auto r = CheckWatcherHealth(db ? *db : *conn_, *config_, settings_, now);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? *r : -1;
  }
  void Fail(const std::string& name, TimePoint at) {
    ASSERT_TRUE(RecordPollFailure(*conn_, name, at, PollFailure{.error = "HTTP 503 from 127.0.0.1", .next_allowed = at}).ok());
  }
  void Succeed(const std::string& name, TimePoint at) { ASSERT_TRUE(RecordPollSuccess(*conn_, name, at, "{}").ok()); }
  // Alerts raised, oldest first, as "watcher:health".
  std::vector<std::string> Alerts() {
    auto r = conn_->Query("SELECT watcher_name, health FROM vigil_health_alerts ORDER BY created_at, id");
    EXPECT_TRUE(r.ok());
    std::vector<std::string> out;
    for (const auto& row : r->rows) out.push_back(row.Text(0) + ":" + row.Text(1));
    return out;
  }
  int64_t Deliveries() {
    auto r = conn_->Query("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'deliver'");
    return r.ok() ? r->rows[0].Int(0) : -1;
  }
  void AddEvent(const std::string& watcher, const std::string& source_id, TimePoint at, const std::string& community = "") {
    auto id = WatcherIdByName(*conn_, watcher);
    ASSERT_TRUE(id.ok() && *id);
    EventInsert e{.watcher_id = **id, .community_id = community, .event = {.title = "t " + source_id, .source_type = "feed",
                                                                           .source_id = source_id}};
    ASSERT_TRUE(InsertEvents(*conn_, {e}, at).ok());
  }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  std::shared_ptr<const Config> config_;
  TriageSettings settings_;
  TimePoint t0_ = *ParseIso8601("2026-12-03T10:00:00Z");
};

TEST_P(WatcherHealthDb, FailingPastAlertAfterRaisesOneAlertPerChannelOnceThenOneRecovery) {
  Succeed("feed", t0_);
  Fail("feed", t0_ + 1min);
  EXPECT_EQ(Check(t0_ + 1min), 0) << "one failure, alert_after 2";
  Fail("feed", t0_ + 2min);
  EXPECT_EQ(Check(t0_ + 2min), 1);
  EXPECT_EQ(Deliveries(), 2) << "one delivery per ops channel";
  Fail("feed", t0_ + 3min);
  EXPECT_EQ(Check(t0_ + 3min), 0) << "still failing: no repeat";
  Succeed("feed", t0_ + 4min);
  EXPECT_EQ(Check(t0_ + 4min), 1);
  EXPECT_EQ(Check(t0_ + 5min), 0);
  EXPECT_EQ(Alerts(), (std::vector<std::string>{"feed:failing", "feed:ok"}));
  EXPECT_EQ(Deliveries(), 4);
}

TEST_P(WatcherHealthDb, ASecondDaemonOnTheSameDatabaseDoesNotRepeatTheAlert) {
  Succeed("feed", t0_);
  Fail("feed", t0_ + 1min);
  Fail("feed", t0_ + 2min);
  auto other = db_.ConnectMigrated();
  ASSERT_TRUE(other);
  EXPECT_EQ(Check(t0_ + 2min), 1);
  EXPECT_EQ(Check(t0_ + 2min, other.get()), 0);
  EXPECT_EQ(Alerts(), (std::vector<std::string>{"feed:failing"}));
}

TEST_P(WatcherHealthDb, SilentPastExpectEveryThenAnEventRecovers) {
  Succeed("quiet", t0_);
  EXPECT_EQ(Check(t0_ + 59min), 0);
  EXPECT_EQ(Check(t0_ + 61min), 1);
  EXPECT_EQ(Check(t0_ + 90min), 0);
  AddEvent("quiet", "a", t0_ + 91min);
  EXPECT_EQ(Check(t0_ + 92min), 1);
  EXPECT_EQ(Alerts(), (std::vector<std::string>{"quiet:silent", "quiet:ok"}));
}

TEST_P(WatcherHealthDb, AWatcherWithoutHealthKeysNeverAlerts) {
  Succeed("plain", t0_);
  for (int i = 1; i <= 5; ++i) Fail("plain", t0_ + i * 1min);
  EXPECT_EQ(Check(t0_ + 10min), 0);
  auto context = LoadHealthContext(*conn_, t0_ + 10min);
  ASSERT_TRUE(context.ok()) << context.error();
  nlohmann::json block = {{"name", "plain"}, {"type", "literature"}};
  EXPECT_EQ(HealthOf(*conn_, block, *context).health, Health::kFailing) << "shown as failing all the same";
}

TEST_P(WatcherHealthDb, WithoutOpsChannelsNothingIsRaised) {
  settings_.ops_channels.clear();
  Succeed("feed", t0_);
  Fail("feed", t0_ + 1min);
  Fail("feed", t0_ + 2min);
  EXPECT_EQ(Check(t0_ + 2min), 0);
  EXPECT_TRUE(Alerts().empty());
}

TEST_P(WatcherHealthDb, EventsPerDayEndWithTodayAndLastEventIsTheNewest) {
  TimePoint now = *ParseIso8601("2026-12-03T12:00:00Z");
  AddEvent("feed", "today-1", now - 1h);
  AddEvent("feed", "today-2", now - 2h);
  AddEvent("feed", "yesterday", now - 24h);
  AddEvent("feed", "13-days-ago", now - 13 * 24h);
  AddEvent("feed", "long-ago", now - 30 * 24h);
  auto activity = WatcherActivityById(*conn_, now);
  ASSERT_TRUE(activity.ok()) << activity.error();
  auto id = WatcherIdByName(*conn_, "feed");
  const WatcherActivity& a = activity->at(WatcherIdKey(**id));
  EXPECT_EQ(a.events, 5);
  EXPECT_EQ(a.last_event_us / 1000000, ToMicros(now - 1h) / 1000000);
  EXPECT_EQ(a.per_day[13], 2);
  EXPECT_EQ(a.per_day[12], 1);
  EXPECT_EQ(a.per_day[0], 1);
  int64_t sum = 0;
  for (auto n : a.per_day) sum += n;
  EXPECT_EQ(sum, 4) << "the one 30 days ago is outside";
}

TEST_P(WatcherHealthDb, CountsPerHourByWatcherAndCommunity) {
  TimePoint start = *ParseIso8601("2026-12-02T13:00:00Z");
  AddEvent("feed", "a", start + 10min);
  AddEvent("feed", "b", start + 50min);
  AddEvent("quiet", "c", start + 23h + 59min);
  AddEvent("quiet", "d", start - 1min);  // before the range
  auto by_watcher = CountPerHour(*conn_, CountOf::kEvents, CountBy::kWatcher, start, 24);
  ASSERT_TRUE(by_watcher.ok()) << by_watcher.error();
  std::map<std::string, std::vector<int64_t>> got;
  for (const auto& s : *by_watcher) got[s.key] = s.counts;
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got["feed"][0], 2);
  EXPECT_EQ(got["quiet"][23], 1);
  EXPECT_EQ(got["quiet"][0], 0);
  auto by_community = CountPerHour(*conn_, CountOf::kEvents, CountBy::kCommunity, start, 24);
  ASSERT_TRUE(by_community.ok()) << by_community.error();
  std::map<std::string, int64_t> totals;
  for (const auto& s : *by_community) totals[s.key] = s.total;
  EXPECT_EQ(totals["onc"], 2);
  EXPECT_EQ(totals["lab"], 1);
  auto by_signal = CountPerHour(*conn_, CountOf::kEvents, CountBy::kSignal, start, 24);
  ASSERT_TRUE(by_signal.ok()) << by_signal.error();
  ASSERT_EQ(by_signal->size(), 1u);
  EXPECT_EQ((*by_signal)[0].key, "(none)") << "not triaged";
  EXPECT_EQ((*by_signal)[0].total, 3);
}

// A batch of passes records its watchers' successes in one statement, and looks their rows up in
// one: a new state row gets every column a single success gives it, a failing one is cleared, and
// a watcher named twice keeps its last.
TEST_P(WatcherHealthDb, SuccessesOfSeveralWatchersAreRecordedTogether) {
  TimePoint t0 = std::chrono::system_clock::now();
  Fail("quiet", t0);
  TimePoint t1 = t0 + std::chrono::seconds(5);
  ASSERT_TRUE(RecordPollSuccesses(*conn_, {{"feed", t1, R"({"n":1})"}, {"quiet", t1, "{}"}, {"feed", t1, R"({"n":2})"}}).ok());
  for (const char* name : {"feed", "quiet"}) {
    auto st = GetWatcherState(*conn_, name);
    ASSERT_TRUE(st.ok() && *st) << name;
    EXPECT_EQ((*st)->consecutive_failures, 0) << name;
    EXPECT_TRUE((*st)->last_error.empty()) << name;
    EXPECT_EQ((*st)->last_success_at_us, ToMicros(t1)) << name;
    EXPECT_EQ((*st)->last_poll_at_us, ToMicros(t1)) << name;
    EXPECT_EQ((*st)->next_poll_at_us, 0) << name;
  }
  EXPECT_EQ((*GetWatcherState(*conn_, "feed"))->cursor, R"({"n":2})");
  EXPECT_EQ((*GetWatcherState(*conn_, "feed"))->first_poll_at_us, ToMicros(t1));
  EXPECT_EQ((*GetWatcherState(*conn_, "quiet"))->first_poll_at_us, ToMicros(t0));  // kept from its first poll

  auto ids = WatcherIdsByName(*conn_, {"feed", "plain", "nosuch"});
  ASSERT_TRUE(ids.ok()) << ids.error();
  EXPECT_EQ(ids->size(), 2u);
  EXPECT_EQ(ids->at("feed"), **WatcherIdByName(*conn_, "feed"));
  EXPECT_EQ(ids->at("plain"), **WatcherIdByName(*conn_, "plain"));
}

INSTANTIATE_TEST_SUITE_P(Dialects, WatcherHealthDb, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
