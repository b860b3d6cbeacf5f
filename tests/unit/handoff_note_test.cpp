// Handoff notes: the sections a note has, what a remote generator is given (the previous note and
// the newest messages, cut on character boundaries) and the extractive note vigil writes itself.
#include <gtest/gtest.h>

#include "jobs/maintenance/extractive_handoff.h"
#include "jobs/maintenance/handoff_generator.h"
#include "common/utf8_cut.h"

namespace vigil {
namespace {

TEST(HandoffNote, SectionsAreReadByTheirHeadings) {
  auto s = NoteSections("## GOAL: ship it\nsoon\nDECISIONS MADE:\n- use SQLite\nGOALS are not headings\n");
  EXPECT_EQ(s["GOAL"], "ship it\nsoon");
  EXPECT_EQ(s["DECISIONS MADE"], "- use SQLite\nGOALS are not headings");
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(MissingSections("GOAL:\nx\nPREFERENCES: y"),
            (std::vector<std::string>{"DECISIONS MADE", "CURRENT STATUS", "ACTIVE FILE", "RESUME INSTRUCTION"}));
}

TEST(HandoffNote, MissingSectionsAreMarkedNotPadded) {
  std::string note = MarkMissing("GOAL:\nship it", MissingSections("GOAL:\nship it"));
  EXPECT_TRUE(MissingSections(note).empty());
  EXPECT_EQ(note.find("GOAL:"), note.rfind("GOAL:")) << "a present section is not repeated";
  EXPECT_NE(note.find("PREFERENCES:\n(missing: the generator did not write this section)"), std::string::npos) << note;
  EXPECT_EQ(note.find("(not stated)"), std::string::npos) << "a missing section is not passed off as empty";
}

TEST(HandoffNote, ThePreviousNoteTakesAtMostAThirdOfTheBudget) {
  std::string euros;
  for (int i = 0; i < 400; ++i) euros += "\u20ac";  // 1200 bytes
  auto fitted = FitInput({"m", euros, {{"user", std::string(2000, 'x')}}}, 250);  // 1000 bytes in all
  EXPECT_EQ(fitted.previous_note, euros.substr(0, 333)) << "cut on a character boundary (111 euros)";
  ASSERT_EQ(fitted.transcript.size(), 1u);
  EXPECT_EQ(fitted.transcript[0].content.size(), 664u) << "the rest of the budget, in whole tokens of 4";
}

TEST(HandoffNote, BudgetKeepsTheNewestMessages) {
  std::vector<ChatMessage> m = {{"user", std::string(400, 'a')}, {"user", std::string(400, 'b')}, {"user", std::string(100, 'c')}};
  auto kept = FitToBudget(m, 150);  // 600 chars: c, b, and the last 100 of a
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].content, std::string(100, 'a'));
  EXPECT_EQ(kept[1].content, std::string(400, 'b'));
  EXPECT_EQ(kept[2].content, std::string(100, 'c'));
}

TEST(HandoffNote, BudgetKeepsWholeCharactersOfTheMessageItCuts) {
  std::string euros;
  for (int i = 0; i < 100; ++i) euros += "\u20ac";  // 3 bytes each
  std::vector<ChatMessage> m = {{"user", "older"}, {"user", euros}};
  auto kept = FitToBudget(m, 25);  // 100 bytes: 33 whole euros (99 bytes), not a stray tail byte
  ASSERT_EQ(kept.size(), 1u) << "nothing older than the cut message";
  EXPECT_EQ(kept[0].content, euros.substr(euros.size() - 99));
}


HandoffInput Conversation() {
  return {"gpt-4o",
          "",
          {{"user", "Hi. My goal is to compare the two retraction datasets by Friday.\nI prefer tables over prose."},
           {"assistant", "Understood. I opened data/retractions.csv and notes.md to start."},
           {"user", "We decided to drop the 2019 rows. Please don't round the percentages! Can you check src/load.py next?"},
           {"assistant", "The loader in src/load.py now skips 2019. The totals match the Crossref export."}}};
}

TEST(ExtractiveNote, FillsEachSectionFromTheMessages) {
  std::string note = ExtractiveNote(Conversation());
  auto s = NoteSections(note);
  ASSERT_TRUE(MissingSections(note).empty()) << note;
  EXPECT_EQ(s["GOAL"], "My goal is to compare the two retraction datasets by Friday.");
  EXPECT_EQ(s["DECISIONS MADE"], "- We decided to drop the 2019 rows.");
  EXPECT_EQ(s["CURRENT STATUS"], "The loader in src/load.py now skips 2019. The totals match the Crossref export.");
  EXPECT_EQ(s["ACTIVE FILE"], "- src/load.py\n- notes.md\n- data/retractions.csv") << "the latest first, no repeats";
  EXPECT_EQ(s["PREFERENCES"], "- I prefer tables over prose.\n- Please don't round the percentages!");
  EXPECT_NE(s["RESUME INSTRUCTION"].find("Can you check src/load.py next?"), std::string::npos) << s["RESUME INSTRUCTION"];
}

TEST(ExtractiveNote, SaysNotStatedWhenNothingMatches) {
  auto s = NoteSections(ExtractiveNote({"m", "", {{"assistant", "Hello there."}}}));
  for (const char* section : {"GOAL", "DECISIONS MADE", "ACTIVE FILE", "PREFERENCES", "RESUME INSTRUCTION"})
    EXPECT_EQ(s[section], "(not stated)") << section;
  EXPECT_EQ(s["CURRENT STATUS"], "Hello there.");
}

TEST(ExtractiveNote, CarriesThePreviousNoteForward) {
  std::string first = ExtractiveNote(Conversation());
  HandoffInput later{"gpt-4o", first, {{"user", "We agreed to publish on Monday. Look at report.tex too."}}};
  auto s = NoteSections(ExtractiveNote(later));
  EXPECT_EQ(s["GOAL"], "My goal is to compare the two retraction datasets by Friday.") << "kept: nothing new said";
  EXPECT_EQ(s["DECISIONS MADE"], "- We decided to drop the 2019 rows.\n- We agreed to publish on Monday.");
  EXPECT_EQ(s["ACTIVE FILE"], "- report.tex\n- src/load.py\n- notes.md\n- data/retractions.csv");
  EXPECT_EQ(s["PREFERENCES"], "- I prefer tables over prose.\n- Please don't round the percentages!");
  EXPECT_EQ(s["CURRENT STATUS"], "We agreed to publish on Monday. Look at report.tex too.");
}

TEST(ExtractiveNote, StaysBoundedAndCutsOnCharacterBoundaries) {
  std::string long_goal = "I want to ";
  for (int i = 0; i < 2000; ++i) long_goal += "\u00e9";  // 2 bytes each, no sentence end
  HandoffInput in{"m", "", {}};
  for (int i = 0; i < 200; ++i) in.transcript.push_back({"user", long_goal + "\nWe decided item " + std::to_string(i) + "."});
  std::string note = ExtractiveNote(in);
  EXPECT_LT(note.size(), 8000u);
  EXPECT_EQ(ValidUtf8(note), note) << "no character split";
  EXPECT_NE(note.find("- We decided item 199."), std::string::npos);
  EXPECT_EQ(note.find("- We decided item 191."), std::string::npos) << "only the newest 8 decisions";
  EXPECT_EQ(MissingSections(note).size(), 0u);
}

TEST(ExtractiveNote, UrlsAndNumbersAreNotFiles) {
  auto s = NoteSections(ExtractiveNote({"m", "", {{"user", "See https://example.org/a.html and version 3.5, e.g. this."}}}));
  EXPECT_EQ(s["ACTIVE FILE"], "(not stated)");
}

}  // namespace
}  // namespace vigil
