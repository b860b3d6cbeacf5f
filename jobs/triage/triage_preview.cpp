#include "jobs/triage/triage_preview.h"

#include <date/date.h>

#include <set>

#include "common/iso8601.h"
#include "store/triage_repo.h"

namespace vigil {
namespace {

// Earlier titles compared with a new one, per probe word: the newest few, and only when none of
// them is a near-duplicate, up to kTitleCandidatesPerWord. A bound, so that a word every title has
// (a repository's name, say) costs the same at the millionth event as at the tenth; the first
// small look settles the common case of a burst of like titles.
constexpr int kTitleCandidatesFirstLook = 4;
constexpr int kTitleCandidatesPerWord = 32;

}  // namespace

std::optional<TimePoint> PublishedAt(const nlohmann::json& m) {
  if (!m.is_object()) return std::nullopt;
  for (const char* key : {"published", "updated"}) {
    if (m.contains(key) && m[key].is_string()) {
      if (auto t = ParseIso8601(m[key].get<std::string>()); t.ok()) return *t;
    }
  }
  const auto& d = m.value("pub_date", nlohmann::json::object());
  if (!d.is_object() || !d.contains("year") || !d["year"].is_number_integer()) return std::nullopt;
  date::year_month_day ymd{date::year(d["year"].get<int>()), date::month(d.value("month", 1)), date::day(d.value("day", 1))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::time_point_cast<Duration>(date::sys_days(ymd));
}

EventView EventViewOf(const Event& e, const std::string& watcher) {
  nlohmann::json metadata = e.source_metadata.is_object() ? e.source_metadata : nlohmann::json::object();
  return {"", watcher, e.source_type, e.source_id, e.title, e.summary, metadata, PublishedAt(metadata)};
}

Result<NoveltyContext> NoveltyFor(SqlConnection& db, const CommunitySettings& community, const std::string& community_id,
                                  const EventView& view, TimePoint now, const std::vector<RecentEvent>& earlier) {
  NoveltyContext n;
  n.now = now;
  auto holding = EventsHoldingKeys(db, community_id, DedupeKeys(view));
  if (!holding.ok()) return holding.status();
  for (auto& h : *holding) n.recent.push_back({std::move(h.event_id), std::move(h.keys), {}});
  for (const auto& e : earlier) n.recent.push_back({e.event_id, e.keys, {}});
  if (FindNearDuplicate(community.rules, view, n)) return n;  // an exact key is the stronger evidence
  // The batch's own events are the newest of all; every one is compared (a near-duplicate title
  // shares a probe word with this one, so none the probes would find is missed).
  std::set<std::string> seen;
  for (auto e = earlier.rbegin(); e != earlier.rend(); ++e) {
    seen.insert(e->event_id);
    n.recent.push_back({e->event_id, {}, e->title_tokens});
  }
  if (!earlier.empty() && FindNearDuplicate(community.rules, view, n)) return n;
  for (const auto& word : TitleProbeTokens(TitleTokens(view.title), community.rules.duplicate_similarity)) {
    for (int limit : {kTitleCandidatesFirstLook, kTitleCandidatesPerWord}) {
      auto titled = RecentEventsWithTitleWord(db, community_id, word, now - community.novelty_window, limit);
      if (!titled.ok()) return titled.status();
      for (auto& t : *titled) {
        if (seen.insert(t.event_id).second) n.recent.push_back({std::move(t.event_id), {}, std::move(t.title_tokens)});
      }
      if (FindNearDuplicate(community.rules, view, n)) return n;
      if (static_cast<int>(titled->size()) < limit) break;  // the word has no more events in the window
    }
  }
  return n;
}

Result<TriagePreview> PreviewTriage(const TriageSettings& settings, const std::string& community_name, const std::string& community_id,
                                    const EventView& view, SqlConnection* db, TimePoint now) {
  CommunitySettings community = CommunityOrDefault(settings, community_name);
  NoveltyContext novelty{.recent = {}, .now = now};
  if (db != nullptr) {
    auto n = NoveltyFor(*db, community, community_id, view, now);
    if (!n.ok()) return n.status();
    novelty = std::move(*n);
  }
  TriagePreview p{community_name, Score(community.rules, view, novelty), community.notify_at, false};
  if (db == nullptr) p.score.reasoning += "; not compared with stored events (no database)";
  p.notify = p.score.duplicate_of.empty() && p.score.signal >= community.notify_at;
  return p;
}

nlohmann::json PreviewJson(const TriagePreview& p) {
  return {{"community", p.community.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.community)},
          {"signal", SignalName(p.score.signal)},
          {"score", p.score.score},
          {"reasoning", p.score.reasoning},
          {"duplicate_of", p.score.duplicate_of.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.score.duplicate_of)},
          {"notify", p.notify},
          {"notify_at", SignalName(p.notify_at)}};
}

}  // namespace vigil
