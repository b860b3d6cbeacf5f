// ParseFeed reads titles, links and entries as feedparser does (issue 16, item 7): on small feeds
// written for these tests (tests/fixtures/feeds/vigil/) and on cases from feedparser's own
// corpus. feed_corpus_test.cpp compares the same files with feedparser's output.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "sources/literature/feed_parser.h"
#include "sources/literature/html_text.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using testing::FixturesDir;
using testing::ReadFileBytes;

ParsedFeed ParseFixture(const std::string& relative) {
  Result<ParsedFeed> feed = ParseFeed(ReadFileBytes(FixturesDir() / "feeds" / relative), {});
  EXPECT_TRUE(feed.ok()) << relative << ": " << feed.error();
  return feed.ok() ? std::move(*feed) : ParsedFeed{};
}

std::vector<std::string> Titles(const ParsedFeed& feed) {
  std::vector<std::string> titles;
  for (const Event& e : feed.items) titles.push_back(e.title);
  return titles;
}

TEST(FeedFidelity, RssTitleKeepsBracketsAroundWordsHtmlDoesNotKnow) {
  ParsedFeed feed = ParseFixture("vigil/rss_title_brackets.xml");
  EXPECT_EQ(Titles(feed), (std::vector<std::string>{
                              "History of the <blink> tag",     // escaped
                              "History of the <blink> tag",     // CDATA
                              "<blink>Blinking</blink> text",   // an element HTML does not know
                              "History of the bold tag",        // real markup is stripped
                              "History of the <blink> tag",     // escaped inside escaped HTML
                              "1 < 2 && 3 > 2",                 // comparisons are text
                          }));
}

TEST(FeedFidelity, AtomTitleStripsTagsOnlyWhereItsTypeIsMarkup) {
  ParsedFeed feed = ParseFixture("vigil/atom_title_types.xml");
  EXPECT_EQ(Titles(feed), (std::vector<std::string>{
                              "History of the <blink> tag",        // html: &amp;lt; is text
                              "History of the bold tag",           // html: &lt;b&gt; is a tag
                              "History of the <blink> tag",        // text: nothing stripped
                              "History of the &lt;blink&gt; tag",  // text: nothing decoded twice
                              "History of the <blink> tag",        // xhtml: element text
                              "History of the &lt;blink&gt; tag",  // xhtml: decoded once
                          }));
  EXPECT_EQ(ParseFixture("feedparser/wellformed/atom/entry_title_inline_markup_2.xml").items.at(0).title,
            "History of the <blink> tag");
  EXPECT_EQ(ParseFixture("feedparser/wellformed/atom/entry_title_text_plain_brackets.xml").items.at(0).title,
            "History of the <blink> tag");
}

TEST(FeedFidelity, GuessesHtmlByFeedparsersRule) {
  EXPECT_TRUE(LooksLikeHtml("<b>x</b>"));
  EXPECT_TRUE(LooksLikeHtml("AT&amp;T"));
  EXPECT_TRUE(LooksLikeHtml("&#38; more"));
  EXPECT_FALSE(LooksLikeHtml("<b>no close tag"));     // no evidence: neither </x> nor &x;
  EXPECT_FALSE(LooksLikeHtml("<blink>x</blink>"));     // not an element HTML accepts
  EXPECT_FALSE(LooksLikeHtml("<b>x</b> &bogus;"));     // not an HTML 4 entity
  EXPECT_FALSE(LooksLikeHtml("it&apos;s"));            // &apos; is not HTML 4's either
  EXPECT_FALSE(LooksLikeHtml("1 < 2 && 3 > 2"));
}

TEST(FeedFidelity, AtomIdThatIsAUrlIsTheLinkWhenNoHtmlAlternateIs) {
  ParsedFeed feed = ParseFixture("vigil/atom_id_as_link.xml");
  ASSERT_EQ(feed.items.size(), 5u);
  EXPECT_EQ(feed.items[0].source_url, "http://vigil.test/posts/only-id");
  EXPECT_EQ(feed.items[1].source_url, "https://vigil.test/posts/with-enclosure");
  EXPECT_EQ(feed.items[2].source_url, "http://vigil.test/posts/page");
  EXPECT_EQ(feed.items[3].source_url, "http://vigil.test/posts/id-over-pdf");
  EXPECT_EQ(feed.items[4].source_url, "");  // a tag: id names the entry, it is no page
  EXPECT_EQ(feed.items[2].source_id, "http://vigil.test/posts/id");
  EXPECT_EQ(ParseFixture("feedparser/wellformed/atom/entry_id.xml").items.at(0).source_url, "http://example.com/");
  EXPECT_EQ(ParseFixture("feedparser/wellformed/atom10/entry_id_no_normalization_4.xml").items.at(0).source_url,
            "HTTP://www.example.org/thing");
}

TEST(FeedFidelity, AlternateWrittenAsTextWinsOverAnEnclosureInEitherOrder) {
  for (const char* file : {"feedparser/wellformed/atom/entry_link_no_href_link_priority.xml",
                           "feedparser/wellformed/atom/entry_link_rel_enclosure_no_href.xml",
                           "feedparser/wellformed/atom10/entry_link_no_href_link_priority.xml"}) {
    ParsedFeed feed = ParseFixture(file);
    ASSERT_EQ(feed.items.size(), 2u) << file;
    for (const Event& e : feed.items) {
      EXPECT_EQ(e.source_url, "http://www.example.com/alternate") << file;
      EXPECT_EQ(e.source_metadata["enclosures"].at(0)["url"], "http://www.example.com/enclosure") << file;
    }
  }
}

TEST(FeedFidelity, KeepsEntriesHoldingOnlyAContributorEachWithItsOwnId) {
  ParsedFeed feed = ParseFixture("vigil/atom_contributor_only_entries.xml");
  ASSERT_EQ(feed.items.size(), 3u);  // the third is an <item>, an entry to feedparser too
  std::set<std::string> ids;
  for (const Event& e : feed.items) {
    EXPECT_TRUE(e.source_id.starts_with("sha256:")) << e.source_id;
    ids.insert(e.source_id);
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(ParseFixture("vigil/atom_contributor_only_entries.xml").items[0].source_id, feed.items[0].source_id);
  EXPECT_EQ(ParseFixture("feedparser/wellformed/base/http_entry_contributor_url_base_docuri.xml").items.size(), 1u);
  EXPECT_EQ(ParseFixture("feedparser/wellformed/namespace/unknown-namespace.xml").items.size(), 1u);
}

}  // namespace
}  // namespace vigil
