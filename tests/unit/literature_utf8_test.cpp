// Bytes that are not UTF-8 in a literature response (found by arxiv_parser_fuzz and
// pubmed_parser_fuzz): pugixml passes them through, and an event holding them could not be stored
// on PostgreSQL (its text columns refuse them) or dumped as strict JSON, so the watcher would fail
// every poll. The parsers hand back every event's text as UTF-8, the bad bytes as U+FFFD.
#include <gtest/gtest.h>

#include "common/utf8_cut.h"
#include "sources/literature/arxiv_parser.h"
#include "sources/literature/feed_parser.h"
#include "sources/literature/pubmed_parser.h"
#include "tests/unit/literature_fixture.h"
#include "tests/unit/pubmed_fixture.h"

namespace vigil {
namespace {

using testing::ReadLiteratureFixture;
using testing::ReplaceOnce;

void ExpectStorable(const Event& e) {
  for (const std::string* s : {&e.title, &e.summary, &e.source_id, &e.source_url}) EXPECT_TRUE(IsUtf8(*s)) << *s;
  EXPECT_NO_THROW((void)e.source_metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict));
}

TEST(LiteratureUtf8, AnArxivTitleWithStrayBytesComesBackWithReplacementCharacters) {
  std::string xml = ReplaceOnce(ReadLiteratureFixture("arxiv/query_testing_start0_max10.atom"),
                                "<title>Testing Deep Learning Models:", "<title>Testing \xFF Deep\xC3 Learning Models:");
  auto page = ParseArxivFeed(xml);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_FALSE(page->entries.empty());
  EXPECT_EQ(page->entries[0].title.substr(0, 28), "Testing \xEF\xBF\xBD Deep\xEF\xBF\xBD Learning");
  for (const Event& e : page->entries) ExpectStorable(e);
}

TEST(LiteratureUtf8, APubmedTitleWithASurrogateAndAnOverlongFormIsStorable) {
  std::string xml = ReplaceOnce(testing::Pubmed("pubmed1.xml"), "<ArticleTitle>The treatment of AIDS",
                                "<ArticleTitle>The \xED\xA0\x80 treatment \xC0\xAF of AIDS");
  auto events = ParsePubmedArticleSet(xml);
  ASSERT_TRUE(events.ok()) << events.error();
  ASSERT_FALSE(events->empty());
  bool found = false;
  for (const Event& e : *events) {
    ExpectStorable(e);
    if (e.title.starts_with("The \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD treatment \xEF\xBF\xBD\xEF\xBF\xBD of AIDS")) found = true;
  }
  EXPECT_TRUE(found) << "the damaged title, each bad byte as U+FFFD";
}

// Found by feed_parser_fuzz: an Atom title of a non-text type is base64, which decodes to any bytes.
TEST(LiteratureUtf8, ABase64AtomTitleThatDecodesToStrayBytesIsUtf8) {
  std::string xml = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"application/octet-stream\">"
                    "/0FC/w==</title><entry><id>urn:x:1</id><title type=\"application/octet-stream\">/0FC/w==</title>"
                    "<link href=\"https://example.org/1\"/></entry></feed>";  // bytes FF 'A' 'B' FF
  auto feed = ParseFeed(xml, FeedParseOptions{});
  ASSERT_TRUE(feed.ok()) << feed.error();
  EXPECT_EQ(feed->title, "\xEF\xBF\xBD" "AB\xEF\xBF\xBD");
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].title, "\xEF\xBF\xBD" "AB\xEF\xBF\xBD");
}

}  // namespace
}  // namespace vigil
