// Cutting records and unread parts out of XML text before parsing (xml_cut.h).
#include "sources/literature/xml_cut.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil {
namespace {

struct Split {
  bool ok = false;
  std::string skeleton;
  std::vector<std::string> records;
};

Split SplitOf(std::string_view xml) {
  Split split;
  split.ok = xml_cut::SplitRecords(xml, {"Rec", "Book"}, {"Refs"}, split.skeleton,
                                   [&](std::string& record) {
                                     split.records.push_back(record);
                                     return true;
                                   });
  return split;
}

TEST(XmlCutSplitRecords, HandsOverEachRecordWithoutItsSkippedParts) {
  Split split = SplitOf("<?xml version=\"1.0\"?>\n<Set>\n<Rec a=\"1\">x<Refs>r<Refs>n</Refs></Refs>y"
                        "</Rec>\n<Other>o</Other><Book>b</Book><Rec/></Set>\n");
  ASSERT_TRUE(split.ok);
  EXPECT_EQ(split.records, (std::vector<std::string>{"<Rec a=\"1\">xy</Rec>", "<Book>b</Book>", "<Rec/>"}));
  EXPECT_EQ(split.skeleton,
            "<?xml version=\"1.0\"?>\n<Set>\n<Rec/>\n<Other>o</Other><Book/><Rec/></Set>\n");
}

TEST(XmlCutSplitRecords, SkippedPartsOutsideRecordsStay) {
  Split split = SplitOf("<Set><Refs>kept</Refs><Rec>r</Rec></Set>");
  ASSERT_TRUE(split.ok);
  EXPECT_EQ(split.skeleton, "<Set><Refs>kept</Refs><Rec/></Set>");
}

TEST(XmlCutSplitRecords, NamesThatOnlyStartLikeARecordAreNotRecords) {
  Split split = SplitOf("<Set><Records>a</Records><Rec>b</Rec><RecX/></Set>");
  ASSERT_TRUE(split.ok);
  EXPECT_EQ(split.records, (std::vector<std::string>{"<Rec>b</Rec>"}));
}

TEST(XmlCutSplitRecords, RefusesCommentsAndCdata) {
  EXPECT_FALSE(SplitOf("<Set><!-- <Rec> --><Rec>a</Rec></Set>").ok);
  EXPECT_FALSE(SplitOf("<Set><Rec><![CDATA[</Rec>]]></Rec></Set>").ok);
  EXPECT_FALSE(SplitOf("<Set><Rec><Refs><!-- </Refs> --></Refs></Rec></Set>").ok);
}

TEST(XmlCutSplitRecords, RefusesARecordInsideARecordAndUnclosedOnes) {
  EXPECT_FALSE(SplitOf("<Set><Rec><Book>a</Book></Rec></Set>").ok);
  EXPECT_FALSE(SplitOf("<Set><Rec>a</Set>").ok);
  EXPECT_FALSE(SplitOf("<Set><Rec><Refs>a</Rec></Set>").ok);
}

TEST(XmlCutSplitRecords, StopsWhenTheCallbackDoes) {
  int calls = 0;
  std::string skeleton;
  bool ok = xml_cut::SplitRecords("<Set><Rec/><Rec/></Set>", {"Rec"}, {}, skeleton,
                                  [&](std::string&) { return ++calls < 1; });
  EXPECT_FALSE(ok);
  EXPECT_EQ(calls, 1);
}

TEST(XmlCutCopyWithout, CutsNestedElementsOfTheSameNameWhole) {
  std::string out;
  ASSERT_TRUE(xml_cut::CopyWithout("<r>a<Refs>1<Refs>2</Refs>3</Refs>b<Refs >4</Refs >c</r>",
                                   {"Refs"}, out));
  EXPECT_EQ(out, "<r>abc</r>");
}

TEST(XmlCutCopyWithout, KeepsAnUnclosedElement) {
  std::string out;
  ASSERT_TRUE(xml_cut::CopyWithout("<r><Refs>a</r>", {"Refs"}, out));
  EXPECT_EQ(out, "<r><Refs>a</r>");
}

}  // namespace
}  // namespace vigil
