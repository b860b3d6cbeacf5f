// The expansion budget a config file is read with (config/yaml_budget.h): an alias bomb, a
// cycle or a tower of nesting is refused with its position before any tree is built, and a file
// that merely shares blocks through anchors still loads.
#include "config/yaml_budget.h"

#include <gtest/gtest.h>

#include <chrono>

#include "config/config.h"
#include "tests/unit/config_bomb.h"

namespace vigil {
namespace {

std::string ErrorOf(const std::string& yaml) {
  auto c = Config::Parse(yaml, "/etc/vigil/vigil.yaml");
  return c.ok() ? "" : c.error();
}

TEST(ConfigYamlBudget, AliasBombIsRefusedQuicklyWithItsPosition) {
  std::string bomb = testing::AliasBombConfig();
  auto start = std::chrono::steady_clock::now();
  std::string error = ErrorOf(bomb);
  auto took = std::chrono::steady_clock::now() - start;
  // Level f (111,111 nodes an alias) is the first to reach 1,000,000 nodes in all.
  std::string at = "vigil.yaml:" + std::to_string(testing::LineStarting(bomb, "f: &f")) + ":";
  EXPECT_EQ(error.substr(0, at.size()), at) << error;
  EXPECT_NE(error.find(": the document expands (aliases included) past 1000000 nodes"), std::string::npos) << error;
  EXPECT_LT(took, std::chrono::seconds(1));
}

TEST(ConfigYamlBudget, RepeatedLongTextIsRefusedPastItsByteLimit) {
  std::string yaml = "a: &a \"" + std::string(1 << 20, 'x') + "\"\nb: [";
  for (int i = 0; i < 17; ++i) yaml += "*a, ";
  yaml += "]\n";
  auto refused = CheckYamlBudget(yaml);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->mark.line, 1);
  EXPECT_EQ(refused->message, "the document expands (aliases included) past 16777216 bytes of text");
}

TEST(ConfigYamlBudget, NodeLimitIsInclusive) {
  // A map, three keys and three values: seven nodes.
  EXPECT_FALSE(CheckYamlBudget("a: 1\nb: 2\nc: 3\n", {.max_nodes = 7}));
  EXPECT_TRUE(CheckYamlBudget("a: 1\nb: 2\nc: 3\n", {.max_nodes = 6}));
}

TEST(ConfigYamlBudget, AliasesCountTheNodesTheyStandFor) {
  // The anchored list is 4 nodes and each alias adds 4 more: 21 with the map, its keys and b's list.
  std::string yaml = "a: &a [1, 2, 3]\nb: [*a, *a]\nc: *a\n";
  EXPECT_FALSE(CheckYamlBudget(yaml, {.max_nodes = 21}));
  auto refused = CheckYamlBudget(yaml, {.max_nodes = 20});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->mark.line, 2);  // "c: *a" (marks count from 0)
  EXPECT_EQ(refused->mark.column, 3);
}

TEST(ConfigYamlBudget, DeepNestingIsRefusedWithTheLevelThatCrossedIt) {
  std::string deep = "x: " + std::string(64, '[') + std::string(64, ']') + "\n";  // 65 levels with the map
  auto refused = CheckYamlBudget(deep);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->mark.column, 3 + 63);
  EXPECT_EQ(refused->message, "maps and lists nest (aliases included) deeper than 64 levels");
  EXPECT_FALSE(CheckYamlBudget("x: " + std::string(63, '[') + std::string(63, ']') + "\n"));
}

TEST(ConfigYamlBudget, NestingThroughAliasesCounts) {
  std::string yaml = "a: &a " + std::string(40, '[') + std::string(40, ']') + "\nb: [[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]\n";
  auto refused = CheckYamlBudget(yaml);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->mark.line, 1);
}

TEST(ConfigYamlBudget, AliasInsideItsOwnAnchorIsACycle) {
  EXPECT_EQ(ErrorOf("watchers:\n  - name: a\n    type: webhook\n    verify: {scheme: none}\n    config: &c {self: *c}\n"),
            "vigil.yaml:5:23: an alias to the node that contains it (a cycle) cannot be expanded");
}

TEST(ConfigYamlBudget, SharedBlocksThroughAnchorsStillLoad) {
  auto c = Config::Parse(
      "watchers:\n"
      "  - name: a\n    type: webhook\n    verify: &v {scheme: github, secret: s3cret}\n"
      "  - name: b\n    type: webhook\n    verify: *v\n",
      "/etc/vigil/vigil.yaml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ((*c)->tree()["watchers"][1]["verify"]["secret"], "s3cret");
}

}  // namespace
}  // namespace vigil
