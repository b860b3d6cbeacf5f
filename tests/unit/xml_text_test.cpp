// Plain-text flattening and document loading shared by the literature parsers.
#include "sources/literature/xml_text.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

std::string FlattenRoot(const std::string& xml) {
  pugi::xml_document doc;
  Status loaded = xml_text::LoadDocument(xml, doc);
  EXPECT_TRUE(loaded.ok()) << loaded.message();
  return xml_text::PlainText(doc.document_element());
}

TEST(XmlText, InlineMarkupKeepsItsTextInPlace) {
  EXPECT_EQ(FlattenRoot("<t>Risk of <i>TERT</i> r<sup>2</sup>&lt;0.25 p<sub>trend</sub> "
                        "<b>bold</b> <u>&lt;</u>4.5</t>"),
            "Risk of TERT r2<0.25 ptrend bold <4.5");
}

TEST(XmlText, SpaceBetweenTwoInlineElementsSurvives) {
  EXPECT_EQ(FlattenRoot("<t><i>Escherichia</i> <i>coli</i></t>"), "Escherichia coli");
}

TEST(XmlText, WhitespaceIsCollapsedAndTrimmed) {
  EXPECT_EQ(FlattenRoot("<t>\n   Testing  deep\n\tlearning <i> models </i> .\n</t>"),
            "Testing deep learning models .");
}

TEST(XmlText, MathMlIsFlattenedToItsText) {
  EXPECT_EQ(FlattenRoot("<t xmlns:mml=\"http://www.w3.org/1998/Math/MathML\">Let "
                        "<mml:math><mml:msup><mml:mi>x</mml:mi><mml:mn>2</mml:mn></mml:msup>"
                        "</mml:math> grow</t>"),
            "Let x2 grow");
}

TEST(XmlText, CdataIsText) {
  EXPECT_EQ(FlattenRoot("<t>a <![CDATA[<b>]]> c</t>"), "a <b> c");
}

TEST(XmlText, EmptyOrMissingNodeIsEmptyText) {
  EXPECT_EQ(FlattenRoot("<t/>"), "");
  EXPECT_EQ(xml_text::PlainText(pugi::xml_node()), "");
}

TEST(XmlText, CollapseWhitespaceTrimsBothEnds) {
  EXPECT_EQ(xml_text::CollapseWhitespace("  a \n\n b\t"), "a b");
  EXPECT_EQ(xml_text::CollapseWhitespace(" \n "), "");
}

TEST(XmlText, LocalNameDropsThePrefix) {
  EXPECT_EQ(xml_text::LocalName("arxiv:doi"), "doi");
  EXPECT_EQ(xml_text::LocalName("title"), "title");
}

TEST(XmlText, LoadErrorNamesLineColumnAndOffset) {
  pugi::xml_document doc;
  Status loaded = xml_text::LoadDocument("<a>\n<b>x</c>\n</a>", doc);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.message().find("line 2, column "), std::string::npos) << loaded.message();
  EXPECT_NE(loaded.message().find("offset "), std::string::npos) << loaded.message();
}

TEST(XmlText, EmptyInputIsAnError) {
  pugi::xml_document doc;
  EXPECT_FALSE(xml_text::LoadDocument("", doc).ok());
}

TEST(XmlText, IntegerTextRejectsNonNumbers) {
  pugi::xml_document doc;
  ASSERT_TRUE(xml_text::LoadDocument("<r><a> 42 </a><b>4x</b><c/></r>", doc).ok());
  pugi::xml_node root = doc.document_element();
  EXPECT_EQ(xml_text::IntegerText(root.child("a")), 42);
  EXPECT_EQ(xml_text::IntegerText(root.child("b")), std::nullopt);
  EXPECT_EQ(xml_text::IntegerText(root.child("c")), std::nullopt);
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

std::string LoadWithoutAndFlatten(const std::string& xml) {
  pugi::xml_document doc;
  std::string buffer;
  Status loaded = xml_text::LoadDocumentWithout(xml, {"Refs", "Skip"}, doc, buffer);
  EXPECT_TRUE(loaded.ok()) << loaded.message();
  return xml_text::PlainText(doc.document_element());
}

TEST(XmlTextLoadWithout, CutsNamedElementsIncludingNestedAndEmptyOnes) {
  EXPECT_EQ(LoadWithoutAndFlatten("<r>a <Refs x=\"1\">b<Refs>c</Refs>d</Refs> e <Skip/> f "
                                  "<Skipped>g</Skipped> <RefsX>h</RefsX></r>"),
            "a e f g h");
}

TEST(XmlTextLoadWithout, LeavesDocumentsWithCommentsUncut) {
  // Text-level cutting could be fooled by tags inside comments or CDATA, so nothing is cut:
  // the skipped element's text is still there.
  EXPECT_EQ(LoadWithoutAndFlatten("<r>a<!-- </Refs> --><Refs>x</Refs> b</r>"), "ax b");
  EXPECT_EQ(LoadWithoutAndFlatten("<r><![CDATA[<Refs>]]> b</r>"), "<Refs> b");
  EXPECT_EQ(LoadWithoutAndFlatten("<r>a<Refs>x<!-- </Refs> -->y</Refs> b</r>"), "axy b");
}

TEST(XmlTextLoadWithout, ErrorNamesThePositionInTheOriginalInput) {
  pugi::xml_document doc;
  std::string buffer;
  Status loaded =
      xml_text::LoadDocumentWithout("<r>\n<Refs>\n\n\n</Refs>\n<b></c>\n</r>", {"Refs"}, doc, buffer);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.message().find("line 6, column "), std::string::npos) << loaded.message();
}

TEST(XmlTextLoadWithout, UnclosedSkippedElementIsAnError) {
  pugi::xml_document doc;
  std::string buffer;
  EXPECT_FALSE(xml_text::LoadDocumentWithout("<r><Refs>a</r>", {"Refs"}, doc, buffer).ok());
}

TEST(XmlTextLoadWithout, NameOfACutElementInItsTextIsNotItsEnd) {
  EXPECT_EQ(LoadWithoutAndFlatten("<r>a <Refs>see Refs and Refs/ &lt;/Refs&gt; x</Refs> b</r>"),
            "a b");
}

TEST(XmlText, CollapsesWhitespaceInLongTextAtEveryPosition) {
  // Long enough for the eight-bytes-at-a-time copy, with whitespace runs at every offset.
  for (size_t shift = 0; shift < 9; ++shift) {
    std::string words = std::string(shift, 'w') + " one two  three\tfour\n\nfive   six seven eight";
    std::string expected = (shift == 0 ? "" : std::string(shift, 'w') + " ") +
                           "one two three four five six seven eight";
    EXPECT_EQ(FlattenRoot("<a>  " + words + " </a>"), expected) << shift;
  }
}

}  // namespace
}  // namespace vigil
