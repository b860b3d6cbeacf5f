// "Did you mean": typos find their word, unrelated words find none.
#include "common/nearest.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(Nearest, TyposFindTheirWord) {
  std::vector<std::string> verbs = {"enqueue", "list", "show", "retry", "cancel", "run"};
  EXPECT_EQ(Nearest("lsit", verbs), "list");      // swap
  EXPECT_EQ(Nearest("lst", verbs), "list");       // deletion
  EXPECT_EQ(Nearest("enqeue", verbs), "enqueue"); // deletion in a long word
  EXPECT_EQ(Nearest("RETRY", verbs), "retry");    // case
  EXPECT_EQ(Nearest("canc", verbs), "cancel");    // a prefix of one
  EXPECT_EQ(Nearest("zzzzzz", verbs), std::nullopt);
  EXPECT_EQ(Nearest("", verbs), std::nullopt);
  EXPECT_EQ(DidYouMean("qurey", {"name", "type", "query"}), " (did you mean \"query\"?)");
  EXPECT_EQ(DidYouMean("xyz", {"name", "type", "query"}), "");
}

TEST(Nearest, DistanceCountsEditsAndSwaps) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("ab", "ba"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance(std::string(1000, 'a'), std::string(1000, 'b')), 64u);  // bounded work
}

}  // namespace
}  // namespace vigil
