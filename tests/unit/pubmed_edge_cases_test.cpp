// PubMed efetch parsing at the edges: variants of the real records (dates, DOI and title
// fallbacks, collective and invalid authors, books), errors, the whole corpus, and the
// record-by-record parse agreeing with the whole-document one. Fields of the real records as
// they are: pubmed_parser_test.cpp.
#include "sources/literature/pubmed_parser.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/pubmed_fixture.h"

namespace vigil {
namespace {

using nlohmann::json;
using testing::ParseArticles;
using testing::Pubmed;
using testing::ReplaceOnce;

// ---- efetch: variants derived from the real records ----

TEST(PubmedArticleSet, DoiFallsBackToValidElocationId) {
  // pubmed5 with its ArticleIdList DOI taken out: the ELocationID still carries it.
  std::string xml = ReplaceOnce(Pubmed("pubmed5.xml"),
                                "<ArticleId IdType=\"doi\">10.1136/oemed-2017-104431</ArticleId>",
                                "");
  std::vector<Event> events = ParseArticles(xml);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].source_metadata["doi"], "10.1136/oemed-2017-104431");
}

TEST(PubmedArticleSet, WithoutAnAbstractTheOtherAbstractIsTheSummary) {
  // pubmed5 without its Abstract, and with an OtherAbstract where PubMed's DTD has it: in
  // MedlineCitation, after the MeSH headings.
  std::string xml = Pubmed("pubmed5.xml");
  size_t start = xml.find("<Abstract>"), end = xml.find("</Abstract>") + 11;
  xml.erase(start, end - start);
  xml = ReplaceOnce(xml, "</MedlineCitation>",
                    "<OtherAbstract Type=\"Publisher\" Language=\"eng\"><AbstractText>Pesticides and the "
                    "<i>thyroid</i>.</AbstractText></OtherAbstract></MedlineCitation>");
  std::vector<Event> events = ParseArticles(xml);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].summary, "Pesticides and the thyroid.");
}

TEST(PubmedArticleSet, InvalidElocationIdIsNotADoi) {
  std::string xml = ReplaceOnce(Pubmed("pubmed5.xml"),
                                "<ArticleId IdType=\"doi\">10.1136/oemed-2017-104431</ArticleId>",
                                "");
  xml = ReplaceOnce(xml, "EIdType=\"doi\" ValidYN=\"Y\"", "EIdType=\"doi\" ValidYN=\"N\"");
  std::vector<Event> events = ParseArticles(xml);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].source_metadata.contains("doi"));
}

TEST(PubmedArticleSet, MedlineDateGivesYearMonthAndText) {
  // pubmed1's first record with its Season date replaced by a MedlineDate range.
  std::string xml = ReplaceOnce(Pubmed("pubmed1.xml"), "<Year>1990</Year><Season>Spring</Season>",
                                "<MedlineDate>1998 Dec-1999 Jan</MedlineDate>");
  std::vector<Event> events = ParseArticles(xml);
  ASSERT_EQ(events.size(), 2u);
  const json& metadata = events[0].source_metadata;
  EXPECT_EQ(metadata["pub_date_text"], "1998 Dec-1999 Jan");
  EXPECT_EQ(metadata["year"], 1998);
  EXPECT_EQ(metadata["pub_date"], json({{"year", 1998}, {"month", 12}}));
}

TEST(PubmedArticleSet, MedlineDateWithSeasonRangeGivesOnlyYear) {
  std::string xml = ReplaceOnce(Pubmed("pubmed1.xml"), "<Year>1990</Year><Season>Spring</Season>",
                                "<MedlineDate>2000 Spring-Summer</MedlineDate>");
  std::vector<Event> events = ParseArticles(xml);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].source_metadata["pub_date"], json({{"year", 2000}}));
  EXPECT_EQ(events[0].source_metadata["pub_date_text"], "2000 Spring-Summer");
}

TEST(PubmedArticleSet, CollectiveAuthorIsKeptAsIsAndInvalidAuthorsDropped) {
  std::string xml = ReplaceOnce(
      Pubmed("pubmed1.xml"), "</Author></AuthorList>",
      "</Author><Author ValidYN=\"Y\"><CollectiveName>WHO <i>Ad hoc</i> Committee on "
      "AIDS</CollectiveName></Author><Author ValidYN=\"N\"><LastName>Olivera</LastName>"
      "<Initials>JM</Initials></Author><Author><LastName>Smith</LastName><Initials>AB"
      "</Initials></Author></AuthorList>");
  std::vector<Event> events = ParseArticles(xml);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].source_metadata["authors"],
            json({"Olivero J Michael", "WHO Ad hoc Committee on AIDS", "Smith AB"}));
}

TEST(PubmedArticleSet, EmptyArticleTitleFallsBackToVernacularTitle) {
  std::string xml = ReplaceOnce(
      Pubmed("pubmed1.xml"),
      "<ArticleTitle>The treatment of AIDS behind the walls of correctional facilities."
      "</ArticleTitle>",
      "<ArticleTitle></ArticleTitle><VernacularTitle>Le traitement du  SIDA.</VernacularTitle>");
  std::vector<Event> events = ParseArticles(xml);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].title, "Le traitement du SIDA.");
}

TEST(PubmedArticleSet, BookArticleBecomesAnEvent) {
  // Constructed in the shape of a GeneReviews chapter record (PubmedBookArticle).
  std::string xml =
      "<PubmedArticleSet><PubmedBookArticle><BookDocument>"
      "<PMID Version=\"1\">20301295</PMID>"
      "<ArticleIdList><ArticleId IdType=\"bookaccession\">NBK1116</ArticleId></ArticleIdList>"
      "<Book><Publisher><PublisherName>University of Washington, Seattle</PublisherName>"
      "</Publisher><BookTitle book=\"gene\">GeneReviews<sup>®</sup></BookTitle>"
      "<PubDate><Year>1993</Year></PubDate></Book>"
      "<ArticleTitle book=\"gene\" part=\"mfs\">Marfan Syndrome</ArticleTitle>"
      "<Language>eng</Language>"
      "<AuthorList Type=\"authors\"><Author><LastName>Dietz</LastName><ForeName>Hal"
      "</ForeName></Author></AuthorList>"
      "<PublicationType UI=\"D016454\">Review</PublicationType>"
      "<Abstract><AbstractText Label=\"CLINICAL CHARACTERISTICS\">Marfan syndrome is a "
      "systemic disorder.</AbstractText></Abstract>"
      "</BookDocument></PubmedBookArticle></PubmedArticleSet>";
  std::vector<Event> events = ParseArticles(xml);
  ASSERT_EQ(events.size(), 1u);
  const Event& e = events[0];
  EXPECT_EQ(e.source_id, "20301295");
  EXPECT_EQ(e.title, "Marfan Syndrome");
  EXPECT_EQ(e.summary, "CLINICAL CHARACTERISTICS: Marfan syndrome is a systemic disorder.");
  EXPECT_EQ(e.source_url, "https://pubmed.ncbi.nlm.nih.gov/20301295/");
  EXPECT_EQ(e.source_metadata["record_type"], "book");
  EXPECT_EQ(e.source_metadata["book_title"], "GeneReviews®");
  EXPECT_EQ(e.source_metadata["publisher"], "University of Washington, Seattle");
  EXPECT_EQ(e.source_metadata["authors"], json({"Dietz Hal"}));
  EXPECT_EQ(e.source_metadata["year"], 1993);
  EXPECT_EQ(e.source_metadata["publication_types"], json({"Review"}));
}

// ---- efetch: errors and the whole corpus ----

TEST(PubmedArticleSet, TruncatedDocumentIsAnErrorWithPosition) {
  std::string xml = Pubmed("pubmed4.xml");
  xml.resize(xml.size() / 2);
  Result<std::vector<Event>> events = ParsePubmedArticleSet(xml);
  ASSERT_FALSE(events.ok());
  EXPECT_NE(events.error().find("malformed XML at line "), std::string::npos) << events.error();
  EXPECT_NE(events.error().find("truncated?"), std::string::npos) << events.error();
}

TEST(PubmedArticleSet, MalformedXmlErrorNamesTheLine) {
  // pubmed2 is three lines of XML; break an element on its fourth line.
  std::string xml = ReplaceOnce(Pubmed("pubmed2.xml"), "<Volume>42</Volume>", "<Volume>42</Vol>");
  Result<std::vector<Event>> events = ParsePubmedArticleSet(xml);
  ASSERT_FALSE(events.ok());
  EXPECT_NE(events.error().find("at line 4, column "), std::string::npos) << events.error();
}

TEST(PubmedArticleSet, EfetchErrorResponseIsAFailure) {
  Result<std::vector<Event>> events = ParsePubmedArticleSet(
      "<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>");
  ASSERT_FALSE(events.ok());
  EXPECT_NE(events.error().find("Empty id list - nothing todo"), std::string::npos);
}

TEST(PubmedArticleSet, EmptySetIsNoEvents) {
  Result<std::vector<Event>> events = ParsePubmedArticleSet(
      "<?xml version=\"1.0\" ?>\n<PubmedArticleSet>\n</PubmedArticleSet>\n");
  ASSERT_TRUE(events.ok()) << events.error();
  EXPECT_TRUE(events->empty());
}

TEST(PubmedArticleSet, EveryFixtureParsesOrIsRejectedByName) {
  int article_sets = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::LiteratureFixturesDir() / "pubmed")) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".xml") continue;
    std::string xml = Pubmed(name);
    if (name.rfind("esearch", 0) == 0) {
      EXPECT_TRUE(ParseEsearch(xml).ok()) << name;
    } else if (name.rfind("pubmed", 0) == 0) {
      ++article_sets;
      std::vector<Event> events = ParseArticles(xml);
      EXPECT_FALSE(events.empty()) << name;
      for (const Event& e : events) {
        EXPECT_FALSE(e.title.empty()) << name << " " << e.source_id;
        EXPECT_EQ(e.source_url, "https://pubmed.ncbi.nlm.nih.gov/" + e.source_id + "/");
        EXPECT_EQ(e.source_metadata["pmid"], e.source_id);
        EXPECT_TRUE(e.source_metadata["year"].is_number_integer()) << name;
      }
    } else {
      // esummary and a PMC article: not PubmedArticleSet, and the error says what it was.
      Result<std::vector<Event>> events = ParsePubmedArticleSet(xml);
      ASSERT_FALSE(events.ok()) << name;
      EXPECT_NE(events.error().find("unexpected root element"), std::string::npos) << name;
    }
  }
  EXPECT_EQ(article_sets, 4);
}

// ---- efetch: the record-by-record parse and the whole-document parse agree ----

// Title, summary and metadata of each event, for comparing two parses.
json Described(const std::vector<Event>& events) {
  json out = json::array();
  for (const Event& e : events) {
    out.push_back({{"id", e.source_id}, {"title", e.title}, {"summary", e.summary},
                   {"metadata", e.source_metadata}});
  }
  return out;
}

TEST(PubmedArticleSet, CommentMakesTheWholeDocumentParseGiveTheSameEvents) {
  // A comment sends the document to the whole-document parse (a byte scan cannot tell a tag
  // inside a comment from markup); its events must be those of the record-by-record parse.
  std::string plain = Pubmed("pubmed1.xml");
  std::string commented = ReplaceOnce(plain, "<PubmedArticleSet>",
                                      "<PubmedArticleSet><!-- </PubmedArticle> -->");
  std::vector<Event> expected = ParseArticles(plain);
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(Described(ParseArticles(commented)), Described(expected));
}

TEST(PubmedArticleSet, RecordTheStrictReaderRefusesIsReadByPugixml) {
  // "&#X41;" is not a reference to pugixml (only "&#x" is hexadecimal), so it stays as written;
  // the strict record reader refuses the record, and pugixml reads it as the whole-document
  // parse (sent there by a comment) does.
  std::string plain = ReplaceOnce(Pubmed("pubmed1.xml"), "<ArticleTitle>", "<ArticleTitle>&#X41; ");
  std::string commented = ReplaceOnce(plain, "<PubmedArticleSet>", "<PubmedArticleSet><!-- -->");
  std::vector<Event> events = ParseArticles(plain);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].title.rfind("&#X41; ", 0), 0u) << events[0].title;
  EXPECT_EQ(Described(events), Described(ParseArticles(commented)));
}

TEST(PubmedArticleSet, CdataMakesTheWholeDocumentParseGiveTheSameEvents) {
  std::string plain = Pubmed("pubmed2.xml");
  std::string with_cdata =
      ReplaceOnce(plain, "<Volume>42</Volume>", "<Volume><![CDATA[42]]></Volume>");
  std::vector<Event> expected = ParseArticles(plain);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(Described(ParseArticles(with_cdata)), Described(expected));
}

TEST(PubmedArticleSet, RecordNotDirectlyUnderTheRootIsNotRead) {
  // Only children of PubmedArticleSet are records, as in the whole-document parse.
  std::string plain = Pubmed("pubmed1.xml");
  std::vector<Event> both = ParseArticles(plain);
  ASSERT_EQ(both.size(), 2u);
  std::string wrapped = ReplaceOnce(plain, "<PubmedArticle>", "<Wrapper><PubmedArticle>");
  wrapped = ReplaceOnce(wrapped, "</PubmedArticle>", "</PubmedArticle></Wrapper>");
  std::vector<Event> events = ParseArticles(wrapped);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].source_id, both[1].source_id);
}

TEST(PubmedArticleSet, RecordWithoutPmidIsSkipped) {
  std::string plain = Pubmed("pubmed1.xml");
  std::vector<Event> both = ParseArticles(plain);
  ASSERT_EQ(both.size(), 2u);
  std::string xml = ReplaceOnce(plain, "<PMID Version=\"1\">" + both[0].source_id + "</PMID>", "");
  std::vector<Event> events = ParseArticles(xml);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].source_id, both[1].source_id);
}

TEST(PubmedArticleSet, DeleteCitationIsIgnored) {
  std::string plain = Pubmed("pubmed1.xml");
  std::string xml = ReplaceOnce(plain, "</PubmedArticleSet>",
                                "<DeleteCitation><PMID Version=\"1\">1</PMID></DeleteCitation>"
                                "</PubmedArticleSet>");
  EXPECT_EQ(Described(ParseArticles(xml)), Described(ParseArticles(plain)));
}

TEST(PubmedArticleSet, UnreadPartsNamedInTextDoNotCutTheRecordShort) {
  // The cut of an unread part looks for its name: the name in text is not its end tag.
  std::string plain = Pubmed("pubmed4.xml");
  std::string xml = ReplaceOnce(plain, "<Grant>", "<Grant>GrantList &lt;/GrantList&gt;");
  EXPECT_EQ(Described(ParseArticles(xml)), Described(ParseArticles(plain)));
}

TEST(PubmedArticleSet, RecordCutShortInsideAnUnreadPartIsAnError) {
  std::string xml = Pubmed("pubmed4.xml");
  xml.resize(xml.find("</GrantList>"));
  Result<std::vector<Event>> events = ParsePubmedArticleSet(xml);
  ASSERT_FALSE(events.ok());
  EXPECT_NE(events.error().find("truncated?"), std::string::npos) << events.error();
}

TEST(PubmedMonth, AcceptsNamesAndNumbers) {
  EXPECT_EQ(ParsePubmedMonth("Jan"), 1);
  EXPECT_EQ(ParsePubmedMonth("sep"), 9);
  EXPECT_EQ(ParsePubmedMonth("December"), 12);
  EXPECT_EQ(ParsePubmedMonth("06"), 6);
  EXPECT_EQ(ParsePubmedMonth("11"), 11);
  EXPECT_EQ(ParsePubmedMonth("13"), 0);
  EXPECT_EQ(ParsePubmedMonth("0"), 0);
  EXPECT_EQ(ParsePubmedMonth("Spring"), 0);
  EXPECT_EQ(ParsePubmedMonth(""), 0);
}

}  // namespace
}  // namespace vigil
