// arXiv API feed parsing, against responses recorded from export.arxiv.org (arxiv.py's test
// fixtures in tests/fixtures/arxiv; index.jsonl there names each file's URL and HTTP status).
// Expected values were read off the fixture files.
#include "sources/literature/arxiv_parser.h"

#include <gtest/gtest.h>

#include "tests/unit/literature_fixture.h"

namespace vigil {
namespace {

using nlohmann::json;
using testing::ReadLiteratureFixture;
using testing::ReplaceOnce;

std::string Arxiv(const std::string& name) { return ReadLiteratureFixture("arxiv/" + name); }

ArxivPage ParsePage(const std::string& xml) {
  Result<ArxivPage> page = ParseArxivFeed(xml);
  EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error());
  return page.ok() ? *page : ArxivPage{};
}

TEST(ArxivFeed, PagingFieldsFollowTheStartParameter) {
  struct Case {
    const char* file;
    int64_t start;
    const char* first_id;
    const char* last_id;
  };
  for (const Case& c : {Case{"query_testing_start0_max10.atom", 0, "2202.12139", "1812.11470"},
                        Case{"query_testing_start10_max10.atom", 10, "2403.16981", "2202.06271"},
                        Case{"query_testing_start20_max10.atom", 20, "2008.01944", "2602.15552"}}) {
    ArxivPage page = ParsePage(Arxiv(c.file));
    EXPECT_EQ(page.total_results, 214881) << c.file;
    EXPECT_EQ(page.start_index, c.start) << c.file;
    EXPECT_EQ(page.items_per_page, 10) << c.file;
    EXPECT_EQ(page.skipped_entries, 0) << c.file;
    ASSERT_EQ(page.entries.size(), 10u) << c.file;
    EXPECT_EQ(page.entries.front().source_id, c.first_id) << c.file;
    EXPECT_EQ(page.entries.back().source_id, c.last_id) << c.file;
  }
}

TEST(ArxivFeed, EntryWithDoiAndJournalRefHasEveryField) {
  ArxivPage page = ParsePage(Arxiv("query_testing_start0_max10.atom"));
  ASSERT_FALSE(page.entries.empty());
  const Event& e = page.entries[0];
  EXPECT_EQ(e.source_type, "arxiv");
  EXPECT_EQ(e.source_id, "2202.12139");
  EXPECT_EQ(e.source_url, "https://arxiv.org/abs/2202.12139v1");
  EXPECT_EQ(e.title,
            "Testing Deep Learning Models: A First Comparative Study of Multiple Testing "
            "Techniques");
  EXPECT_EQ(e.summary.rfind("Deep Learning (DL) has revolutionized the capabilities of "
                            "vision-based systems (VBS) in critical applications",
                            0),
            0u);
  EXPECT_TRUE(e.summary.ends_with(
      "We also provide a first experimental comparative study on a classical benchmark used in "
      "VBS and discuss its results."))
      << e.summary;
  EXPECT_TRUE(e.raw_data.is_null());
  json expected = {
      {"arxiv_id_versioned", "2202.12139v1"},
      {"version", 1},
      {"authors", {"Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"}},
      {"categories", {"cs.SE", "cs.LG"}},
      {"primary_category", "cs.SE"},
      {"published", "2022-02-24T15:05:19Z"},
      {"updated", "2022-02-24T15:05:19Z"},
      {"doi", "10.1109/ICSTW55395.2022.00035"},
      {"journal_ref",
       "Artificial Intelligence in Software Testing @ 2022 IEEE International Conference on "
       "Software Testing, Verification and Validation Workshops (ICSTW)"},
      {"comment", "Artificial Intelligence in Software Testing 2022 workshop @ ICST 2022"},
      {"pdf_url", "https://arxiv.org/pdf/2202.12139v1"}};
  EXPECT_EQ(e.source_metadata, expected) << e.source_metadata.dump(1);
}

TEST(ArxivFeed, RevisedEntryKeepsPublishedAndUpdatedApart) {
  ArxivPage page = ParsePage(Arxiv("query_testing_start10_max10.atom"));
  ASSERT_FALSE(page.entries.empty());
  const Event& e = page.entries[0];
  EXPECT_EQ(e.source_id, "2403.16981");
  EXPECT_EQ(e.title, "The Sample Complexity of Simple Binary Hypothesis Testing");
  const json& m = e.source_metadata;
  EXPECT_EQ(m["arxiv_id_versioned"], "2403.16981v2");
  EXPECT_EQ(m["version"], 2);
  EXPECT_EQ(m["published"], "2024-03-25T17:42:32Z");
  EXPECT_EQ(m["updated"], "2025-05-24T05:50:33Z");
  EXPECT_EQ(m["categories"], json({"math.ST", "cs.IT", "stat.ML"}));
  EXPECT_EQ(m["primary_category"], "math.ST");
  EXPECT_EQ(m["comment"],
            "Comments welcome. The new version includes results on sequential hypothesis "
            "testing and on hypothesis testing with erasures");
  EXPECT_FALSE(m.contains("doi"));
  EXPECT_FALSE(m.contains("journal_ref"));
}

TEST(ArxivFeed, MultiLineSummaryIsCollapsedToOneLine) {
  ArxivPage page = ParsePage(Arxiv("query_testing_start20_max10.atom"));
  auto it = std::find_if(page.entries.begin(), page.entries.end(),
                         [](const Event& e) { return e.source_id == "2104.11069"; });
  ASSERT_NE(it, page.entries.end());
  EXPECT_EQ(it->title, "Online GANs for Automatic Performance Testing");
  EXPECT_EQ(it->summary.find('\n'), std::string::npos);
  EXPECT_EQ(it->summary.find("  "), std::string::npos);
  // The fixture has a newline and two spaces between these sentences.
  EXPECT_NE(it->summary.find("compare the obtained results with other possible approaches. We "
                             "consider that the presented algorithm"),
            std::string::npos)
      << it->summary;
  EXPECT_EQ(it->source_metadata["categories"], json({"cs.SE", "cs.LG", "cs.PF"}));
}

TEST(ArxivFeed, VersionedIdLookupStripsTheVersion) {
  ArxivPage page = ParsePage(Arxiv("id_2104.12255v1.atom"));
  EXPECT_EQ(page.total_results, 1);
  EXPECT_EQ(page.items_per_page, 100);
  ASSERT_EQ(page.entries.size(), 1u);
  const Event& e = page.entries[0];
  EXPECT_EQ(e.source_id, "2104.12255");
  EXPECT_EQ(e.title, "0");  // a real title, not an empty one
  EXPECT_EQ(e.source_url, "https://arxiv.org/abs/2104.12255v1");
  json expected = {{"arxiv_id_versioned", "2104.12255v1"},
                   {"version", 1},
                   {"authors", {"Quan Thoi Minh Nguyen"}},
                   {"categories", {"cs.CR"}},
                   {"primary_category", "cs.CR"},
                   {"published", "2021-04-20T16:07:14Z"},
                   {"updated", "2021-04-20T16:07:14Z"},
                   {"pdf_url", "https://arxiv.org/pdf/2104.12255v1"}};
  EXPECT_EQ(e.source_metadata, expected) << e.source_metadata.dump(1);
  EXPECT_EQ(e.summary.rfind("What is the funniest number in cryptography? 0. The reason", 0), 0u);
}

TEST(ArxivFeed, HighVersionNumberIsRead) {
  ArxivPage page = ParsePage(Arxiv("query_testing_start20_max10.atom"));
  auto it = std::find_if(page.entries.begin(), page.entries.end(),
                         [](const Event& e) { return e.source_id == "2409.05654"; });
  ASSERT_NE(it, page.entries.end());
  EXPECT_EQ(it->source_metadata["version"], 9);
  EXPECT_EQ(it->source_metadata["arxiv_id_versioned"], "2409.05654v9");
}

TEST(ArxivFeed, IdLookupReadsAllAuthorsAndComment) {
  ArxivPage page = ParsePage(Arxiv("id_1707.08567.atom"));
  ASSERT_EQ(page.entries.size(), 1u);
  const Event& e = page.entries[0];
  EXPECT_EQ(e.source_id, "1707.08567");
  EXPECT_EQ(e.title,
            "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications");
  const json& m = e.source_metadata;
  ASSERT_EQ(m["authors"].size(), 34u);
  EXPECT_EQ(m["authors"][0], "Kees A. Schouhamer Immink");
  EXPECT_EQ(m["authors"][4], "Peter H. N. de With");
  EXPECT_EQ(m["authors"][33], "Hirosuke Yamamoto");
  EXPECT_EQ(m["comment"],
            "44 pages, editors for the proceedings: Yanling Chen and A. J. Han Vinck");
  EXPECT_FALSE(m.contains("affiliations"));
  EXPECT_FALSE(m.contains("doi"));
}

TEST(ArxivFeed, NoMatchesIsAnEmptyPage) {
  ArxivPage page = ParsePage(Arxiv("id_0000.0000_empty.atom"));
  EXPECT_EQ(page.total_results, 0);
  EXPECT_EQ(page.start_index, 0);
  EXPECT_EQ(page.items_per_page, 100);
  EXPECT_TRUE(page.entries.empty());
  EXPECT_EQ(page.skipped_entries, 0);
}

TEST(ArxivFeed, ErrorFeedIsAnErrorWithItsSummary) {
  Result<ArxivPage> page = ParseArxivFeed(Arxiv("id_abc_error400.atom"));
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error(), "arXiv API error: incorrect id format for abc");
}

TEST(ArxivFeed, EntryWithoutIdOrTitleIsSkipped) {
  // The empty-result feed with the blank entry older API versions sent for unknown ids.
  std::string xml = ReplaceOnce(Arxiv("id_0000.0000_empty.atom"), "</feed>",
                                "<entry><id/><title/><summary/><updated/></entry>"
                                "<entry><id>http://arxiv.org/abs/0000.0000v1</id><title/>"
                                "</entry></feed>");
  ArxivPage page = ParsePage(xml);
  EXPECT_TRUE(page.entries.empty());
  EXPECT_EQ(page.skipped_entries, 2);
}

TEST(ArxivFeed, OldStyleIdAffiliationsAndOtherPrefixesAreRead) {
  // The 2104.12255v1 feed rewritten with other namespace prefixes, an old-style id and an
  // author affiliation, which the arXiv API emits as <arxiv:affiliation>.
  std::string xml = Arxiv("id_2104.12255v1.atom");
  xml = ReplaceOnce(xml, "xmlns:opensearch=", "xmlns:os=");
  xml = ReplaceOnce(xml, "xmlns:arxiv=", "xmlns:ax=");
  xml = ReplaceOnce(xml, "xmlns=\"http://www.w3.org/2005/Atom\"",
                    "xmlns:atom=\"http://www.w3.org/2005/Atom\"");
  for (const char* tag : {"feed", "id", "title", "updated", "link", "summary", "category",
                          "published", "author", "name", "entry"}) {
    for (std::string from : {std::string("<") + tag, std::string("</") + tag}) {
      std::string to = from.substr(0, from.find(tag)) + "atom:" + tag;
      for (size_t at = xml.find(from + ">"); at != std::string::npos; at = xml.find(from + ">"))
        xml.replace(at, from.size(), to);
      for (size_t at = xml.find(from + " "); at != std::string::npos; at = xml.find(from + " "))
        xml.replace(at, from.size(), to);
    }
  }
  for (size_t at = xml.find("opensearch:"); at != std::string::npos;
       at = xml.find("opensearch:")) {
    xml.replace(at, 11, "os:");
  }
  for (size_t at = xml.find("arxiv:primary"); at != std::string::npos;
       at = xml.find("arxiv:primary")) {
    xml.replace(at, 6, "ax:");
  }
  xml = ReplaceOnce(xml, "abs/2104.12255v1</atom:id>", "abs/math/0211159v3</atom:id>");
  xml = ReplaceOnce(xml, "Quan Thoi Minh Nguyen</atom:name>",
                    "Quan Thoi Minh Nguyen</atom:name><ax:affiliation>Google"
                    "</ax:affiliation>");
  ArxivPage page = ParsePage(xml);
  EXPECT_EQ(page.total_results, 1);
  ASSERT_EQ(page.entries.size(), 1u) << xml;
  const Event& e = page.entries[0];
  EXPECT_EQ(e.source_id, "math/0211159");
  EXPECT_EQ(e.source_metadata["arxiv_id_versioned"], "math/0211159v3");
  EXPECT_EQ(e.source_metadata["version"], 3);
  EXPECT_EQ(e.source_metadata["primary_category"], "cs.CR");
  EXPECT_EQ(e.source_metadata["categories"], json({"cs.CR"}));
  EXPECT_EQ(e.source_metadata["affiliations"], json({{"Quan Thoi Minh Nguyen", {"Google"}}}));
  EXPECT_EQ(e.source_url, "https://arxiv.org/abs/2104.12255v1");
}

TEST(ArxivFeed, IdWithoutVersionHasNoVersionField) {
  std::string xml = ReplaceOnce(Arxiv("id_2104.12255v1.atom"),
                                "<id>http://arxiv.org/abs/2104.12255v1</id>",
                                "<id>http://arxiv.org/abs/2104.12255</id>");
  ArxivPage page = ParsePage(xml);
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_EQ(page.entries[0].source_id, "2104.12255");
  EXPECT_EQ(page.entries[0].source_metadata["arxiv_id_versioned"], "2104.12255");
  EXPECT_FALSE(page.entries[0].source_metadata.contains("version"));
}

TEST(ArxivFeed, TruncatedFeedIsAnErrorWithPosition) {
  std::string xml = Arxiv("query_testing_start0_max10.atom");
  xml.resize(xml.size() - 200);
  Result<ArxivPage> page = ParseArxivFeed(xml);
  ASSERT_FALSE(page.ok());
  EXPECT_NE(page.error().find("malformed XML at line "), std::string::npos) << page.error();
}

TEST(ArxivFeed, NonFeedDocumentIsAnError) {
  Result<ArxivPage> page = ParseArxivFeed(ReadLiteratureFixture("pubmed/esearch1.xml"));
  ASSERT_FALSE(page.ok());
  EXPECT_NE(page.error().find("eSearchResult"), std::string::npos) << page.error();
}

TEST(ArxivFeed, AVersionPastAnyIntIsNoVersion) {
  // Found by arxiv_parser_fuzz: std::stoi threw on the digits and killed the process.
  ArxivPage page = ParsePage(ReplaceOnce(Arxiv("id_1707.08567.atom"), "abs/1707.08567v1</id>", "abs/1707.08567v99999999999999999999</id>"));
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_EQ(page.entries[0].source_id, "1707.08567v99999999999999999999");
  EXPECT_FALSE(page.entries[0].source_metadata.contains("version"));
}

}  // namespace
}  // namespace vigil
