// Rule-based triage on real records: PubMed articles, a German news feed (RSS 1.0) and a GitHub
// webhook payload, scored against community rules; near-duplicates collapse.
#include "jobs/triage/triage_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "sources/literature/feed_parser.h"
#include "sources/literature/pubmed_parser.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using testing::ReadFixture;

EventView ViewOf(const Event& e, const std::string& watcher) {
  return {e.source_type + ":" + e.source_id, watcher, e.source_type, e.source_id, e.title, e.summary, e.source_metadata, std::nullopt};
}

EventView PubmedView(const std::string& file, size_t index = 0) {
  auto events = ParsePubmedArticleSet(ReadFixture("pubmed/" + file));
  EXPECT_TRUE(events.ok() && events->size() > index);
  return ViewOf(events->at(index), "pubmed-onc");
}

std::vector<EventView> FeedViews(const std::string& file) {
  auto feed = ParseFeed(ReadFixture(file), {});
  EXPECT_TRUE(feed.ok());
  std::vector<EventView> out;
  for (const auto& e : feed->items) out.push_back(ViewOf(e, "heise"));
  return out;
}

TriageRules OncologyRules() {
  TriageRules r;
  r.keywords = {{"pancreatic cancer", 0.5}, {"telomere", 0.2}, {"matched controls", 0.3}};
  return r;
}

TEST(TriageRulesTest, PubmedArticleOnTopicScoresHighAndSaysWhy) {
  EventView e = PubmedView("pubmed4.xml");
  TriageScore s = Score(OncologyRules(), e, {});
  EXPECT_EQ(s.signal, Signal::kHigh) << s.reasoning;
  EXPECT_NEAR(s.score, 0.5 + 0.2 + 0.15, 1e-9) << s.reasoning;  // "matched controls" only in the abstract
  EXPECT_NE(s.reasoning.find("keyword \"pancreatic cancer\" in title +0.50"), std::string::npos) << s.reasoning;
  EXPECT_NE(s.reasoning.find("keyword \"matched controls\" in summary/metadata +0.15 (half of 0.30)"), std::string::npos) << s.reasoning;
  EXPECT_NE(s.reasoning.find("-> high"), std::string::npos) << s.reasoning;
}

TEST(TriageRulesTest, OffTopicArticleScoresLow) {
  TriageScore s = Score(OncologyRules(), PubmedView("pubmed5.xml"), {});
  EXPECT_EQ(s.signal, Signal::kLow);
  EXPECT_NE(s.reasoning.find("no keyword matched"), std::string::npos) << s.reasoning;
}

TEST(TriageRulesTest, ExcludedTermZeroesTheScore) {
  TriageRules r = OncologyRules();
  r.excluded = {"genetic variants"};
  TriageScore s = Score(r, PubmedView("pubmed4.xml"), {});
  EXPECT_EQ(s.score, 0);
  EXPECT_TRUE(s.gated);
  EXPECT_NE(s.reasoning.find("excluded term \"genetic variants\" present"), std::string::npos) << s.reasoning;
}

TEST(TriageRulesTest, MissingRequiredTermZeroesTheScore) {
  TriageRules r = OncologyRules();
  r.required = {"randomized controlled trial"};
  TriageScore s = Score(r, PubmedView("pubmed4.xml"), {});
  EXPECT_EQ(s.score, 0);
  EXPECT_NE(s.reasoning.find("required term \"randomized controlled trial\" missing"), std::string::npos) << s.reasoning;
}

TEST(TriageRulesTest, SourceWeightsMultiplyByWatcherSourceAndJournal) {
  TriageRules r = OncologyRules();
  EventView e = PubmedView("pubmed4.xml");
  std::string journal = e.metadata.value("journal", "");
  ASSERT_FALSE(journal.empty());
  r.source_weights = {{"source:pubmed", 0.5}, {"journal:" + journal, 0.8}, {"watcher:other", 0.1}};
  TriageScore s = Score(r, e, {});
  EXPECT_NEAR(s.score, 0.85 * 0.5 * 0.8, 1e-9) << s.reasoning;
  EXPECT_NE(s.reasoning.find("source weight source:pubmed x0.50"), std::string::npos) << s.reasoning;
  EXPECT_EQ(s.reasoning.find("watcher:other"), std::string::npos) << "a weight for another watcher does not fire";
}

TEST(TriageRulesTest, RecencyHalvesTheScorePerHalfLife) {
  TriageRules r = OncologyRules();
  r.recency_half_life = std::chrono::hours(24 * 7);
  EventView e = PubmedView("pubmed4.xml");
  e.published = TimePoint(std::chrono::hours(24 * 20000));
  NoveltyContext n;
  n.now = *e.published + std::chrono::hours(24 * 14);
  TriageScore s = Score(r, e, n);
  EXPECT_NEAR(s.score, 0.85 * 0.25, 1e-9) << s.reasoning;
  EXPECT_NE(s.reasoning.find("recency: published 14.0 days ago"), std::string::npos) << s.reasoning;
}

TEST(TriageRulesTest, FeedItemsMatchPhrasesAcrossPunctuationAndScript) {
  TriageRules r;
  r.keywords = {{"red hat", 0.6}, {"open source", 0.4}};
  auto items = FeedViews("feeds/miniflux/rdf_UTF8.xml");
  ASSERT_GE(items.size(), 2u);
  TriageScore oled = Score(r, items[0], {});
  TriageScore ibm = Score(r, items[1], {});
  EXPECT_EQ(oled.signal, Signal::kLow) << oled.reasoning;
  EXPECT_NEAR(ibm.score, 0.6 + 0.2, 1e-9) << ibm.reasoning;  // "Open-Source-Anbieter" in the description
  EXPECT_EQ(ibm.signal, Signal::kHigh);
}

TEST(TriageRulesTest, WebhookPayloadScoredOnItsTitleAndMetadata) {
  auto payload = nlohmann::json::parse(ReadFixture("webhooks/github/issues.opened.json"));
  EventView e{"w1", "gh", "webhook", "d1", payload["issue"]["title"], payload["issue"].value("body", ""),
              {{"repository", payload["repository"]["full_name"]}, {"action", payload["action"]}}, std::nullopt};
  TriageRules r;
  r.keywords = {{"readme", 0.5}, {"spelling", 0.2}};
  r.required = {payload["repository"]["full_name"].get<std::string>()};
  TriageScore s = Score(r, e, {});
  EXPECT_NEAR(s.score, 0.7, 1e-9) << s.reasoning;
  EXPECT_EQ(s.signal, Signal::kHigh);
}

TEST(TriageRulesTest, SamePaperFromAJournalFeedIsANearDuplicate) {
  EventView pubmed = PubmedView("pubmed4.xml");
  // The same paper as a journal's feed would carry it: its title without PubMed's markup, its own
  // id and watcher, no DOI.
  EventView feed{"feed-1", "journal-feed", "feed", "https://journal.example/x", NormaliseText(pubmed.title), "", {}, std::nullopt};
  NoveltyContext n;
  n.recent.push_back({pubmed.id, DedupeKeys(pubmed), TitleTokens(pubmed.title)});
  TriageScore s = Score(OncologyRules(), feed, n);
  EXPECT_EQ(s.duplicate_of, pubmed.id);
  EXPECT_NE(s.reasoning.find("near-duplicate of event " + pubmed.id + ": title similarity 1.00"), std::string::npos) << s.reasoning;
}

TEST(TriageRulesTest, SharedDoiMakesADuplicateWhateverTheTitle) {
  EventView pubmed = PubmedView("pubmed4.xml");
  ASSERT_TRUE(pubmed.metadata.contains("doi"));
  EventView other{"x", "crossref", "feed", "x", "Completely different wording", "", {{"doi", pubmed.metadata["doi"]}}, std::nullopt};
  NoveltyContext n;
  n.recent.push_back({pubmed.id, DedupeKeys(pubmed), TitleTokens(pubmed.title)});
  EXPECT_EQ(Score(OncologyRules(), other, n).duplicate_of, pubmed.id);
}

TEST(TriageRulesTest, DifferentPapersAreNotDuplicates) {
  EventView a = PubmedView("pubmed4.xml");
  EventView b = PubmedView("pubmed5.xml");
  NoveltyContext n;
  n.recent.push_back({a.id, DedupeKeys(a), TitleTokens(a.title)});
  EXPECT_TRUE(Score(OncologyRules(), b, n).duplicate_of.empty());
}

TEST(TriageRulesTest, TitleProbeTokensAreTheLongestWordsEnoughToMeetAnySimilarTitle) {
  std::set<std::string> words = {"telomere", "length", "pancreatic", "cancer", "risk"};
  // 5 words at 0.8: an overlap of 4 is needed, so 5 - 4 + 1 = 2 probes, the longest first.
  EXPECT_EQ(TitleProbeTokens(words, 0.8), (std::vector<std::string>{"pancreatic", "telomere"}));
  EXPECT_EQ(TitleProbeTokens(words, 1.0).size(), 1u);
  EXPECT_EQ(TitleProbeTokens(words, 0.1).size(), 5u);
  EXPECT_TRUE(TitleProbeTokens({"two", "words"}, 0.8).empty()) << "too short to compare by similarity";
}

// The promise the token index rests on: whenever two word sets are similar enough, the probe words
// of the first meet the second. Checked over every pair of many random sets from a small alphabet
// (so that similar pairs are common) at several thresholds.
TEST(TriageRulesTest, TitleProbeTokensNeverMissASimilarTitle) {
  std::mt19937 rng(7);
  std::vector<std::set<std::string>> sets;
  for (int i = 0; i < 300; ++i) {
    std::set<std::string> s;
    size_t n = 3 + rng() % 8;
    while (s.size() < n) s.insert(std::string(1 + rng() % 6, char('a' + rng() % 12)));
    sets.push_back(s);
  }
  int similar_pairs = 0;
  for (double threshold : {0.1, 0.34, 0.5, 0.8, 0.9, 1.0}) {
    for (const auto& a : sets) {
      auto probes = TitleProbeTokens(a, threshold);
      for (const auto& b : sets) {
        if (Jaccard(a, b) < threshold) continue;
        ++similar_pairs;
        bool met = std::any_of(probes.begin(), probes.end(), [&](const std::string& w) { return b.count(w) > 0; });
        ASSERT_TRUE(met) << "threshold " << threshold << ", Jaccard " << Jaccard(a, b);
      }
    }
  }
  EXPECT_GT(similar_pairs, 2000);
}

TEST(TriageRulesTest, NormaliseTextLowersAndCollapsesPunctuation) {
  EXPECT_EQ(NormaliseText("The <i>TERT</i> gene-region!"), "the i tert i gene region");
  EXPECT_EQ(Jaccard({"a", "b"}, {"b", "c"}), 1.0 / 3);
}

}  // namespace
}  // namespace vigil
