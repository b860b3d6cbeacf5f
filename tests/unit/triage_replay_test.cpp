// `vigil triage replay`'s judgement of one stored event (jobs/triage/triage_replay.h): the rules
// now against what was stored, with near-duplicates and the LLM's verdicts kept out of the count.
#include "jobs/triage/triage_replay.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

using namespace std::chrono_literals;

TriageSettings Rules(std::vector<std::pair<std::string, double>> keywords) {
  CommunitySettings c;
  c.name = "oncology";
  c.rules.keywords = std::move(keywords);
  c.notify_at = Signal::kMedium;
  return {.communities = {c}};
}

StoredTriage Stored(const std::string& signal, const std::string& notification, std::optional<EventScore> score = std::nullopt) {
  StoredTriage s;
  s.event_id = "e1";
  s.watcher_name = "pubmed-onc";
  s.community_name = "oncology";
  s.title = "Telomere length and pancreatic cancer risk";
  s.source_type = "pubmed";
  s.signal = signal;
  s.notification_id = notification;
  s.score = std::move(score);
  return s;
}

const TimePoint kDetected = TimePoint(1700000000s);

TEST(TriageReplay, AKeywordAddedRaisesTheSignalAndAddsANotification) {
  auto current = Rules({});
  auto proposed = Rules({{"pancreatic cancer", 0.5}});
  StoredTriage s = Stored("low", "", EventScore{"e1", 0, "", "rules"});
  ReplayedEvent r = ReplayEvent(current, proposed, s, kDetected);
  EXPECT_EQ(r.now.signal, Signal::kMedium);
  EXPECT_DOUBLE_EQ(r.now.score, 0.5);
  EXPECT_NE(r.now.reasoning.find("keyword \"pancreatic cancer\" in title +0.50"), std::string::npos) << r.now.reasoning;
  EXPECT_TRUE(r.SignalChanged());
  EXPECT_TRUE(r.would_notify);
  EXPECT_TRUE(r.NotificationChanged());
  ReplaySummary sum = Summarise({r});
  EXPECT_EQ(sum.signals_changed, 1);
  EXPECT_EQ(sum.notifications_gained, 1);
  EXPECT_EQ(sum.notifications_lost, 0);
}

TEST(TriageReplay, AKeywordRemovedTakesTheNotificationAway) {
  auto current = Rules({{"pancreatic cancer", 0.5}});
  StoredTriage s = Stored("medium", "n1", EventScore{"e1", 0.5, "", "rules"});
  ReplayedEvent r = ReplayEvent(current, Rules({}), s, kDetected);
  EXPECT_EQ(r.now.signal, Signal::kLow);
  EXPECT_FALSE(r.would_notify);
  EXPECT_EQ(Summarise({r}).notifications_lost, 1);
}

TEST(TriageReplay, TheSameRulesChangeNothing) {
  auto rules = Rules({{"pancreatic cancer", 0.5}});
  ReplayedEvent r = ReplayEvent(rules, rules, Stored("medium", "n1", EventScore{"e1", 0.5, "", "rules"}), kDetected);
  EXPECT_FALSE(r.SignalChanged());
  EXPECT_FALSE(r.NotificationChanged());
}

TEST(TriageReplay, ANearDuplicateStaysWithoutANotificationWhateverItsSignal) {
  auto proposed = Rules({{"pancreatic cancer", 0.9}});
  ReplayedEvent r = ReplayEvent(Rules({}), proposed, Stored("low", "", EventScore{"e1", 0, "e0", "rules"}), kDetected);
  EXPECT_EQ(r.now.signal, Signal::kHigh);
  EXPECT_EQ(r.now.duplicate_of, "e0");
  EXPECT_NE(r.now.reasoning.find("a near-duplicate of event e0 when triaged"), std::string::npos) << r.now.reasoning;
  EXPECT_FALSE(r.would_notify);
  EXPECT_FALSE(r.NotificationChanged());
  EXPECT_TRUE(r.SignalChanged());
}

// Triaged before scores were kept: a signal at notify_at that made no notification was a near-duplicate.
TEST(TriageReplay, WithoutAScoreRowASilentMediumWasANearDuplicate) {
  auto rules = Rules({{"pancreatic cancer", 0.5}});
  ReplayedEvent held = ReplayEvent(rules, rules, Stored("medium", ""), kDetected);
  EXPECT_FALSE(held.now.duplicate_of.empty());
  EXPECT_FALSE(held.would_notify);
  EXPECT_FALSE(held.NotificationChanged());
  ReplayedEvent quiet = ReplayEvent(rules, rules, Stored("low", ""), kDetected);
  EXPECT_TRUE(quiet.now.duplicate_of.empty()) << "a low signal made no notification anyway";
}

TEST(TriageReplay, TheLlmsVerdictsAreScoredButNotCounted) {
  ReplayedEvent r = ReplayEvent(Rules({}), Rules({}), Stored("high", "n1", EventScore{"e1", 0.91, "", "llm:gpt-4o-mini"}), kDetected);
  EXPECT_TRUE(r.by_llm);
  EXPECT_EQ(r.now.signal, Signal::kLow);
  EXPECT_FALSE(r.SignalChanged());
  EXPECT_FALSE(r.NotificationChanged());
  ReplaySummary sum = Summarise({r});
  EXPECT_EQ(sum.by_llm, 1);
  EXPECT_EQ(sum.notifications_lost, 0);
}

TEST(TriageReplay, AnEventNotTriagedYetIsNotAChange) {
  ReplayedEvent r = ReplayEvent(Rules({}), Rules({{"pancreatic cancer", 0.5}}), Stored("", ""), kDetected);
  EXPECT_TRUE(r.would_notify);
  EXPECT_FALSE(r.SignalChanged());
  EXPECT_FALSE(r.NotificationChanged());
}

// Recency counts from when the event was detected, as it did when triage scored it.
TEST(TriageReplay, RecencyIsMeasuredAtDetection) {
  auto rules = Rules({{"pancreatic cancer", 0.8}});
  rules.communities[0].rules.recency_half_life = std::chrono::seconds(86400);
  StoredTriage s = Stored("high", "n1", EventScore{"e1", 0.8, "", "rules"});
  s.source_metadata = {{"published", "2023-11-14T22:13:20Z"}};  // kDetected
  EXPECT_NEAR(ReplayEvent(rules, rules, s, kDetected).now.score, 0.8, 1e-6);
  EXPECT_NEAR(ReplayEvent(rules, rules, s, kDetected + 24h).now.score, 0.4, 1e-6);
}

TEST(TriageReplay, JsonSaysBeforeAndAfter) {
  StoredTriage s = Stored("low", "", EventScore{"e1", 0.1, "", "rules"});
  ReplayedEvent r = ReplayEvent(Rules({}), Rules({{"pancreatic cancer", 0.5}}), s, kDetected);
  auto j = ReplayedJson(r);
  EXPECT_EQ(j["before"]["signal"], "low");
  EXPECT_DOUBLE_EQ(j["before"]["score"].get<double>(), 0.1);
  EXPECT_EQ(j["after"]["signal"], "medium");
  EXPECT_EQ(j["after"]["notify"], true);
  EXPECT_EQ(j["notification_changed"], true);
  EXPECT_TRUE(j["before"]["notification_id"].is_null());
}

}  // namespace
}  // namespace vigil
