#include "sources/literature/html_text.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(HtmlText, DecodesNamedNumericAndHexReferences) {
  EXPECT_EQ(DecodeHtmlEntities("caf&eacute; &#233; &#xE9; &#XE9; &amp; &lt;&gt;&quot;&apos;"), "caf\u00E9 \u00E9 \u00E9 \u00E9 & <>\"'");
  EXPECT_EQ(DecodeHtmlEntities("&alpha;&Omega;&hellip;&euro;&trade;&nbsp;"), "\u03B1\u03A9\u2026\u20AC\u2122\u00A0");
}

TEST(HtmlText, LeavesUnknownOrUnterminatedReferencesAlone) {
  EXPECT_EQ(DecodeHtmlEntities("AT&T &bogus; &amp &#; &#xZZ;"), "AT&T &bogus; &amp &#; &#xZZ;");
}

TEST(HtmlText, ReadsC1NumericReferencesAsWindows1252AndRejectsInvalidOnes) {
  EXPECT_EQ(DecodeHtmlEntities("&#147;q&#148; &#150;"), "\u201Cq\u201D \u2013");
  EXPECT_EQ(DecodeHtmlEntities("&#0;&#xD800;&#x110000;"), "\uFFFD\uFFFD\uFFFD");
}

TEST(HtmlText, StripsTagsAndCollapsesWhitespace) {
  EXPECT_EQ(HtmlToText("  <b>Bold</b>\n\t and   <a href=\"x>y\">link</a>  "), "Bold and link");
}

TEST(HtmlText, TurnsBreaksAndParagraphsIntoNewlines) {
  EXPECT_EQ(HtmlToText("<p>One</p><p>Two<br>Three<br/>Four</p><ul><li>a</li><li>b</li></ul>"),
            "One\n\nTwo\nThree\nFour\n\na\nb");
}

TEST(HtmlText, DropsScriptStyleAndComments) {
  EXPECT_EQ(HtmlToText("a<script type=\"x\">if (a < b) alert(1)</script>b<style>p{}</style>c<!-- hidden -->d"), "abcd");
  EXPECT_EQ(HtmlToText("x<SCRIPT>bad()</SCRIPT>y"), "xy");
}

TEST(HtmlText, KeepsStrayAngleBracketsAsText) {
  EXPECT_EQ(HtmlToText("1 < 2 and 3<4 &lt;b&gt;"), "1 < 2 and 3<4 <b>");
}

TEST(HtmlText, DecodedTextIsNotParsedAgainAsMarkup) {
  EXPECT_EQ(HtmlToText("&lt;script&gt;x&lt;/script&gt;"), "<script>x</script>");
}

TEST(HtmlText, CutsOnUtf8Boundaries) {
  std::string text = HtmlToText("\u00E9\u00E9\u00E9", 5);
  EXPECT_EQ(text, "\u00E9\u00E9");
}

TEST(HtmlText, SurvivesUnterminatedMarkup) {
  EXPECT_EQ(HtmlToText("a <b unclosed"), "a <b unclosed");
  EXPECT_EQ(HtmlToText("a<!-- never closed"), "a");
  // An unbalanced quote does not swallow the rest: the tag ends at the first '>'.
  EXPECT_EQ(HtmlToText("<a href=\"x>text"), "text");
}

TEST(HtmlText, DetectsMarkup) {
  EXPECT_TRUE(LooksLikeHtml("<b>x</b>"));
  EXPECT_TRUE(LooksLikeHtml("a &amp; b"));
  EXPECT_FALSE(LooksLikeHtml("a < b & c"));
  EXPECT_FALSE(LooksLikeHtml("plain"));
}

TEST(HtmlText, CollapsesWhitespaceAndDecodesReferencesInLongText) {
  // Long enough for the eight-bytes-at-a-time scan, with each kind of break at every offset.
  for (size_t shift = 0; shift < 9; ++shift) {
    std::string lead(shift, 'w');
    std::string html = lead + " one two  three\tfour\f five\n\nsix &amp; seven&nbsp;eight <b>nine</b>";
    std::string expected = (shift == 0 ? "" : lead + " ") +
                           "one two three four five six & seven\u00A0eight nine";
    EXPECT_EQ(HtmlToText(html), expected) << shift;
  }
}

}  // namespace
}  // namespace vigil
