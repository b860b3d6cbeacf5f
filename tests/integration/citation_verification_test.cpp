// citation_verification against local stand-ins for Crossref, PubMed and arXiv serving the real
// records in tests/fixtures, and for cited web pages; on SQLite and PostgreSQL with the
// message_citations table of seeds/001. Cited URLs go through the address guard.
#include <gtest/gtest.h>

#include "common/http/curl_http_client.h"
#include "jobs/maintenance/citation_verification_job.h"
#include "tests/support/platform_db.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using testing::ReadFixture;

HttpResponse Fixture(const std::string& rel, const std::string& type) {
  HttpResponse r = HttpResponse::Text(200, ReadFixture(rel));
  r.headers = {{"Content-Type", type}};
  return r;
}

std::string QueryParam(const std::string& query, const std::string& name) {
  size_t at = ("&" + query).find("&" + name + "=");
  if (at == std::string::npos) return "";
  size_t start = at + name.size() + 1;
  return query.substr(start, query.find('&', start) - start);
}

// The real Crossref record, as a retracted work would carry it (Crossref's updated-by).
std::string RetractedWork(const std::string& doi = "10.9999/retracted.1", const std::string& notice = "10.9999/retraction.notice") {
  auto j = nlohmann::json::parse(ReadFixture("crossref/work_10.1037_0003-066x.59.1.29.json"));
  j["message"]["DOI"] = doi;
  j["message"]["updated-by"] = {{{"DOI", notice}, {"type", "retraction"}, {"source", "retraction-watch"}}};
  return j.dump();
}

class CitationVerification : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    StartStandIn();
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
    Serve("/works/", [](const HttpRequest& req) {
      if (req.path == "/works/10.1037%2F0003-066x.59.1.29") return Fixture("crossref/work_10.1037_0003-066x.59.1.29.json", "application/json");
      if (req.path == "/works/10.9999%2Fretracted.1") return HttpResponse::Json(200, RetractedWork());
      if (req.path == "/works/10.9999%2Fretracted.10") return HttpResponse::Json(200, RetractedWork("10.9999/retracted.10", "10.9999/notice.10"));
      if (req.path == "/works/10.9999%2Fdown") return HttpResponse::Text(403, "Crossref is having a bad day");
      return HttpResponse::Text(404, "Resource not found.");
    });
    Serve("/efetch.fcgi", [](const HttpRequest& req) {
      std::string id = QueryParam(req.query, "id");
      if (id == "9997" || id == "12091962") return Fixture("pubmed/pubmed1.xml", "text/xml");
      return HttpResponse::Text(200, "<?xml version=\"1.0\"?><PubmedArticleSet></PubmedArticleSet>");
    });
    Serve("/query", [](const HttpRequest& req) {
      if (QueryParam(req.query, "id_list") == "1707.08567") return Fixture("arxiv/id_1707.08567.atom", "application/atom+xml");
      return Fixture("arxiv/id_0000.0000_empty.atom", "application/atom+xml");
    });
    Serve("/page", [](const HttpRequest&) {
      return HttpResponse{200, {{"Content-Type", "text/html"}}, "<html><head><title>Trial &amp; Results</title></head></html>"};
    });
    Serve("/to-loopback", [this](const HttpRequest&) {
      return HttpResponse{302, {{"Location", Url("/page")}}, ""};
    });
    std::string id = pg() ? "UUID" : "TEXT";
    std::string ts = pg() ? "TIMESTAMP" : "DATETIME";
    auto s = conn_->ExecScript("CREATE TABLE message_citations (id " + id + " PRIMARY KEY, message_id " + id +
                               ", citation_text TEXT NOT NULL, source_url VARCHAR(2000), source_title VARCHAR(500), "
                               "source_type VARCHAR(50), start_position INTEGER, end_position INTEGER, verified BOOLEAN, "
                               "verification_method VARCHAR(50), verification_confidence FLOAT, source_quality_score FLOAT, "
                               "relevance_score FLOAT, metadata " + std::string(pg() ? "JSONB" : "JSON") + ", created_at " + ts +
                               ", verified_at " + ts + ")");
    ASSERT_TRUE(s.ok()) << s.message();
    config_.enabled = true;
    config_.sources.crossref_base = config_.sources.pubmed_base = config_.sources.arxiv_base = Url();
    config_.sources.mailto = "ops@example.org";
  }

  bool pg() const { return std::string(GetParam()) == "postgres"; }
  static std::string RowId(int n) {
    std::string digits = std::to_string(n);
    return "00000000-0000-0000-0000-" + std::string(12 - digits.size(), '0') + digits;
  }
  std::string Cite(const std::string& text, const std::string& url = "", const std::string& message = "") {
    std::string id = RowId(++rows_);
    EXPECT_TRUE(conn_->Query("INSERT INTO message_citations (id, message_id, citation_text, source_url) VALUES ($1, $2, $3, $4)",
                             {id, message.empty() ? SqlValue(SqlNull{}) : SqlValue(message), text,
                              url.empty() ? SqlValue(SqlNull{}) : SqlValue(url)}).ok());
    return id;
  }
  CitationSummary Run(std::vector<std::string> allow_hosts = {}) {
    CurlHttpClient pages(HttpClientOptions{.host_limits = {}, .guard = {.allow_hosts = std::move(allow_hosts)}});
    return RunCitationVerification(config_, *conn_, *conn_, api_, pages, CitationRun{});
  }
  struct Row {
    bool verified;
    std::string method;
    double confidence;
    std::string title;
    bool checked;
  };
  Row Get(const std::string& id) {
    auto r = conn_->Query("SELECT verified, verification_method, verification_confidence, source_title, verified_at "
                          "FROM message_citations WHERE id = $1", {id});
    EXPECT_TRUE(r.ok() && r->rows.size() == 1);
    const auto& row = r->rows[0];
    return {row.Bool(0), row.Text(1), row.Double(2), row.Text(3), !row.IsNull(4)};
  }
  std::string CacheNote(const std::string& key) {
    auto r = conn_->Query("SELECT record FROM vigil_citation_cache WHERE identifier = $1", {key});
    if (!r.ok() || r->rows.empty()) return "(not cached)";
    return nlohmann::json::parse(r->rows[0].Text(0)).value("note", "");
  }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  CurlHttpClient api_{HttpClientOptions{.host_limits = {}}};
  CitationVerificationConfig config_;
  int rows_ = 0;
};

constexpr const char* kRayCitation =
    "Ray, O. (2004). How the mind hurts and heals the body. American Psychologist, 59(1), 29-41. https://doi.org/10.1037/0003-066X.59.1.29";

TEST_P(CitationVerification, DoiCitationMatchingCrossrefIsVerified) {
  std::string id = Cite(kRayCitation);
  auto summary = Run();
  EXPECT_EQ(summary.verified, 1) << summary.last_error;
  Row row = Get(id);
  EXPECT_TRUE(row.verified);
  EXPECT_EQ(row.method, "crossref");
  EXPECT_GE(row.confidence, 0.99);
  EXPECT_EQ(row.title, "How the Mind Hurts and Heals the Body.");
  EXPECT_TRUE(row.checked);
  auto works = Arrivals("/works/");
  ASSERT_EQ(works.size(), 1u);
  EXPECT_EQ(QueryParam(works[0].query, "mailto"), "ops%40example.org") << "Crossref's polite pool";
}

TEST_P(CitationVerification, RealDoiWithAWrongTitleIsNotVerified) {
  std::string id = Cite("Smith, J. (2019). Quantum entanglement in migratory songbirds. Nature 12, 1-9. doi:10.1037/0003-066x.59.1.29");
  Run();
  Row row = Get(id);
  EXPECT_FALSE(row.verified);
  EXPECT_EQ(row.method, "crossref");
  EXPECT_LT(row.confidence, 0.3);
  EXPECT_EQ(row.title, "How the Mind Hurts and Heals the Body.") << "the record's title is kept for review";
}

TEST_P(CitationVerification, UnknownDoiIsUnverified) {
  std::string id = Cite("Doe, A. (2020). A paper that does not exist at all. doi:10.5555/nothing.here");
  Run();
  Row row = Get(id);
  EXPECT_FALSE(row.verified);
  EXPECT_EQ(row.method, "crossref");
  EXPECT_DOUBLE_EQ(row.confidence, 0);
  EXPECT_EQ(CacheNote("doi:10.5555/nothing.here"), "Crossref has no record of doi 10.5555/nothing.here");
}

TEST_P(CitationVerification, PmidIsVerifiedAgainstPubmed) {
  std::string id = Cite("Strekas TC. Magnetic studies of Chromatium flavocytochrome C552. Biochim Biophys Acta. 1976. PMID: 9997");
  std::string wrong = Cite("Olivero JM. Deep learning for protein folding benchmarks. Soc Justice. 1990. PMID: 12091962");
  Run();
  Row row = Get(id);
  EXPECT_TRUE(row.verified);
  EXPECT_EQ(row.method, "pubmed");
  EXPECT_EQ(row.title, "Magnetic studies of Chromatium flavocytochrome C552. A mechanism for heme-flavin interaction.");
  EXPECT_FALSE(Get(wrong).verified) << "right author and year, wrong title";
}

TEST_P(CitationVerification, ArxivIdIsVerifiedAgainstTheArxivApi) {
  std::string id = Cite("Immink K. et al. Proceedings of Workshop AEW10: Concepts in Information Theory and Communications. arXiv:1707.08567, 2017");
  std::string missing = Cite("Someone. A preprint that arXiv does not have. arXiv:0000.00001");
  Run();
  Row row = Get(id);
  EXPECT_TRUE(row.verified);
  EXPECT_EQ(row.method, "arxiv");
  EXPECT_GE(row.confidence, 0.99);
  EXPECT_FALSE(Get(missing).verified);
  EXPECT_EQ(QueryParam(Arrivals("/query")[0].query, "id_list"), "1707.08567");
}

TEST_P(CitationVerification, RetractionReportedByCrossrefIsFlagged) {
  std::string id = Cite("Ray, O. (2004). How the mind hurts and heals the body. doi:10.9999/retracted.1");
  auto summary = Run();
  EXPECT_EQ(summary.retracted, 1);
  Row row = Get(id);
  EXPECT_FALSE(row.verified);
  EXPECT_EQ(row.method, "crossref-retracted");
}

// Two retracted works, one's DOI a prefix of the other's: a memory citing both gets an annotation
// for each, even when the longer DOI's was written first (its text holds the shorter DOI).
TEST_P(CitationVerification, AMemoryCitingTwoRetractedWorksIsAnnotatedForEach) {
  ASSERT_TRUE(testing::CreateMemoryTables(*conn_).ok());
  auto memory = [&](int n, const nlohmann::json& cited) {
    ASSERT_TRUE(conn_->Query("INSERT INTO synthesis_memories (id, subreddit_name, citations_used) VALUES ($1, 'oncology', $2)",
                             {RowId(n), cited.dump()}).ok());
  };
  memory(1, {"doi:10.9999/retracted.10"});                            // read first: 10's annotations come first
  memory(2, {"doi:10.9999/retracted.10", "doi:10.9999/retracted.1"});
  memory(3, {"doi:10.9999/retracted.1"});
  CitationListTarget t;
  t.name = "memories";
  t.table = "synthesis_memories";
  t.citations_column = "citations_used";
  t.annotate = true;
  config_.targets = {t};
  auto first = Run();
  EXPECT_EQ(first.annotated, 4) << first.ToJson().dump();
  auto notes = [&](int n) {
    auto r = conn_->Query("SELECT content FROM memory_annotations WHERE memory_id = $1 AND annotation_type = 'outdated' ORDER BY content",
                          {RowId(n)});
    EXPECT_TRUE(r.ok()) << r.error();
    std::vector<std::string> out;
    for (const auto& row : r->rows) out.push_back(row.Text(0));
    return out;
  };
  ASSERT_EQ(notes(1).size(), 1u);
  EXPECT_TRUE(notes(1)[0].starts_with("Retracted: doi:10.9999/retracted.10 ")) << notes(1)[0];
  ASSERT_EQ(notes(2).size(), 2u);
  EXPECT_TRUE(notes(2)[0].starts_with("Retracted: doi:10.9999/retracted.1 ")) << notes(2)[0];
  EXPECT_NE(notes(2)[0].find("notice doi:10.9999/retraction.notice"), std::string::npos) << notes(2)[0];
  EXPECT_TRUE(notes(2)[1].starts_with("Retracted: doi:10.9999/retracted.10 ")) << notes(2)[1];
  EXPECT_NE(notes(2)[1].find("notice doi:10.9999/notice.10"), std::string::npos) << notes(2)[1];
  ASSERT_EQ(notes(3).size(), 1u);
}

TEST_P(CitationVerification, AnIdentifierIsFetchedOnceAndCheckedRowsAreNotDueAgain) {
  std::string a = Cite(kRayCitation);
  std::string b = Cite("Ray 2004, How the Mind Hurts and Heals the Body, doi:10.1037/0003-066x.59.1.29");
  auto first = Run();
  EXPECT_EQ(first.lookups, 1);
  EXPECT_EQ(first.cache_hits, 1);
  EXPECT_TRUE(Get(a).verified && Get(b).verified);
  auto second = Run();
  EXPECT_EQ(second.checked, 0);
  EXPECT_EQ(Arrivals("/works/").size(), 1u);
}

TEST_P(CitationVerification, CitationWithoutIdentifierIsMarkedNone) {
  std::string id = Cite("As discussed by several authors at the conference");
  Run();
  Row row = Get(id);
  EXPECT_FALSE(row.verified);
  EXPECT_EQ(row.method, "none");
  EXPECT_TRUE(row.checked);
}

TEST_P(CitationVerification, UrlOnAnAllowedHostIsFetchedForItsTitle) {
  std::string id = Cite("", "http://localhost:" + std::to_string(port()) + "/page");
  Run({"localhost"});
  Row row = Get(id);
  EXPECT_TRUE(row.verified);
  EXPECT_EQ(row.method, "url");
  EXPECT_EQ(row.title, "Trial & Results");
}

TEST_P(CitationVerification, UrlsToNonPublicAddressesAreRefusedAndNeverFetched) {
  std::string p = std::to_string(port());
  std::vector<std::string> urls = {"http://127.0.0.1:" + p + "/page", "http://10.0.0.1/page", "http://169.254.169.254/latest/meta-data/",
                                   "http://[::1]:" + p + "/page", "http://[::ffff:127.0.0.1]:" + p + "/page",
                                   "http://2130706433:" + p + "/page", "http://localhost:" + p + "/to-loopback"};
  std::vector<std::string> ids;
  for (const auto& url : urls) ids.push_back(Cite("", url));
  Run({"localhost"});  // localhost itself may be fetched; where it redirects to may not
  for (size_t i = 0; i < urls.size(); ++i) {
    Row row = Get(ids[i]);
    EXPECT_FALSE(row.verified) << urls[i];
    EXPECT_EQ(row.method, "url") << urls[i];
    EXPECT_TRUE(CacheNote("url:" + urls[i]).starts_with("refused: ")) << urls[i] << ": " << CacheNote("url:" + urls[i]);
  }
  EXPECT_TRUE(Arrivals("/page").empty()) << "no refused address got a request";
  EXPECT_EQ(Arrivals("/to-loopback").size(), 1u);
}

TEST_P(CitationVerification, AMessageWhoseCitationsAreAllCheckedIsMarked) {
  std::string id = pg() ? "UUID" : "TEXT";
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE messages (id " + id + " PRIMARY KEY, content TEXT, has_citations BOOLEAN,"
                                " citations_verified BOOLEAN DEFAULT FALSE)").ok());
  std::string done = RowId(900), waiting = RowId(901);
  for (const auto& m : {done, waiting})
    ASSERT_TRUE(conn_->Query("INSERT INTO messages (id, content, has_citations) VALUES ($1, 'x', TRUE)", {m}).ok());
  Cite(kRayCitation, "", done);
  Cite("Some work we could not find, doi:10.9999/nothing.here", "", done);
  Cite(kRayCitation, "", waiting);
  Cite("Checked later: doi:10.9999/down", "", waiting);  // its lookup fails: left unchecked
  auto summary = Run();
  EXPECT_EQ(summary.messages_marked, 1) << summary.ToJson().dump();
  auto flag = [&](const std::string& m) {
    auto r = conn_->Query("SELECT citations_verified FROM messages WHERE id = $1", {m});
    EXPECT_TRUE(r.ok() && r->rows.size() == 1);
    return r.ok() && !r->rows.empty() && r->rows[0].Bool(0);
  };
  EXPECT_TRUE(flag(done)) << "both citations checked (one verified, one not found)";
  EXPECT_FALSE(flag(waiting)) << "one citation is still to be checked";
}

TEST_P(CitationVerification, MissingTableIsReported) {
  ASSERT_TRUE(conn_->ExecScript("DROP TABLE message_citations").ok());
  auto summary = Run();
  EXPECT_EQ(summary.missing, "table message_citations does not exist");
  EXPECT_TRUE(Arrivals().empty());
}

INSTANTIATE_TEST_SUITE_P(Dialects, CitationVerification, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
