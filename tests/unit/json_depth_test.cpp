// The one JSON nesting limit (common/json_depth.h): how depth is counted, where the limit falls,
// and that the bounded parsers refuse what is deeper without ever building it.
#include "common/json_depth.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil {
namespace {

std::string Nested(size_t levels, const std::string& inside = "1") {
  return std::string(levels, '[') + inside + std::string(levels, ']');
}

TEST(JsonDepth, CountsOpenArraysAndObjects) {
  EXPECT_EQ(JsonNestingDepth("1"), 0u);
  EXPECT_EQ(JsonNestingDepth(R"("text")"), 0u);
  EXPECT_EQ(JsonNestingDepth("[1]"), 1u);
  EXPECT_EQ(JsonNestingDepth(R"({"a": [1, {"b": 2}]})"), 3u);
  EXPECT_EQ(JsonNestingDepth(R"([[1], [2], [3]])"), 2u) << "siblings do not add up";
}

TEST(JsonDepth, BracketsInsideStringsDoNotCount) {
  EXPECT_EQ(JsonNestingDepth(R"({"a": "[[[{{{"})"), 1u);
  EXPECT_EQ(JsonNestingDepth(R"(["a \" [[[ \\", [1]])"), 2u) << "an escaped quote does not end the string";
}

TEST(JsonDepth, StopsCountingOnePastTheLimit) {
  EXPECT_EQ(JsonNestingDepth(Nested(100000)), kMaxJsonDepth + 1);
  EXPECT_TRUE(JsonDepthAllowed(Nested(kMaxJsonDepth)));
  EXPECT_FALSE(JsonDepthAllowed(Nested(kMaxJsonDepth + 1)));
}

TEST(JsonDepth, BoundedParseAcceptsTheLimitAndRefusesOneLevelMore) {
  auto at_limit = ParseJsonBounded(R"({"title": )" + Nested(kMaxJsonDepth - 1) + "}");
  ASSERT_TRUE(at_limit.ok()) << at_limit.error();
  auto past = ParseJsonBounded(R"({"title": )" + Nested(kMaxJsonDepth) + "}");
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error(), "JSON nests deeper than 512 levels (the limit)");
}

TEST(JsonDepth, BoundedParseSaysWhyInvalidJsonIsRefused) {
  auto r = ParseJsonBounded(R"({"a": 1,})");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().starts_with("not valid JSON: ")) << r.error();
}

TEST(JsonDepth, OrDiscardedRefusesTheDeepAndTheInvalidAlike) {
  EXPECT_TRUE(ParseJsonOrDiscarded(R"({"title": )" + Nested(100000) + "}").is_discarded());
  EXPECT_TRUE(ParseJsonOrDiscarded("{").is_discarded());
  EXPECT_EQ(ParseJsonOrDiscarded(R"({"a": [1]})"), nlohmann::json({{"a", {1}}}));
}

TEST(JsonDepth, ANulByteIsNotTheEndOfTheDocument) {
  // nlohmann alone reads "16\0..." as 16 (found by webhook_decide_fuzz: the fast path refused it).
  std::string text("{\"a\": 1}\0{\"b\": 2}", 18);
  EXPECT_TRUE(ParseJsonOrDiscarded(text).is_discarded());
  EXPECT_TRUE(ParseJsonOrDiscarded(std::string("16\0\0", 4)).is_discarded());
  auto r = ParseJsonBounded(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "not valid JSON: a NUL byte at offset 8");
}

}  // namespace
}  // namespace vigil
