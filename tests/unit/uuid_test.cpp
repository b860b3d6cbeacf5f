// UUIDs in the two text forms the store writes: hyphenated and 32 hex digits (SQLAlchemy's form
// on SQLite), new ones, ids given in either form, and ids inside text.
#include "common/uuid.h"

#include <gtest/gtest.h>

#include <set>

namespace vigil {
namespace {

TEST(Uuid, NewIdsInEitherFormAreVersion7AndSortByCreation) {
  std::string hyphenated = NewUuid();
  std::string hex = NewUuid(UuidForm::kHex);
  ASSERT_EQ(hyphenated.size(), 36u);
  ASSERT_EQ(hex.size(), 32u);
  EXPECT_EQ(hyphenated[14], '7');
  EXPECT_EQ(hex[12], '7');
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_LT(*UuidIn(hyphenated, UuidForm::kHex), hex);
  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 5000; ++i) {
    std::string id = NewUuid(UuidForm::kHex);
    EXPECT_GT(id, previous);
    seen.insert(id);
    previous = id;
  }
  EXPECT_EQ(seen.size(), 5000u);
}

TEST(Uuid, ReadsEitherFormInAnyCaseAndWritesTheOneAsked) {
  const std::string hyphenated = "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b";
  const std::string hex = "0190a5b27c3d7e4f8a1b2c3d4e5f6a7b";
  EXPECT_EQ(UuidIn(hyphenated, UuidForm::kHex), hex);
  EXPECT_EQ(UuidIn(hex, UuidForm::kHyphenated), hyphenated);
  EXPECT_EQ(UuidIn("0190A5B2-7C3D-7E4F-8A1B-2C3D4E5F6A7B", UuidForm::kHyphenated), hyphenated);
  EXPECT_EQ(UuidIn(hex, UuidForm::kHex), hex);
}

TEST(Uuid, WhatIsNotAUuidIsNotRead) {
  for (const char* text : {"", "abc", "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7", "0190a5b27c3d-7e4f-8a1b-2c3d4e5f6a7b0",
                           "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7g", "0190a5b27c3d7e4f8a1b2c3d4e5f6a7", "{0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b}",
                           "0190a5b2+7c3d-7e4f-8a1b-2c3d4e5f6a7b"}) {
    EXPECT_FALSE(UuidIn(text, UuidForm::kHex)) << text;
  }
}

TEST(Uuid, RewritesHyphenatedIdsInsideTextAndNothingElse) {
  EXPECT_EQ(HyphenatedUuidsToHex(R"({"event_id": "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b", "n": 2})"),
            R"({"event_id": "0190a5b27c3d7e4f8a1b2c3d4e5f6a7b", "n": 2})");
  EXPECT_EQ(HyphenatedUuidsToHex("deliver:0190A5B2-7C3D-7E4F-8A1B-2C3D4E5F6A7B:slack"),
            "deliver:0190a5b27c3d7e4f8a1b2c3d4e5f6a7b:slack");
  EXPECT_EQ(HyphenatedUuidsToHex("0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b"), "0190a5b27c3d7e4f8a1b2c3d4e5f6a7b");
  // Part of a longer word (a 13-digit tail, a prefix with a hyphen) is not an id.
  for (const char* kept : {"x0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b", "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b0",
                           "a-0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b", "no ids here", ""}) {
    EXPECT_EQ(HyphenatedUuidsToHex(kept), kept);
  }
}

}  // namespace
}  // namespace vigil
