#include "jobs/triage/triage_preview.h"

#include <date/date.h>

#include <algorithm>
#include <iterator>
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

// The value under `key` in `map`, or null (also when there is no map).
template <class Map, class Key>
const typename Map::mapped_type* Find(const Map* map, const Key& key) {
  if (map == nullptr) return nullptr;
  auto it = map->find(key);
  return it == map->end() ? nullptr : &it->second;
}

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

Status ReadAheadNovelty(SqlConnection& db, const std::vector<NoveltyAsk>& asks, TimePoint now, BatchNovelty* batch) {
  std::map<std::string, std::set<std::string>> keys, words;
  std::map<std::string, const CommunitySettings*> community_of;
  for (const auto& a : asks) {
    community_of.emplace(a.community_id, a.community);
    keys[a.community_id].merge(DedupeKeys(a.view));
    for (auto& w : TitleProbeTokens(TitleTokens(a.view.title), a.community->rules.duplicate_similarity)) words[a.community_id].insert(w);
  }
  for (auto& [community_id, all] : keys) {
    auto holding = EventsHoldingKeys(db, community_id, all);
    if (!holding.ok()) return holding.status();
    batch->holders[community_id] = std::move(*holding);
  }
  for (auto& [community_id, all] : words) {
    auto titled = RecentEventsWithTitleWords(db, community_id, all, now - community_of[community_id]->novelty_window, kTitleCandidatesFirstLook);
    if (!titled.ok()) return titled.status();
    for (auto& [word, events] : *titled) batch->first_look[{community_id, word}] = std::move(events);
  }
  return Status::Ok();
}

Result<NoveltyContext> NoveltyFor(SqlConnection& db, const CommunitySettings& community, const std::string& community_id,
                                  const EventView& view, TimePoint now, const BatchNovelty* batch) {
  NoveltyContext n;
  n.now = now;
  std::set<std::string> keys = DedupeKeys(view);
  if (const auto* holders = Find(batch ? &batch->holders : nullptr, community_id)) {
    for (const auto& h : *holders) {  // the batch's holders, of this event's keys
      RecentEvent mine{h.event_id, {}, {}};
      std::set_intersection(h.keys.begin(), h.keys.end(), keys.begin(), keys.end(), std::inserter(mine.keys, mine.keys.end()));
      if (!mine.keys.empty()) n.recent.push_back(std::move(mine));
    }
  } else {
    auto holding = EventsHoldingKeys(db, community_id, keys);
    if (!holding.ok()) return holding.status();
    for (auto& h : *holding) n.recent.push_back({std::move(h.event_id), std::move(h.keys), {}});
  }
  static const std::vector<RecentEvent> kNone;
  const auto* mine = Find(batch ? &batch->earlier : nullptr, community_id);
  const std::vector<RecentEvent>& earlier = mine ? *mine : kNone;
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
      const auto* ahead = limit == kTitleCandidatesFirstLook ? Find(batch ? &batch->first_look : nullptr, std::make_pair(community_id, word)) : nullptr;
      Result<std::vector<TitledEvent>> titled = ahead ? Result<std::vector<TitledEvent>>(*ahead)
                                                      : RecentEventsWithTitleWord(db, community_id, word, now - community.novelty_window, limit);
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
