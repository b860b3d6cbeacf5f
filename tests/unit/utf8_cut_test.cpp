// The UTF-8 cut helper at every cut position of 1-, 2-, 3- and 4-byte characters, and on input
// that is not valid UTF-8.
#include "common/utf8_cut.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace vigil {
namespace {

struct Case {
  const char* name;
  std::string character;
};

const Case kCharacters[] = {{"1-byte", "a"}, {"2-byte", "\u00e9"}, {"3-byte", "\u20ac"}, {"4-byte", "\U0001F600"}};

// "x", the character three times, "y": and the offsets where a character starts or ends.
std::string Text(const std::string& ch) { return "x" + ch + ch + ch + "y"; }
std::vector<size_t> Boundaries(const std::string& ch) {
  size_t n = ch.size();
  return {0, 1, 1 + n, 1 + 2 * n, 1 + 3 * n, 2 + 3 * n};
}

TEST(Utf8Cut, PrefixEndsAtTheLastBoundaryWithinEveryBudget) {
  for (const auto& [name, ch] : kCharacters) {
    std::string text = Text(ch);
    auto bounds = Boundaries(ch);
    for (size_t max = 0; max <= text.size() + 1; ++max) {
      size_t expected = *std::prev(std::upper_bound(bounds.begin(), bounds.end(), max));
      EXPECT_EQ(Utf8PrefixLength(text, max), expected) << name << " budget " << max;
      EXPECT_EQ(CutUtf8(text, max), text.substr(0, expected)) << name << " budget " << max;
      std::string in_place = text;
      TruncateUtf8(in_place, max);
      EXPECT_EQ(in_place, text.substr(0, expected)) << name << " budget " << max;
    }
  }
}

TEST(Utf8Cut, TailStartsAtTheFirstBoundaryWithinEveryBudget) {
  for (const auto& [name, ch] : kCharacters) {
    std::string text = Text(ch);
    auto bounds = Boundaries(ch);
    for (size_t max = 0; max <= text.size() + 1; ++max) {
      size_t from = text.size() - std::min(max, text.size());
      size_t expected = *std::lower_bound(bounds.begin(), bounds.end(), from);
      EXPECT_EQ(Utf8SuffixStart(text, max), expected) << name << " budget " << max;
      EXPECT_EQ(Utf8Tail(text, max), text.substr(expected)) << name << " budget " << max;
    }
  }
}

TEST(Utf8Cut, ShortenMarksOnlyWhatWasCut) {
  std::string umlauts = "\u00c4rzte";  // Ä is two bytes
  EXPECT_EQ(ShortenUtf8(umlauts, 1), "\u2026");
  EXPECT_EQ(ShortenUtf8(umlauts, 2), "\u00c4\u2026");
  EXPECT_EQ(ShortenUtf8(umlauts, 3, "..."), "\u00c4r...");
  EXPECT_EQ(ShortenUtf8(umlauts, umlauts.size()), umlauts);
}

TEST(Utf8Cut, StrayContinuationBytesAreCharactersOfTheirOwn) {
  std::string stray(10, '\x80');
  EXPECT_EQ(Utf8PrefixLength(stray, 5), 5u) << "no lead byte to back off to: the cut stays where it is";
  EXPECT_EQ(Utf8SuffixStart(stray, 5), 5u);
  std::string after_ascii = "ab\x80\x80";
  EXPECT_EQ(Utf8PrefixLength(after_ascii, 3), 3u);
}

TEST(Utf8Cut, BrokenSequencesAreCutWithoutLosingMore) {
  std::string truncated_at_end = "ab\xE2\x82";  // a 3-byte lead with one of its two continuations
  EXPECT_EQ(Utf8PrefixLength(truncated_at_end, 3), 2u);
  EXPECT_EQ(Utf8SuffixStart(truncated_at_end, 1), 4u) << "the tail holds no half character";
  std::string broken = "a\xE2" "bc";  // a lead byte followed by ASCII
  EXPECT_EQ(Utf8PrefixLength(broken, 2), 2u);
  EXPECT_EQ(Utf8PrefixLength(broken, 3), 3u);
  std::string too_long = "a\xF0\x9F\x98\x80\x80\x80";  // a 4-byte character and two stray continuations
  EXPECT_EQ(Utf8PrefixLength(too_long, 6), 6u);
  EXPECT_EQ(Utf8PrefixLength(too_long, 4), 1u);
  std::string invalid_lead = "a\xFF\x80";
  EXPECT_EQ(Utf8PrefixLength(invalid_lead, 2), 2u);
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

// The examples of "U+FFFD substitution of maximal subparts" in the Unicode standard (3.9,
// tables 3-8 to 3-11): one replacement per maximal ill-formed subpart.
TEST(ValidUtf8, ReplacesEachMaximalIllFormedSubpartOnce) {
  EXPECT_EQ(ValidUtf8("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"),
            "a" + kFffd + kFffd + kFffd + "b" + kFffd + "c" + kFffd + kFffd + "d");
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), kFffd + kFffd) << "overlong: C0 leads nothing";
  EXPECT_EQ(ValidUtf8("\xE0\x80\xAF"), kFffd + kFffd + kFffd) << "overlong three-byte form";
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"), kFffd + kFffd + kFffd) << "a surrogate";
  EXPECT_EQ(ValidUtf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd) << "past U+10FFFF";
  EXPECT_EQ(ValidUtf8("\xF5\xFF"), kFffd + kFffd);
  EXPECT_EQ(ValidUtf8("ab\xE2\x82"), "ab" + kFffd) << "cut short at the end: one for the sequence";
  EXPECT_EQ(ValidUtf8("\xF0\x9F\x98" "x"), kFffd + "x");
}

TEST(ValidUtf8, ValidTextIsLeftAlone) {
  for (std::string s : {std::string(""), std::string("plain"), std::string("\u00c4rger \u20ac \U0001F600 \uFFFD"),
                        std::string("nul\0inside", 10)}) {
    EXPECT_TRUE(IsUtf8(s)) << s;
    EXPECT_EQ(ValidUtf8(s), s);
  }
  EXPECT_FALSE(IsUtf8("\x80"));
  EXPECT_FALSE(IsUtf8("a\xE2\x82"));
  EXPECT_TRUE(IsUtf8(ValidUtf8("a\xE2\x82\xFF\xF0\x9F")));
}

}  // namespace
}  // namespace vigil
