// The strict record reader (record_tree.h): what it reads it reads as pugixml does, and it
// refuses everything else, so the PubMed parser's fallback to pugixml decides those records.
#include "sources/literature/record_tree.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "sources/literature/pubmed_record.h"
#include "sources/literature/xml_cut.h"
#include "sources/literature/xml_text.h"
#include "tests/unit/pubmed_fixture.h"

namespace vigil {
namespace {

using record_tree::NodeRef;
using record_tree::Tree;

// Every element of both trees, in document order, as "name[attributes]=plain text".
template <class Node>
void Describe(Node node, std::vector<std::string>& out) {
  for (Node child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    std::string line(std::string_view(child.name()));
    line += "[" + std::string(std::string_view(child.attribute("a").value())) + "|" +
            std::string(std::string_view(child.attribute("b").as_string("none"))) + "]=";
    line += xml_text::PlainText(child);
    out.push_back(line);
    Describe(child, out);
  }
}

std::vector<std::string> ByPugixml(const std::string& xml) {
  pugi::xml_document doc;
  EXPECT_TRUE(xml_text::LoadDocument(xml, doc).ok()) << xml;
  std::vector<std::string> out;
  Describe(pugi::xml_node(doc), out);
  return out;
}

std::vector<std::string> ByTree(const std::string& xml) {
  Tree tree;
  EXPECT_TRUE(tree.Read(xml)) << xml;
  std::vector<std::string> out{std::string(tree.root().name()) + "[" +
                               std::string(tree.root().attribute("a").value()) + "|" +
                               std::string(tree.root().attribute("b").as_string("none")) +
                               "]=" + xml_text::PlainText(tree.root())};
  Describe(tree.root(), out);
  return out;
}

TEST(RecordTree, ReadsElementsAttributesAndTextAsPugixmlDoes) {
  for (const std::string& xml : std::vector<std::string>{
           "<r a=\"1\" b='2'><x>one <i>two</i>\n <b>three</b></x><y a=\"\"/><y b=\"q\" /></r>",
           "<r>\n  <x>  spaced   out  </x>\n  <z><w>deep</w> tail</z>\n</r>\n",
           "<r><x a=\"&lt;&amp;&gt;\">&quot;q&quot; &apos;a&apos; &#233; &#xE9; &#x1F600;</x></r>",
           "<r><x>a &gt; b ]]> c\r\nd</x><empty></empty></r>",
       }) {
    EXPECT_EQ(ByTree(xml), ByPugixml(xml)) << xml;
  }
}

TEST(RecordTree, RefusesWhatItDoesNotReadLikePugixml) {
  for (const std::string& xml : std::vector<std::string>{
           "<r><!-- c --></r>",                 // comment
           "<r><![CDATA[x]]></r>",              // CDATA
           "<r><?pi x?></r>",                   // processing instruction
           "<!DOCTYPE r><r/>",                  // DOCTYPE
           "<r>&nbsp;</r>",                     // an entity XML does not define
           "<r>&#X41;</r>",                     // pugixml reads only &#x as hexadecimal
           "<r>&#0;</r>", "<r>&#xD800;</r>",    // characters XML does not allow
           "<r>a & b</r>", "<r>&lt</r>",        // a bare '&', a reference without ';'
           std::string("<r>a\0b</r>", 10),      // NUL
           "<r><x></y></r>",                    // mismatched end tag
           "<r><x></x>",                        // unclosed
           "<r/>tail", "<r/><r/>",              // something after the root element
           "<r a=1/>", "<r a = \"1\"/>",        // attributes written another way
           "<r a=\"1\"b=\"2\"/>", "<r a=\"<\"/>",
           "<r\xC3\xA9/>",                      // a non-ASCII name
           "",
       }) {
    Tree tree;
    EXPECT_FALSE(tree.Read(xml)) << xml;
  }
}

TEST(RecordTree, EveryRealRecordGivesTheEventPugixmlGives) {
  using namespace std::string_view_literals;
  int records = 0;
  for (const char* name : {"pubmed1.xml", "pubmed2.xml", "pubmed4.xml", "pubmed5.xml"}) {
    std::string xml = testing::Pubmed(name), skeleton;
    bool split = xml_cut::SplitRecords(
        xml, {"PubmedArticle"sv, "PubmedBookArticle"sv}, {}, skeleton, [&](std::string& record) {
          ++records;
          Tree tree;
          EXPECT_TRUE(tree.Read(record)) << name;
          pugi::xml_document doc;
          EXPECT_TRUE(xml_text::LoadDocument(record, doc).ok()) << name;
          std::optional<Event> by_tree = pubmed_record::ArticleToEvent(tree.root());
          std::optional<Event> by_pugixml = pubmed_record::ArticleToEvent(doc.document_element());
          EXPECT_TRUE(by_tree && by_pugixml) << name;
          if (!by_tree || !by_pugixml) return true;
          EXPECT_EQ(by_tree->title, by_pugixml->title) << name;
          EXPECT_EQ(by_tree->summary, by_pugixml->summary) << name;
          EXPECT_EQ(by_tree->source_id, by_pugixml->source_id) << name;
          EXPECT_EQ(by_tree->source_metadata, by_pugixml->source_metadata) << name;
          return true;
        });
    EXPECT_TRUE(split) << name;
  }
  EXPECT_EQ(records, 6);  // two each in pubmed1.xml and pubmed2.xml
}

}  // namespace
}  // namespace vigil
