// YamlTree against YAML::Load: for the same text, the same nodes (kind, tag, mark, text, a map's
// pairs in order, aliases resolved to their anchor's node), so the config walk reads a document
// as it read it through yaml-cpp's nodes.
#include "config/yaml_tree.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "tests/support/paths.h"

namespace vigil {
namespace {

void ExpectSame(const YAML::Node& want, const YamlTree::Node& got, const std::string& at) {
  ASSERT_EQ(want.IsNull(), got.IsNull()) << at;
  ASSERT_EQ(want.IsScalar(), got.IsScalar()) << at;
  ASSERT_EQ(want.IsSequence(), got.IsSequence()) << at;
  ASSERT_EQ(want.IsMap(), got.IsMap()) << at;
  EXPECT_EQ(want.Tag(), got.Tag()) << at;
  EXPECT_EQ(want.Mark().line, got.Mark().line) << at;
  EXPECT_EQ(want.Mark().column, got.Mark().column) << at;
  if (want.IsScalar()) EXPECT_EQ(want.Scalar(), got.Scalar()) << at;
  ASSERT_EQ(want.size(), got.size()) << at;
  if (want.IsSequence()) {
    for (size_t i = 0; i < want.size(); ++i) ExpectSame(want[i], got[i], at + "[" + std::to_string(i) + "]");
  }
  if (want.IsMap()) {
    size_t i = 0;
    for (auto it = want.begin(); it != want.end(); ++it, ++i) {
      ExpectSame(it->first, got.key(i), at + " key " + std::to_string(i));
      ExpectSame(it->second, got.value(i), at + "." + it->first.as<std::string>("?"));
    }
  }
}

void ExpectSameAsYamlCpp(const std::string& text) {
  YamlTree tree = YamlTree::Parse(text);
  ExpectSame(YAML::Load(text), tree.root(), "root");
}

TEST(YamlTree, ReadsTheExampleConfigAsYamlCppDoes) {
  std::ifstream in(testing::SourceDir() + "/config/examples/vigil.yaml");
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_GT(text.str().size(), 100u);
  ExpectSameAsYamlCpp(text.str());
}

TEST(YamlTree, ScalarsNullsTagsAndStylesAreYamlCpps) {
  ExpectSameAsYamlCpp(R"(plain: text
quoted: "50"
single: 'x'
tagged: !!str 12
custom: !thing value
nulls: [~, null, ]
empty:
block: |
  two
  lines
folded: >
  one
  line
flow: {a: 1, b: [2, 3]}
list:
  - a
  - {b: c}
  - - nested
)");
}

TEST(YamlTree, AliasesAreTheirAnchorsNodeAndDuplicateKeysAreKept) {
  ExpectSameAsYamlCpp(R"(base: &b {every: 1h, jitter: 10m}
one: *b
two: [*b, *b]
name: first
name: second
)");
  YamlTree tree = YamlTree::Parse("a: &x [1, 2]\nb: *x\nk: 1\nk: 2\n");
  EXPECT_EQ(tree.root()["b"].size(), 2u);
  EXPECT_EQ(tree.root()["b"][1].Scalar(), "2");
  EXPECT_EQ(tree.root()["k"].Scalar(), "1");  // the first pair, as yaml-cpp's lookup
  EXPECT_EQ(tree.root().size(), 4u);
}

TEST(YamlTree, OnlyTheFirstDocumentAndAnEmptyTextHasNoRoot) {
  ExpectSameAsYamlCpp("a: 1\n---\nb: 2\n");
  EXPECT_FALSE(YamlTree::Parse("").root().IsDefined());
  EXPECT_FALSE(YamlTree::Parse("# only a comment\n").root().IsDefined());
}

TEST(YamlTree, MissingLookupsAreUndefinedNotErrors) {
  YamlTree tree = YamlTree::Parse("w: {name: x}\ns: [1]\n");
  YamlTree::Node w = tree.root()["w"];
  EXPECT_TRUE(w.IsMap());
  EXPECT_FALSE(w["type"].IsDefined());
  EXPECT_FALSE(w["type"].IsScalar());
  EXPECT_EQ(w["type"].Scalar(), "");
  EXPECT_FALSE(tree.root()["s"][5].IsDefined());
  EXPECT_FALSE(tree.root()["s"]["k"].IsDefined());
  EXPECT_FALSE(w.key(3).IsDefined());
  EXPECT_EQ(w["type"].Mark().line, -1);
}

TEST(YamlTree, InvalidYamlThrowsAsYamlLoadDoes) {
  EXPECT_THROW(YamlTree::Parse("a: [1, 2\nb: 3\n"), YAML::Exception);
  EXPECT_THROW(YamlTree::Parse("a: *nowhere\n"), YAML::Exception);
  // An alias inside the node it names: yaml-cpp would share the node into a cycle.
  EXPECT_THROW(YamlTree::Parse("a: &x [1, *x]\n"), YAML::Exception);
}

TEST(YamlTree, ANodeBuiltFromPartsHasNoMark) {
  YamlTree tree;
  uint32_t map = tree.Add(YamlTree::Kind::kMap);
  tree.Append(map, tree.Add(YamlTree::Kind::kScalar, "k"));
  tree.Append(map, tree.Add(YamlTree::Kind::kScalar, "v", "!"));
  YamlTree::Node root = tree.at(map);
  EXPECT_EQ(root["k"].Scalar(), "v");
  EXPECT_EQ(root["k"].Tag(), "!");
  EXPECT_EQ(root.Tag(), "");
  EXPECT_EQ(root.Mark().line, -1);
}

}  // namespace
}  // namespace vigil
