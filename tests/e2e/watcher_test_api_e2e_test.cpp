// POST /api/v1/watchers/<name>/test (a dry poll) and the "field" of POST /api/v1/watchers'
// refusals, through the built binary on SQLite and PostgreSQL. A loopback stand-in for PubMed
// serves the real E-utilities answers in tests/fixtures/pubmed; the daemon's own polls are paused
// so that only the dry poll asks it, and the test sees that it stores nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/event_repo.h"
#include "store/sql.h"
#include "store/watcher_repo.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;

HttpResponse Fixture(const std::string& rel) {
  HttpResponse r;
  r.headers.emplace_back("Content-Type", "text/xml");
  r.body = testing::ReadFixture(rel);
  return r;
}

class WatcherTestApiE2E : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    StartStandIn();
    Serve("/esearch.fcgi", [](const HttpRequest&) { return Fixture("pubmed/esearch2.xml"); });
    Serve("/efetch.fcgi", [](const HttpRequest&) { return Fixture("pubmed/pubmed1.xml"); });
    url_ = std::string(GetParam()) == "sqlite" ? "sqlite:" + d_.dir().File("vigil.db") : pg_->url();
    std::string config = d_.WriteConfig(
        "database:\n  url: " + url_ + "\nhttp:\n  listen: 127.0.0.1:${PORT}\n  contact_email: ops@example.org\napi:\n  token: tok\n"
        "watchers:\n  - name: kras\n    type: literature\n    source: pubmed\n    query: KRAS\n    every: 1h\n    base_url: " + Url() + "\n"
        "  - name: down\n    type: literature\n    source: pubmed\n    query: KRAS\n    every: 1h\n    base_url: http://127.0.0.1:1\n"
        "  - name: hook\n    type: webhook\n    verify: {scheme: none}\n");
    for (std::vector<std::string> args : {std::vector<std::string>{"migrate"}, {"jobs", "pause", "literature_poll"}}) {
      args.insert(args.end(), {"--config", config});
      auto [rc, out] = testing::RunVigil(args);
      ASSERT_EQ(rc, 0) << out;
    }
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
    auto db = OpenSqlConnection(url_);
    ASSERT_TRUE(db.ok()) << db.error();
    db_ = std::move(*db);
  }
  nlohmann::json Call(const std::string& method, const std::string& target, int want, const std::string& body = "") {
    testsupport::RawHttpClient c(d_.port());
    c.Send(testsupport::MakeRequest(method, target, body, "Authorization: Bearer tok\r\nContent-Type: application/json\r\n"));
    auto r = c.ReadResponse(40s);
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, want) << method << " " << target << ": " << r->body;
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  int64_t Events() {
    auto r = db_->Query("SELECT COUNT(*) FROM watcher_events");
    return r.ok() ? r->rows[0].Int(0) : -1;
  }

  std::unique_ptr<testing::TestDb> pg_ = std::string(GetParam()) == "postgres" ? std::make_unique<testing::TestDb>("postgres") : nullptr;
  DaemonProcess d_;
  std::string url_;
  std::unique_ptr<SqlConnection> db_;
};

TEST_P(WatcherTestApiE2E, ADryPollShowsWhatWouldBeStoredAndStoresNothing) {
  auto watcher = WatcherIdByName(*db_, "kras");
  ASSERT_TRUE(watcher.ok() && *watcher);
  Event seen{.title = "stored before", .source_type = "pubmed", .source_id = "9997"};
  ASSERT_TRUE(InsertEvents(*db_, {{**watcher, "", seen, {}, false}}, std::chrono::system_clock::now()).ok());
  ASSERT_EQ(Events(), 1);
  auto r = Call("POST", "/api/v1/watchers/kras/test", 200);
  EXPECT_EQ(r["watcher"], "kras");
  EXPECT_TRUE(r["error"].is_null()) << r;
  EXPECT_EQ(r["fetched"], 2);
  ASSERT_EQ(r["would_store"].size(), 2u) << r;
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& e : r["would_store"]) by_id[e["external_id"]] = e;
  ASSERT_TRUE(by_id.count("12091962") && by_id.count("9997")) << r;
  EXPECT_EQ(by_id["12091962"]["title"], "The treatment of AIDS behind the walls of correctional facilities.");
  EXPECT_EQ(by_id["12091962"]["url"], "https://pubmed.ncbi.nlm.nih.gov/12091962/");
  EXPECT_EQ(by_id["12091962"]["duplicate"], false);
  EXPECT_EQ(by_id["9997"]["duplicate"], true) << "already stored for this watcher";
  EXPECT_TRUE(by_id["9997"]["published_at"].is_string()) << by_id["9997"];
  EXPECT_TRUE(r["took_ms"].is_number());
  EXPECT_EQ(ArrivedCount("/efetch.fcgi"), 1) << "it fetched as the watcher would";
  EXPECT_EQ(Events(), 1) << "a dry poll stores nothing";
  EXPECT_EQ(Call("GET", "/api/v1/events?watcher=kras", 200)["items"].size(), 1u);
}

TEST_P(WatcherTestApiE2E, AFailedPollIsAnAnswerWithItsError) {
  auto r = Call("POST", "/api/v1/watchers/down/test", 200);
  EXPECT_TRUE(r["error"].is_string()) << r;
  EXPECT_EQ(r["fetched"], 0);
  EXPECT_EQ(r["would_store"], nlohmann::json::array());
}

TEST_P(WatcherTestApiE2E, UnknownAndWebhookWatchersAreRefused) {
  EXPECT_EQ(Call("POST", "/api/v1/watchers/nobody/test", 404)["error"], "no watcher named \"nobody\"");
  std::string hook = Call("POST", "/api/v1/watchers/hook/test", 409)["error"];
  EXPECT_NE(hook.find("webhook"), std::string::npos) << hook;
  EXPECT_EQ(Call("GET", "/api/v1/watchers/kras/test", 405)["error"], "method not allowed");
  EXPECT_EQ(Call("GET", "/api/v1/status", 200)["version"].is_string(), true) << "the daemon lives";
}

TEST_P(WatcherTestApiE2E, ARefusedRowNamesTheFieldBesideVigilChecksMessage) {
  auto bad_cron = Call("POST", "/api/v1/watchers", 400,
                       R"({"name": "tick", "type": "scheduled", "config": {"schedule": "61 * * * *", "emit": {"title": "t"}}})");
  EXPECT_EQ(bad_cron["field"], "config.schedule") << bad_cron;
  EXPECT_NE(bad_cron["error"].get<std::string>().find("schedule"), std::string::npos) << bad_cron;
  auto bad_interval = Call("POST", "/api/v1/watchers", 400, R"({"name": "p", "type": "literature", "query": "x", "poll_interval_seconds": -5})");
  EXPECT_EQ(bad_interval["field"], "poll_interval_seconds") << bad_interval;
  auto short_interval = Call("POST", "/api/v1/watchers", 400,
                             R"({"name": "p", "type": "literature", "query": "x", "poll_interval_seconds": 2, "config": {"source": "pubmed"}})");
  EXPECT_EQ(short_interval["field"], "poll_interval_seconds") << short_interval;
  auto bad_source = Call("POST", "/api/v1/watchers", 400, R"({"name": "s", "type": "literature", "query": "x", "config": {"source": "scopus"}})");
  EXPECT_EQ(bad_source["field"], "config.source") << bad_source;
  EXPECT_NE(bad_source["error"].get<std::string>().find("source: \"scopus\" is not one of"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/watchers", 400, R"({"type": "literature"})")["field"], "name");
  EXPECT_EQ(Call("POST", "/api/v1/watchers", 400, R"({"name": "x", "type": "rss"})")["field"], "type");
  EXPECT_EQ(Call("POST", "/api/v1/watchers", 400, R"({"name": "x", "type": "literature", "colour": 1})")["field"], "colour");
  EXPECT_FALSE(Call("POST", "/api/v1/watchers", 400, "{")["error"].is_null());
  auto created = Call("POST", "/api/v1/watchers", 201, R"({"name": "tick", "type": "scheduled", "config": {"schedule": "0 6 * * *", "emit": {"title": "t"}}})");
  auto patched = Call("PATCH", "/api/v1/watchers/tick", 400, R"({"config": {"schedule": "0 6 * * 8"}})");
  EXPECT_EQ(patched["field"], "config.schedule") << patched;
}

INSTANTIATE_TEST_SUITE_P(Dialects, WatcherTestApiE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
