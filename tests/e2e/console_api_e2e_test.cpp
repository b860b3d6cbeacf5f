// The console's read endpoints through the built binary, on SQLite and PostgreSQL: the event
// list's title search and time window, one event with its payload and notifications, the
// schedules with their next fires in their zones, and the digests (list, show, send now); each
// with the 400s and 404s hostile or stale parameters get.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/iso8601.h"
#include "store/digest_repo.h"
#include "store/event_repo.h"
#include "store/notification_repo.h"
#include "store/sql.h"
#include "store/watcher_repo.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testsupport::RawHttpClient;

class ConsoleApiE2E : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    url_ = std::string(GetParam()) == "sqlite" ? "sqlite:" + d_.dir().File("vigil.db") : pg_->url();
    d_.WriteConfig("database:\n  url: " + url_ + "\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: tok\n"
                   "watchers:\n  - name: onc\n    type: webhook\n    verify: {scheme: none}\n    community: oncology\n"
                   "  - name: nightly\n    type: scheduled\n    schedule: '30 9 * * *'\n    tz: Asia/Kolkata\n"
                   "    emit: {title: nightly}\n"
                   "communities:\n  - name: oncology\n    rules: {digest: {schedule: '0 8 * * 1', tz: Europe/Paris}}\n");
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
    auto db = OpenSqlConnection(url_);
    ASSERT_TRUE(db.ok()) << db.error();
    db_ = std::move(*db);
    community_ = testing::TestCommunity(*db_, "oncology");
    auto watcher = WatcherIdByName(*db_, "onc");
    ASSERT_TRUE(watcher.ok() && *watcher);
    watcher_ = **watcher;
    base_ = std::chrono::system_clock::now() - 10min;
    Add("KRAS G12C inhibitor trial", 0, R"({"trial": "NCT01", "arms": [1, 2]})");
    Add("A review of 100% of reviews", 60, R"("a JSON string")");
    Add("Sotorasib_resistance in kras", 120, "");
  }
  void Add(const std::string& title, int seconds, const std::string& raw) {
    Event e{.title = title, .source_type = "webhook", .source_id = "d" + std::to_string(seconds), .source_url = "https://example.org/" + std::to_string(seconds)};
    e.raw_json = raw;
    auto events = InsertEvents(*db_, {{watcher_, community_, e, {}, false}}, base_ + std::chrono::seconds(seconds));
    ASSERT_TRUE(events.ok()) << events.error();
    ids_.push_back((*events)[0].id);
  }
  nlohmann::json Call(const std::string& method, const std::string& target, int want, const std::string& body = "") {
    RawHttpClient c(d_.port());
    c.Send(testsupport::MakeRequest(method, target, body, "Authorization: Bearer tok\r\nContent-Type: application/json\r\n"));
    auto r = c.ReadResponse(10s);
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, want) << method << " " << target << ": " << r->body;
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  std::vector<std::string> Titles(const std::string& query) {
    std::vector<std::string> out;
    nlohmann::json page = Call("GET", "/api/v1/events" + query, 200);
    for (const auto& e : page["items"]) out.push_back(e["title"]);
    return out;
  }
  std::string At(int seconds) { return FormatUtcZ(base_ + std::chrono::seconds(seconds)); }

  std::unique_ptr<testing::TestDb> pg_ = std::string(GetParam()) == "postgres" ? std::make_unique<testing::TestDb>("postgres") : nullptr;
  DaemonProcess d_;
  std::string url_, community_, watcher_;
  std::unique_ptr<SqlConnection> db_;
  std::vector<std::string> ids_;
  TimePoint base_;
};

using V = std::vector<std::string>;

TEST_P(ConsoleApiE2E, SearchesTitlesWithoutRegardToCaseAndTakesWildcardsLiterally) {
  EXPECT_EQ(Titles("?q=kras"), (V{"Sotorasib_resistance in kras", "KRAS G12C inhibitor trial"}));
  EXPECT_EQ(Titles("?q=G12c%20INHIB"), V{"KRAS G12C inhibitor trial"});
  EXPECT_EQ(Titles("?q=100%25"), V{"A review of 100% of reviews"}) << "% is a character, not a wildcard";
  EXPECT_EQ(Titles("?q=_"), V{"Sotorasib_resistance in kras"}) << "_ is a character, not a wildcard";
  EXPECT_EQ(Titles("?q=osimertinib"), V{});
  EXPECT_EQ(Titles("?q=kras&watcher=onc&limit=1").size(), 1u);
}

TEST_P(ConsoleApiE2E, UntilAndSinceMakeATimeWindow) {
  EXPECT_EQ(Titles("?until=" + At(60)), V{"KRAS G12C inhibitor trial"}) << "until is exclusive";
  EXPECT_EQ(Titles("?since=" + At(30) + "&until=" + At(90)), V{"A review of 100% of reviews"});
  EXPECT_EQ(Titles("?since=" + At(200)), V{});
}

TEST_P(ConsoleApiE2E, RefusesHostileEventParameters) {
  EXPECT_EQ(Call("GET", "/api/v1/events?q=" + std::string(201, 'a'), 400)["error"], "q: at most 200 bytes");
  EXPECT_EQ(Titles("?q=" + std::string(200, 'a')), V{}) << "200 bytes is allowed";
  EXPECT_EQ(Call("GET", "/api/v1/events?q=a%00b", 400)["error"], "q: control characters are not searched for");
  EXPECT_EQ(Call("GET", "/api/v1/events?q=%ff%fe", 400)["error"], "q: not UTF-8");
  EXPECT_NE(Call("GET", "/api/v1/events?until=tomorrow", 400)["error"].get<std::string>().find("until: "), std::string::npos);
  EXPECT_EQ(Titles("?q=%27%20OR%201%3D1%20--"), V{}) << "a quote is searched for, not run";
}

TEST_P(ConsoleApiE2E, OneEventComesWithItsPayloadAndNotifications) {
  auto n = InsertNotificationInTx(*db_, {watcher_, ids_[0], community_, "KRAS G12C inhibitor trial", "", "high", "G12C is druggable"},
                                  std::chrono::system_clock::now());
  ASSERT_TRUE(n.ok()) << n.error();
  auto e = Call("GET", "/api/v1/events/" + ids_[0], 200);
  EXPECT_EQ(e["title"], "KRAS G12C inhibitor trial");
  EXPECT_EQ(e["watcher"], "onc");
  EXPECT_EQ(e["community"], "oncology");
  EXPECT_EQ(e["raw_data"], (nlohmann::json{{"trial", "NCT01"}, {"arms", {1, 2}}})) << "parsed when it is JSON";
  EXPECT_TRUE(e.contains("source_metadata"));
  EXPECT_TRUE(e.contains("triage_signal") && e.contains("triage_score") && e.contains("triage_reasoning"));
  EXPECT_EQ(e["suggested_hypothesis"], "G12C is druggable");
  ASSERT_EQ(e["notifications"].size(), 1u);
  EXPECT_EQ(e["notifications"][0]["id"], *n);
  EXPECT_EQ(e["notifications"][0]["community"], "oncology");
  EXPECT_EQ(e["notifications"][0]["status"], "pending");
  auto plain = Call("GET", "/api/v1/events/" + ids_[1], 200);
  EXPECT_TRUE(plain["raw_data"].is_null() || plain["raw_data"].is_string()) << plain["raw_data"];
  EXPECT_EQ(plain["notifications"], nlohmann::json::array());
  EXPECT_TRUE(plain["suggested_hypothesis"].is_null());
  EXPECT_EQ(Call("GET", "/api/v1/events/00000000-0000-7000-8000-000000000000", 404)["error"],
            "no event 00000000-0000-7000-8000-000000000000");
  EXPECT_EQ(Call("GET", "/api/v1/events/x'%20OR%201=1", 404)["error"], "no event x' OR 1=1");
}

TEST_P(ConsoleApiE2E, SchedulesShowTheirNextFireInUtcAndInTheirZone) {
  auto items = Call("GET", "/api/v1/schedules", 200)["items"];
  const nlohmann::json* nightly = nullptr;
  const nlohmann::json* digest = nullptr;
  for (const auto& s : items) {
    if (s["name"] == "watcher:nightly") nightly = &s;
    if (s["name"] == "digest:oncology") digest = &s;
    EXPECT_TRUE(s["next_fire_at"].is_string()) << s;
    EXPECT_EQ(s["paused"], false);
  }
  ASSERT_NE(nightly, nullptr) << items;
  EXPECT_EQ((*nightly)["kind"], "scheduled_watcher");
  EXPECT_EQ((*nightly)["cron"], "30 9 * * *");
  EXPECT_TRUE((*nightly)["every"].is_null());
  EXPECT_EQ((*nightly)["tz"], "Asia/Kolkata");
  std::string local = (*nightly)["next_fire_local"];
  EXPECT_TRUE(local.ends_with(" 09:30 Asia/Kolkata")) << local;
  std::string utc = (*nightly)["next_fire_at"];
  EXPECT_TRUE(utc.ends_with("T04:00:00Z")) << utc << ": 09:30 in India is 04:00 UTC";
  ASSERT_NE(digest, nullptr) << items;
  EXPECT_EQ((*digest)["kind"], "digest");
  EXPECT_EQ((*digest)["tz"], "Europe/Paris");
  EXPECT_TRUE((*digest)["next_fire_local"].get<std::string>().ends_with(" 08:00 Europe/Paris"));
  Call("POST", "/api/v1/pauses", 201, R"({"kind": "scheduled_watcher"})");
  nlohmann::json after = Call("GET", "/api/v1/schedules", 200);
  for (const auto& s : after["items"]) EXPECT_EQ(s["paused"], s["name"] == "watcher:nightly") << s;
}

TEST_P(ConsoleApiE2E, DigestsAreListedShownAndSentNow) {
  EXPECT_EQ(Call("GET", "/api/v1/digests", 200)["items"], nlohmann::json::array());
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    DigestRow d{db_->NewId(), community_, "oncology", 0, base_ + std::chrono::minutes(i), {}};
    d.items.push_back({ids_[i], "", "item " + std::to_string(i), "onc", "webhook", "https://example.org", "low", 0.2, base_});
    ASSERT_TRUE(InTransaction(*db_, true, [&] { return InsertDigestInTx(*db_, d); }).ok());
    ids.push_back(d.id);
  }
  auto page = Call("GET", "/api/v1/digests?community=oncology&limit=2", 200);
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["items"][0]["id"], ids[2]) << "newest first";
  EXPECT_EQ(page["items"][0]["community"], "oncology");
  EXPECT_EQ(page["items"][0]["items"], 1);
  EXPECT_TRUE(page["items"][0]["headline"].is_string());
  auto rest = Call("GET", "/api/v1/digests?limit=2&cursor=" + page["next_cursor"].get<std::string>(), 200);
  ASSERT_EQ(rest["items"].size(), 1u);
  EXPECT_EQ(rest["items"][0]["id"], ids[0]);
  EXPECT_FALSE(rest.contains("next_cursor"));
  EXPECT_EQ(Call("GET", "/api/v1/digests?community=nobody", 200)["items"], nlohmann::json::array());
  auto one = Call("GET", "/api/v1/digests/" + ids[1], 200);
  EXPECT_EQ(one["item_count"], 1);
  EXPECT_EQ(one["items"][0]["title"], "item 1");
  EXPECT_EQ(one["headline"], page["items"][1]["headline"]);
  EXPECT_EQ(Call("GET", "/api/v1/digests/00000000-0000-7000-8000-000000000000", 404)["error"],
            "no digest 00000000-0000-7000-8000-000000000000");
  EXPECT_EQ(Call("GET", "/api/v1/digests?limit=0", 400)["error"], "limit must be a number from 1 to 500");
  EXPECT_EQ(Call("GET", "/api/v1/digests?cursor=1%20OR%201", 400)["error"], "malformed cursor");

  auto sent = Call("POST", "/api/v1/digests/send", 202, R"({"community": "oncology"})");
  ASSERT_TRUE(sent["job_id"].is_number()) << sent;
  auto job = Call("GET", "/api/v1/jobs/" + std::to_string(sent["job_id"].get<int64_t>()), 200);
  EXPECT_EQ(job["kind"], "digest");
  EXPECT_EQ(job["args"]["community"], "oncology");
  std::string unknown = Call("POST", "/api/v1/digests/send", 400, R"({"community": "oncologi"})")["error"];
  EXPECT_TRUE(unknown.starts_with("no community \"oncologi\"")) << unknown;
  EXPECT_EQ(Call("POST", "/api/v1/digests/send", 400, R"({"community": 7})")["error"], "community must be a non-empty string");
  EXPECT_EQ(Call("POST", "/api/v1/digests/send", 400, R"({})")["error"], "community is required");
  EXPECT_EQ(Call("POST", "/api/v1/digests/send", 400, R"({"community": "oncology", "now": true})")["error"],
            "unknown field \"now\" (expected community)");
  EXPECT_EQ(Call("POST", "/api/v1/digests/send", 400, "[")["error"].get<std::string>().rfind("the body is not JSON", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ConsoleApiE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
