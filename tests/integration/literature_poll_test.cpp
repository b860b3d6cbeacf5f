// Literature watchers against a local server standing in for PubMed, arXiv and a feed host,
// serving the real responses in tests/fixtures; then the literature_poll job storing them.
#include <gtest/gtest.h>

#include "common/http/curl_http_client.h"
#include "common/iso8601.h"
#include "jobs/engine/job_engine.h"
#include "jobs/job_kinds.h"
#include "jobs/watch/literature_poll_job.h"
#include "sources/watcher_checks.h"
#include "store/watcher_repo.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

HttpResponse File(const std::string& rel, int status = 200, const std::string& type = "application/xml") {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", type);
  r.body = testing::ReadFixture(rel);
  return r;
}

std::string Param(const std::string& query, const std::string& name) {
  size_t at = ("&" + query).find("&" + name + "=");
  if (at == std::string::npos) return "";
  size_t start = at + name.size() + 1;
  return query.substr(start, query.find('&', start) - start);
}

class LiteratureRemote : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override { StartStandIn(); }
  // The query strings of the requests for exactly `path`, in arrival order.
  std::vector<std::string> Queries(const std::string& path) {
    std::vector<std::string> out;
    for (const auto& a : Arrivals(path)) {
      if (a.path == path) out.push_back(a.query);
    }
    return out;
  }
  CurlHttpClient client_{HttpClientOptions{.contact_email = "ops@example.org", .host_limits = {}}};
};

class LiteraturePoller : public LiteratureRemote {};

TEST_F(LiteraturePoller, PubmedSearchesThenFetchesThroughTheHistoryServer) {
  Serve("/esearch.fcgi", [](const HttpRequest&) { return File("pubmed/esearch2.xml"); });
  Serve("/efetch.fcgi", [](const HttpRequest&) { return File("pubmed/pubmed1.xml"); });
  LiteratureSpec spec{.name = "kras", .source = "pubmed", .query = "KRAS G12C inhibitor", .base_url = Url(),
                      .first_poll_limit = 5, .api_key = "k3y", .email = "ops@example.org"};
  auto r = PollLiterature(spec, PollCursor{}, client_, nullptr, std::chrono::system_clock::now());
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_FALSE(r->events.empty());
  EXPECT_EQ(r->events[0].source_type, "pubmed");
  auto search = Queries("/esearch.fcgi");
  ASSERT_EQ(search.size(), 1u);
  EXPECT_EQ(Param(search[0], "term"), "KRAS%20G12C%20inhibitor");
  EXPECT_EQ(Param(search[0], "retmax"), "5");
  EXPECT_EQ(Param(search[0], "usehistory"), "y");
  EXPECT_EQ(Param(search[0], "tool"), "vigil");
  EXPECT_EQ(Param(search[0], "email"), "ops%40example.org");
  EXPECT_EQ(Param(search[0], "api_key"), "k3y");
  EXPECT_EQ(Param(search[0], "mindate"), "") << "a first poll has no date window";
  auto fetch = Queries("/efetch.fcgi");
  ASSERT_FALSE(fetch.empty());
  EXPECT_NE(Param(fetch[0], "WebEnv"), "");
  EXPECT_NE(Param(fetch[0], "query_key"), "");
}

TEST_F(LiteraturePoller, PubmedLaterPollsAskOnlyForWhatIsNewWithAnOverlap) {
  Serve("/esearch.fcgi", [](const HttpRequest&) { return File("pubmed/esearch8.xml"); });
  LiteratureSpec spec{.source = "pubmed", .query = "x", .base_url = Url()};
  PollCursor cursor{*ParseIso8601("2026-11-20T12:00:00Z")};
  auto r = PollLiterature(spec, cursor, client_, nullptr, std::chrono::system_clock::now());
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->events.empty()) << "zero hits is an empty poll, not an error";
  auto search = Queries("/esearch.fcgi");
  EXPECT_EQ(Param(search[0], "mindate"), "2026/11/18");
  EXPECT_EQ(Param(search[0], "datetype"), "edat");
  EXPECT_TRUE(Queries("/efetch.fcgi").empty());
}

TEST_F(LiteraturePoller, ArxivPagesBySubmissionDate) {
  Serve("/query", [](const HttpRequest& req) {
    std::string start = Param(req.query, "start");
    return File("arxiv/query_testing_start" + start + "_max10.atom", 200, "application/atom+xml");
  });
  LiteratureSpec spec{.source = "arxiv", .query = "cat:cs.AI AND abs:\"multi-agent debate\"", .base_url = Url(),
                      .first_poll_limit = 25, .page_size = 10};
  auto r = PollLiterature(spec, PollCursor{}, client_, nullptr, std::chrono::system_clock::now());
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->events.size(), 25u);
  EXPECT_TRUE(r->updates_existing);
  auto q = Queries("/query");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(Param(q[0], "sortBy"), "submittedDate");
  EXPECT_EQ(Param(q[2], "start"), "20");
  EXPECT_EQ(Param(q[2], "max_results"), "5");
  EXPECT_EQ(Param(q[0], "search_query"), "cat%3Acs.AI%20AND%20abs%3A%22multi-agent%20debate%22");
}

TEST_F(LiteraturePoller, ArxivErrorFeedIsAClearError) {
  Serve("/query", [](const HttpRequest&) { return File("arxiv/id_abc_error400.atom", 400, "application/atom+xml"); });
  LiteratureSpec spec{.source = "arxiv", .query = "id:abc", .base_url = Url()};
  auto r = PollLiterature(spec, PollCursor{}, client_, nullptr, std::chrono::system_clock::now());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("incorrect id format for abc"), std::string::npos) << r.error();
}

TEST_F(LiteraturePoller, FeedItemsBecomeEventsWithResolvedLinks) {
  Serve("/feed.atom", [](const HttpRequest&) { return File("feeds/huginn/github_rss.atom", 200, "application/atom+xml"); });
  LiteratureSpec spec{.source = "feed", .url = Url("/feed.atom")};
  auto r = PollLiterature(spec, PollCursor{}, client_, nullptr, std::chrono::system_clock::now());
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_FALSE(r->events.empty());
  for (const auto& e : r->events) {
    EXPECT_EQ(e.source_type, "feed");
    EXPECT_FALSE(e.source_id.empty());
    EXPECT_EQ(e.source_url.rfind("http", 0), 0u) << e.source_url;
  }
}

// The job, end to end on a real database: events stored once, a second poll adds nothing, a new
// arXiv version updates the stored event, and a failing watcher records its error.
class LiteraturePollJob : public LiteratureRemote {
 protected:
  void SetUp() override {
    LiteratureRemote::SetUp();
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
  }
  void UseConfig(const std::string& watcher_yaml) {
    auto config = ParseConfig("database:\n  url: " + db_.url() + "\nwatchers:\n" + watcher_yaml, "/tmp/vigil.yaml");
    ASSERT_TRUE(config.ok()) << config.error();
    runtime_ = std::make_unique<Runtime>(*config);
    runtime_->set_http(std::make_unique<CurlHttpClient>(HttpClientOptions{.host_limits = {}}));
    ASSERT_TRUE(testing::SyncTestWatchers(*conn_, {{.name = "w", .type = "literature", .community = "onc"}}));
  }
  JobResult RunPoll() {
    KindSpec kind = LiteraturePollKind(*runtime_);
    JobRow row;
    row.kind = "literature_poll";
    row.attempt = 1;
    nlohmann::json args = {{"watcher", "w"}, {"manual", true}};
    CancelToken cancel;
    SqlConnection* db = conn_.get();
    JobContext ctx{row, args, cancel, SystemClock::Instance(), "test", [db]() -> Result<SqlConnection*> { return db; }, nullptr};
    return kind.handler(ctx);
  }
  int64_t Count(const std::string& sql) { return conn_->Query(sql)->rows[0].Int(0); }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  std::unique_ptr<Runtime> runtime_;
};

TEST_P(LiteraturePollJob, SecondPollAddsNothing) {
  Serve("/feed.atom", [](const HttpRequest&) { return File("feeds/huginn/cdata_rss.atom", 200, "application/atom+xml"); });
  UseConfig("  - name: w\n    type: literature\n    source: feed\n    community: onc\n    url: " + Url() + "/feed.atom\n");
  ASSERT_EQ(RunPoll().kind, JobResult::Kind::kDone);
  int64_t first = Count("SELECT COUNT(*) FROM watcher_events");
  ASSERT_GT(first, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_triage_pending"), first);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'triage'"), 1);
  ASSERT_EQ(RunPoll().kind, JobResult::Kind::kDone);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM watcher_events"), first);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_triage_pending"), first);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'triage'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_watcher_state WHERE last_error IS NULL AND last_success_at > 0"), 1);
}

TEST_P(LiteraturePollJob, NewArxivVersionUpdatesInsteadOfDuplicating) {
  std::string v1 = testing::ReadFixture("arxiv/id_2104.12255v1.atom");
  std::string v2 = v1;
  for (size_t at; (at = v2.find("2104.12255v1")) != std::string::npos;) v2.replace(at, 12, "2104.12255v2");
  size_t entry = v2.find("<entry>");
  size_t t = v2.find("<title>", entry);
  v2.insert(t + 7, "Revised: ");
  // A new version is dated when it appeared: today, inside the poll window.
  size_t u = v2.find("<updated>", entry);
  v2.replace(u + 9, v2.find("</updated>", u) - u - 9, FormatIso8601(std::chrono::system_clock::now()));
  std::string body = v1;
  Serve("/query", [&body](const HttpRequest&) { return HttpResponse::Text(200, body); });
  UseConfig("  - name: w\n    type: literature\n    source: arxiv\n    query: id:2104.12255\n    base_url: " + Url() + "\n");
  ASSERT_EQ(RunPoll().kind, JobResult::Kind::kDone);
  body = v2;
  ASSERT_EQ(RunPoll().kind, JobResult::Kind::kDone);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM watcher_events"), 1);
  auto row = conn_->Query("SELECT title, source_id FROM watcher_events");
  EXPECT_EQ(row->rows[0].Text(0).rfind("Revised: ", 0), 0u) << row->rows[0].Text(0);
  EXPECT_EQ(row->rows[0].Text(1), "2104.12255");
}

// Its kinds (permanent, transient) and the backoff: watcher_failure_kinds_test.cpp.
TEST_P(LiteraturePollJob, FailingPollRecordsItsError) {
  Serve("/feed.atom", [](const HttpRequest&) { return HttpResponse::Text(404, "gone"); });
  UseConfig("  - name: w\n    type: literature\n    source: feed\n    url: " + Url() + "/feed.atom\n");
  EXPECT_EQ(RunPoll().kind, JobResult::Kind::kDiscard);
  auto state = conn_->Query("SELECT last_error, last_error_permanent FROM vigil_watcher_state");
  ASSERT_EQ(state->rows.size(), 1u);
  EXPECT_NE(state->rows[0].Text(0).find("HTTP 404"), std::string::npos) << state->rows[0].Text(0);
  EXPECT_EQ(state->rows[0].Int(1), 1);
}

INSTANTIATE_TEST_SUITE_P(Dialects, LiteraturePollJob, ::testing::ValuesIn(testing::kDialects));

// A platform row's URLs are data: the address guard refuses this loopback stand-in unless
// platform_watchers.allow_hosts names it; a YAML watcher's are not.
TEST_F(LiteraturePoller, APlatformRowsUrlsGoThroughTheAddressGuard) {
  Serve("/esearch.fcgi", [](const HttpRequest&) { return File("pubmed/esearch2.xml"); });
  Serve("/efetch.fcgi", [](const HttpRequest&) { return File("pubmed/pubmed1.xml"); });
  nlohmann::json block = {{"name", "0a1b"}, {"type", "literature"}, {"source", "pubmed"}, {"query", "p53"},
                          {"base_url", Url()}, {"platform_row", {{"id", "0a1b"}, {"name", "p53"}}}};
  LiteratureSpec row = LiteratureSpecFrom(block);
  EXPECT_TRUE(row.from_data);
  auto refused = PollLiterature(row, PollCursor{}, client_, nullptr, std::chrono::system_clock::now());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("refused"), std::string::npos) << refused.error();
  EXPECT_TRUE(Arrivals("/esearch.fcgi").empty());

  CurlHttpClient allowed(HttpClientOptions{.contact_email = "ops@example.org", .host_limits = {}, .guard = {.allow_hosts = {"127.0.0.1"}}});
  auto polled = PollLiterature(row, PollCursor{}, allowed, nullptr, std::chrono::system_clock::now());
  ASSERT_TRUE(polled.ok()) << polled.error();
  EXPECT_FALSE(polled->events.empty());

  block.erase("platform_row");  // the YAML's own watcher
  EXPECT_FALSE(LiteratureSpecFrom(block).from_data);
  EXPECT_TRUE(PollLiterature(LiteratureSpecFrom(block), PollCursor{}, client_, nullptr, std::chrono::system_clock::now()).ok());
}

}  // namespace
}  // namespace vigil
