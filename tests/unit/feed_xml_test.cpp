// What the feed parser does to XML text before pugixml sees it (feed_xml.h).
#include "sources/literature/feed_xml.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(RewriteHtmlEntities, TurnsHtmlNamedEntitiesIntoNumericReferences) {
  EXPECT_EQ(RewriteHtmlEntities("<t>A&nbsp;B&eacute;&hellip;</t>"), "<t>A&#160;B&#233;&#8230;</t>");
}

TEST(RewriteHtmlEntities, LeavesXmlAndNumericReferencesAndUnknownNamesAsWritten) {
  std::string xml = "<t a=\"&quot;\">&lt;p&gt; &amp;amp; &apos; &#233; &#xE9; &nosuch; & x</t>";
  EXPECT_EQ(RewriteHtmlEntities(xml), xml);
}

TEST(RewriteHtmlEntities, LeavesCdataAndCommentsUntouched) {
  EXPECT_EQ(RewriteHtmlEntities("<t><![CDATA[&nbsp;]]>&nbsp;<!-- &nbsp; -->&copy;</t>"),
            "<t><![CDATA[&nbsp;]]>&#160;<!-- &nbsp; -->&#169;</t>");
  // An exclamation mark in text is not the start of either.
  EXPECT_EQ(RewriteHtmlEntities("<t>Wow! &nbsp;<!x</t>"), "<t>Wow! &#160;<!x</t>");
}

TEST(RewriteHtmlEntities, UsesEntitiesTheDoctypeDeclares) {
  std::string xml = "<!DOCTYPE rss [<!ENTITY me \"Mister E\">]><t>&me; &nbsp;</t>";
  DeclaredEntities declared = ReadDoctypeEntities(xml);
  EXPECT_EQ(RewriteHtmlEntities("<t>&me; &nbsp;</t>", declared), "<t>Mister E &#160;</t>");
}

TEST(RewriteHtmlEntities, UnterminatedSectionRunsToTheEnd) {
  EXPECT_EQ(RewriteHtmlEntities("<t><![CDATA[&nbsp;"), "<t><![CDATA[&nbsp;");
}

}  // namespace
}  // namespace vigil
