// What triage would make of an event a watcher has not stored (jobs/triage/triage_preview.h):
// `vigil watchers test` shows it beside each event.
#include "jobs/triage/triage_preview.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TriageSettings Oncology() {
  CommunitySettings c;
  c.name = "oncology";
  c.rules.keywords = {{"pancreatic cancer", 0.5}};
  c.notify_at = Signal::kHigh;
  return {.communities = {c}};
}

TEST(TriagePreview, TheCommunitysRulesScoreTheEventAndSayWhetherItWouldNotify) {
  Event e{.title = "Pancreatic cancer risk and telomeres", .source_type = "feed", .source_id = "x"};
  auto p = PreviewTriage(Oncology(), "oncology", "", EventViewOf(e, "feed-onc"), nullptr, std::chrono::system_clock::now());
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->community, "oncology");
  EXPECT_EQ(p->score.signal, Signal::kMedium);
  EXPECT_DOUBLE_EQ(p->score.score, 0.5);
  EXPECT_FALSE(p->notify) << "medium is below the community's notify_at high";
  EXPECT_NE(p->score.reasoning.find("keyword \"pancreatic cancer\" in title +0.50"), std::string::npos) << p->score.reasoning;
  EXPECT_NE(p->score.reasoning.find("not compared with stored events (no database)"), std::string::npos) << p->score.reasoning;
  auto j = PreviewJson(*p);
  EXPECT_EQ(j["signal"], "medium");
  EXPECT_EQ(j["notify"], false);
  EXPECT_EQ(j["notify_at"], "high");
  EXPECT_TRUE(j["duplicate_of"].is_null());
}

TEST(TriagePreview, ACommunityTheConfigDoesNotNameGetsTheDefaults) {
  Event e{.title = "Pancreatic cancer", .source_type = "feed", .source_id = "x"};
  auto p = PreviewTriage(Oncology(), "cardiology", "", EventViewOf(e, "w"), nullptr, std::chrono::system_clock::now());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->score.signal, Signal::kLow);
  EXPECT_NE(p->score.reasoning.find("no keyword matched"), std::string::npos) << p->score.reasoning;
}

TEST(TriagePreview, AnEventsPublicationDateIsReadForRecency) {
  Event feed{.title = "t", .source_metadata = {{"published", "2026-11-30T08:00:00Z"}}};
  EXPECT_TRUE(EventViewOf(feed, "w").published.has_value());
  Event pubmed{.title = "t", .source_metadata = {{"pub_date", {{"year", 2017}, {"month", 6}}}}};
  EXPECT_TRUE(EventViewOf(pubmed, "w").published.has_value());
  Event none{.title = "t", .source_metadata = nullptr};
  EXPECT_FALSE(EventViewOf(none, "w").published.has_value());
}

}  // namespace
}  // namespace vigil
