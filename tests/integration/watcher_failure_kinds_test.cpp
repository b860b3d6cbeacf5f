// Permanent and transient failures of watchers, against a local stand-in for the feed host: a
// request that is wrong (404, 410, 401, 403, an invalid query) is asked once per poll, shown at
// once as permanent and leaves the schedule alone; a transient one (500, a refused connection) is
// retried by the HTTP client and backs the watcher off; a "run now" never makes the next poll later.
#include <gtest/gtest.h>

#include "common/http/curl_http_client.h"
#include "common/iso8601.h"
#include "daemon/watcher_status.h"
#include "jobs/watch/literature_poll_job.h"
#include "jobs/watch/scheduled_watcher_job.h"
#include "sources/watcher_checks.h"
#include "store/db_time.h"
#include "store/watcher_state_repo.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class WatcherFailures : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    StartStandIn();
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
    ASSERT_TRUE(testing::SyncTestWatchers(*conn_, {{.name = "w", .type = "literature", .community = "onc"}}));
  }
  void UseConfig(const std::string& watcher_yaml) {
    auto config = ParseConfig("database:\n  url: " + db_.url() + "\nwatchers:\n" + watcher_yaml, "/tmp/vigil.yaml");
    ASSERT_TRUE(config.ok()) << config.error();
    runtime_ = std::make_unique<Runtime>(*config);
    // The client's own retries, fast: three transfers for a status worth another attempt.
    RetryPolicy retry{.max_attempts = 3, .base_delay = 5ms, .max_delay = 10ms};
    runtime_->set_http(std::make_unique<CurlHttpClient>(HttpClientOptions{.host_limits = {}, .retry = retry}));
  }
  // A feed watcher "w" polled every 10 minutes.
  void UseFeed(const std::string& url) {
    UseConfig("  - name: w\n    type: literature\n    source: feed\n    every: 10m\n    url: " + url + "\n");
  }
  JobResult Run(const KindSpec& kind, bool manual) {
    JobRow row;
    row.kind = kind.kind;
    row.attempt = 1;
    nlohmann::json args = {{"watcher", "w"}};
    if (manual) args["manual"] = true;
    CancelToken cancel;
    SqlConnection* db = conn_.get();
    JobContext ctx{row, args, cancel, clock_, "test", [db]() -> Result<SqlConnection*> { return db; }, nullptr};
    return kind.handler(ctx);
  }
  JobResult Poll(bool manual = false) { return Run(LiteraturePollKind(*runtime_), manual); }
  WatcherState State() {
    auto state = GetWatcherState(*conn_, "w");
    EXPECT_TRUE(state.ok() && *state);
    return state.ok() && *state ? **state : WatcherState{};
  }
  TimePoint Now() const { return clock_.Now(); }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  std::unique_ptr<Runtime> runtime_;
  FakeClock clock_{*ParseIso8601("2026-12-01T10:00:00Z")};
};

TEST_P(WatcherFailures, PermanentStatusesAreAskedOnceShownAtOnceAndKeepTheSchedule) {
  for (int status : {400, 401, 403, 404, 410, 422}) {
    SCOPED_TRACE(status);
    std::string path = "/feed-" + std::to_string(status);
    Serve(path, [status](const HttpRequest&) { return HttpResponse::Text(status, "no"); });
    UseFeed(Url(path));
    EXPECT_EQ(Poll().kind, JobResult::Kind::kDiscard) << "not retried by the job engine";
    EXPECT_EQ(ArrivedCount(path), 1) << "not retried by the HTTP client";
    WatcherState state = State();
    EXPECT_TRUE(state.last_error_permanent);
    EXPECT_NE(state.last_error.find("HTTP " + std::to_string(status)), std::string::npos) << state.last_error;
    EXPECT_EQ(state.next_poll_at_us, ToMicros(Now())) << "no backoff";
    clock_.Advance(10min);  // the next slot of `every: 10m` polls as usual
    EXPECT_EQ(Poll().kind, JobResult::Kind::kDiscard);
    EXPECT_EQ(ArrivedCount(path), 2);
  }
}

TEST_P(WatcherFailures, TransientFailureIsRetriedByTheClientThenBacksOff) {
  Serve("/feed", [](const HttpRequest&) { return HttpResponse::Text(500, "down"); });
  UseFeed(Url("/feed"));
  EXPECT_EQ(Poll().kind, JobResult::Kind::kRetry);
  EXPECT_EQ(ArrivedCount("/feed"), 3) << "the client's three attempts";
  WatcherState state = State();
  EXPECT_FALSE(state.last_error_permanent);
  EXPECT_EQ(state.consecutive_failures, 1);
  EXPECT_EQ(state.next_poll_at_us, ToMicros(Now() + 20min)) << "`every` doubled after one failure";
  clock_.Advance(10min);
  EXPECT_EQ(Poll().kind, JobResult::Kind::kDone) << "skipped while backing off";
  EXPECT_EQ(ArrivedCount("/feed"), 3);
  clock_.Advance(10min);
  EXPECT_EQ(Poll().kind, JobResult::Kind::kRetry);
  EXPECT_EQ(ArrivedCount("/feed"), 6);
  EXPECT_EQ(State().next_poll_at_us, ToMicros(Now() + 40min));
}

TEST_P(WatcherFailures, ARefusedConnectionIsTransient) {
  UseFeed("http://127.0.0.1:1/feed");  // nothing listens on port 1
  EXPECT_EQ(Poll().kind, JobResult::Kind::kRetry);
  WatcherState state = State();
  EXPECT_FALSE(state.last_error_permanent) << state.last_error;
  EXPECT_EQ(state.next_poll_at_us, ToMicros(Now() + 20min));
}

TEST_P(WatcherFailures, RunNowNeverMakesTheNextPollLater) {
  Serve("/feed", [](const HttpRequest&) { return HttpResponse::Text(503, "down"); });
  UseFeed(Url("/feed"));
  EXPECT_EQ(Poll().kind, JobResult::Kind::kRetry);
  int64_t next = State().next_poll_at_us;
  ASSERT_EQ(next, ToMicros(Now() + 20min));
  for (int run = 0; run < 3; ++run) {
    clock_.Advance(1min);
    EXPECT_EQ(Poll(/*manual=*/true).kind, JobResult::Kind::kDiscard) << "a run by hand is not retried";
    WatcherState state = State();
    EXPECT_EQ(state.next_poll_at_us, next);
    EXPECT_EQ(state.consecutive_failures, 1) << "nor counted into the backoff";
    EXPECT_EQ(state.last_error_at_us, ToMicros(Now())) << "but shown";
  }
  EXPECT_EQ(ArrivedCount("/feed"), 3 + 3 * 3) << "each run polled, past the backoff";
}

TEST_P(WatcherFailures, RunNowOnAFreshWatcherLeavesNoBackoff) {
  Serve("/feed", [](const HttpRequest&) { return HttpResponse::Text(500, "down"); });
  UseFeed(Url("/feed"));
  EXPECT_EQ(Poll(/*manual=*/true).kind, JobResult::Kind::kDiscard);
  EXPECT_EQ(State().consecutive_failures, 0);
  EXPECT_LE(State().next_poll_at_us, ToMicros(Now()));
  EXPECT_EQ(Poll().kind, JobResult::Kind::kRetry) << "the scheduled poll is not held back";
}

TEST_P(WatcherFailures, AnInvalidQueryIsPermanent) {
  Serve("/esearch.fcgi", [](const HttpRequest&) {
    return HttpResponse::Text(200, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<eSearchResult>"
                                   "<ERROR>Empty term and query_key - nothing todo</ERROR></eSearchResult>\n");
  });
  UseConfig("  - name: w\n    type: literature\n    source: pubmed\n    query: x\n    base_url: " + Url() + "\n");
  EXPECT_EQ(Poll().kind, JobResult::Kind::kDiscard);
  EXPECT_TRUE(State().last_error_permanent) << State().last_error;
  EXPECT_NE(State().last_error.find("nothing todo"), std::string::npos) << State().last_error;

  Serve("/query", [](const HttpRequest&) {
    return HttpResponse::Text(400, testing::ReadFixture("arxiv/id_abc_error400.atom"));
  });
  UseConfig("  - name: w\n    type: literature\n    source: arxiv\n    query: id:abc\n    base_url: " + Url() + "\n");
  EXPECT_EQ(Poll().kind, JobResult::Kind::kDiscard);
  EXPECT_EQ(ArrivedCount("/query"), 1);
  EXPECT_TRUE(State().last_error_permanent);
  EXPECT_NE(State().last_error.find("incorrect id format"), std::string::npos) << State().last_error;
}

TEST_P(WatcherFailures, TheStatusShowsAPermanentErrorAsPermanent) {
  Serve("/gone", [](const HttpRequest&) { return HttpResponse::Text(410, "gone"); });
  UseFeed(Url("/gone"));
  Poll();
  const auto& block = runtime_->config()->tree()["watchers"][0];
  nlohmann::json status = WatcherStatusJson(*conn_, block, *runtime_->config());
  EXPECT_EQ(status["last_error_kind"], "permanent");
  EXPECT_EQ(WatcherErrorText(status).rfind("permanent: HTTP 410 from " + Url("/gone"), 0), 0u) << WatcherErrorText(status);
  EXPECT_EQ(status["next_poll"].get<std::string>().find("backing off"), std::string::npos) << status["next_poll"];

  Serve("/gone", [](const HttpRequest&) { return HttpResponse::Text(502, "bad gateway"); });
  clock_.Advance(10min);
  Poll();
  status = WatcherStatusJson(*conn_, block, *runtime_->config());
  EXPECT_EQ(status["last_error_kind"], "transient");
  EXPECT_EQ(WatcherErrorText(status).rfind("HTTP 502", 0), 0u) << WatcherErrorText(status);
}

TEST_P(WatcherFailures, AScheduledHttpCheckAnswering404IsNotRetried) {
  Serve("/status.json", [](const HttpRequest&) { return HttpResponse::Text(404, "no"); });
  UseConfig("  - name: w\n    type: scheduled\n    every: 5m\n    dedupe_key: 'x-{{value}}'\n    http:\n"
            "      url: " + Url("/status.json") + "\n      json_path: $.a\n      condition: {op: exists}\n      title: 't'\n");
  EXPECT_EQ(Run(ScheduledWatcherKind(*runtime_), false).kind, JobResult::Kind::kDiscard);
  EXPECT_EQ(ArrivedCount("/status.json"), 1);
  EXPECT_TRUE(State().last_error_permanent);

  Serve("/status.json", [](const HttpRequest&) { return HttpResponse::Text(503, "busy"); });
  EXPECT_EQ(Run(ScheduledWatcherKind(*runtime_), false).kind, JobResult::Kind::kRetry);
  EXPECT_EQ(ArrivedCount("/status.json"), 1 + 3);
  EXPECT_FALSE(State().last_error_permanent);
}

INSTANTIATE_TEST_SUITE_P(Dialects, WatcherFailures, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
