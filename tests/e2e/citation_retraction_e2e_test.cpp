// Retractions reach people (issue #20), through the built binary on SQLite and the real
// PostgreSQL: `vigil jobs run citation_verification --once` checks the JSON citation lists of seed
// 000's synthesis_memories (two communities, by subreddit_name) and posts, and seed 001's
// message_citations, against a loopback Crossref stand-in serving the records of a retracted work
// and of the notice that retracts it (tests/fixtures/crossref: built in Crossref's shape, no whole
// record of a retraction having been found in a public repository; the README beside them says
// so). Then the daemon triages what was announced. Asserted: one notification per community
// citing the work, however many memories cite it and however often the job runs; one `outdated`
// annotation per memory citing it, with the notice's DOI and date; none for a memory citing a DOI
// that merely starts with the retracted one; messages.citations_verified set once a message's
// citations are all checked.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/support/daemon_process.h"
#include "tests/support/platform_db.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kRetracted = "10.1016/s0140-6736(20)31180-6";
constexpr const char* kNotice = "10.1016/s0140-6736(20)31324-6";
constexpr const char* kLonger = "10.1016/s0140-6736(20)31180-61";  // starts with the retracted DOI; not it

std::string Id(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

class CitationRetractionE2E : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    StartStandIn();
    Serve("/works", [](const HttpRequest& req) {
      if (req.path == "/works/10.1016%2Fs0140-6736%2820%2931180-6" || req.path == "/works/10.1016/s0140-6736(20)31180-6") {
        return Json(testing::ReadFixture("crossref/work_lancet_2020_retracted.json"));
      }
      if (req.path == "/works" && req.query.find("updates%3A10.1016%2Fs0140-6736%2820%2931180-6") != std::string::npos) {
        return Json(testing::ReadFixture("crossref/updates_lancet_2020_retraction.json"));
      }
      if (req.path == "/works") return Json(R"({"status":"ok","message-type":"work-list","message":{"items":[],"total-results":0}})");
      return HttpResponse::Text(404, "Resource not found.");
    });
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
    for (Status s : {testing::CreateMemoryTables(*conn_), testing::CreateMessageTables(*conn_), testing::CreateMessageCitationTable(*conn_)}) {
      ASSERT_TRUE(s.ok()) << s.message();
    }
    // Memories 1 and 2 in "immunology" and 3 in "virology" cite the retracted work (as a DOI
    // string, a doi.org link, an object); 4 in "virology" cites only a longer DOI; 5 cites nothing.
    Memory(1, "immunology", json::array({std::string("doi:") + kRetracted, "Some other paper, 2019"}));
    Memory(2, "immunology", json::array({std::string("https://doi.org/") + kRetracted}));
    Memory(3, "virology", json::array({json{{"doi", kRetracted}, {"title", "Hydroxychloroquine registry analysis"}}}));
    Memory(4, "virology", json::array({std::string("doi:") + kLonger}));
    Memory(5, "virology", json::array());
    Exec("INSERT INTO posts (id, content, citations, created_at) VALUES ($1, 'a post', $2, '2024-12-04 10:00:00')",
         {Id(10), json::array({std::string("doi:") + kRetracted}).dump()});
    // seed 001: a message whose one citation is the retracted work.
    Exec("INSERT INTO messages (id, role, content, created_at) VALUES ($1, 'agent', 'see the registry study', '2024-12-04 10:00:00')",
         {Id(20)});
    Exec("INSERT INTO message_citations (id, message_id, citation_text, created_at) VALUES ($1, $2, $3, '2024-12-04 10:00:00')",
         {Id(21), Id(20), std::string("Mehra et al. 2020, doi:") + kRetracted});
  }

  static HttpResponse Json(const std::string& body) {
    HttpResponse r = HttpResponse::Text(200, body);
    r.headers = {{"Content-Type", "application/json"}};
    return r;
  }
  void Exec(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    auto r = conn_->Query(sql, params);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.error();
  }
  void Memory(int n, const std::string& community, const json& citations) {
    Exec("INSERT INTO synthesis_memories (id, subreddit_name, topic, synthesis_content, citations_used, \"timestamp\") "
         "VALUES ($1, $2, 'topic', 'a synthesis', $3, '2024-12-04 10:00:00')",
         {Id(n), community, citations.dump()});
  }
  int64_t Count(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    auto r = conn_->Query(sql, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.error();
    return r.ok() && !r->rows.empty() ? r->rows[0].Int(0) : -1;
  }

  std::string Config() {
    yaml_ = "database:\n  url: " + db_.url() + "\n"
                          "jobs:\n  citation_verification:\n    recheck_after: 1s\n    mailto: ops@example.org\n"
                          "    crossref: {base_url: " + Url() + "}\n    pubmed: {base_url: " + Url() + "}\n"
                          "    arxiv: {base_url: " + Url() + "}\n    community: discussion\n"
                          "    targets:\n"
                          "      - name: memories\n"
                          "        source: {table: synthesis_memories, citations: citations_used, community: subreddit_name}\n"
                          "        annotate: true\n"
                          "      - name: posts\n"
                          "        source: {table: posts, citations: citations}\n";
    return dir_.Write("vigil.yaml", yaml_);
  }
  json RunOnce(const std::string& config) {
    auto [rc, out] = testing::RunVigil({"jobs", "run", "citation_verification", "--once", "--json", "--config", config});
    EXPECT_EQ(rc, 0) << out;
    auto at = out.find("{\"kind\"");
    EXPECT_NE(at, std::string::npos) << out;
    return at == std::string::npos ? json() : json::parse(out.substr(at), nullptr, false);
  }
  // Starts the daemon until every queued event is triaged, then stops it.
  void TriageWhatWaits() {
    testing::DaemonProcess d_;  // a new one each time: it remembers the last one's READY
    d_.WriteConfig(yaml_ + "http:\n  listen: 127.0.0.1:${PORT}\n");
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
    bool done = testing::WaitFor([&] {
      return Count("SELECT COUNT(*) FROM vigil_triage_pending") == 0 &&
             Count("SELECT COUNT(*) FROM watcher_events WHERE source_type = 'citation_retraction' AND triage_signal IS NULL") == 0;
    }, 30s);
    d_.Signal(SIGTERM);
    EXPECT_EQ(d_.Wait(10s), 0) << d_.Stderr();
    ASSERT_TRUE(done) << d_.Stderr();
  }
  // Notifications about the retraction, by community name.
  std::map<std::string, int64_t> NotificationsByCommunity() {
    auto r = conn_->Query("SELECT s.name, COUNT(*) FROM notifications n JOIN watcher_events e ON e.id = n.event_id "
                          "JOIN subreddits s ON s.id = n.subreddit_id WHERE e.source_type = 'citation_retraction' GROUP BY s.name");
    EXPECT_TRUE(r.ok()) << r.error();
    std::map<std::string, int64_t> out;
    if (r.ok()) {
      for (const auto& row : r->rows) out[row.Text(0)] = row.Int(1);
    }
    return out;
  }
  int64_t Annotations(int memory) {
    return Count("SELECT COUNT(*) FROM memory_annotations WHERE memory_id = $1 AND annotation_type = 'outdated' AND created_by = 'vigil'",
                 {Id(memory)});
  }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  testing::TempDir dir_;
  std::string yaml_;
};

TEST_P(CitationRetractionE2E, ARetractionIsOneNotificationPerCommunityAndOneAnnotationPerMemoryAcrossRuns) {
  std::string config = Config();
  json first = RunOnce(config);
  EXPECT_EQ(first["result"], "done") << first.dump();
  TriageWhatWaits();
  std::map<std::string, int64_t> once = {{"discussion", 1}, {"immunology", 1}, {"virology", 1}};
  EXPECT_EQ(NotificationsByCommunity(), once) << "the memories' two communities, and the configured one for posts and messages";
  for (int m : {1, 2, 3}) EXPECT_EQ(Annotations(m), 1) << "memory " << m;
  EXPECT_EQ(Annotations(4), 0) << "a longer DOI is not the retracted one";
  EXPECT_EQ(Annotations(5), 0);
  auto content = conn_->Query("SELECT content FROM memory_annotations WHERE memory_id = $1", {Id(3)});
  ASSERT_TRUE(content.ok() && content->rows.size() == 1);
  EXPECT_NE(content->rows[0].Text(0).find(kNotice), std::string::npos) << content->rows[0].Text(0);
  EXPECT_NE(content->rows[0].Text(0).find("2020-06-05"), std::string::npos) << content->rows[0].Text(0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM messages WHERE id = $1 AND citations_verified = TRUE", {Id(20)}), 1)
      << "its one citation is checked";

  // Past recheck_after every citation is checked again and found retracted again: nobody is told
  // twice, no memory is annotated twice.
  std::this_thread::sleep_for(1100ms);
  size_t crossref_before = Arrivals("/works").size();
  json second = RunOnce(config);
  EXPECT_EQ(second["result"], "done") << second.dump();
  EXPECT_GT(Arrivals("/works").size(), crossref_before) << "the citations were checked again";
  TriageWhatWaits();
  EXPECT_EQ(NotificationsByCommunity(), once);
  for (int m : {1, 2, 3}) EXPECT_EQ(Annotations(m), 1) << "memory " << m;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM watcher_events WHERE source_type = 'citation_retraction'"), 3);
}

INSTANTIATE_TEST_SUITE_P(Dialects, CitationRetractionE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
