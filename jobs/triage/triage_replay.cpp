#include "jobs/triage/triage_replay.h"

#include "jobs/triage/triage_preview.h"

namespace vigil {
namespace {

// The near-duplicate judgement made when the event was triaged; "" when it was new.
std::string DuplicateWhenTriaged(const TriageSettings& current, const StoredTriage& stored) {
  if (stored.score) return stored.score->duplicate_of;
  auto signal = ParseSignal(stored.signal);
  bool held_back = signal && *signal >= CommunityOrDefault(current, stored.community_name).notify_at && stored.notification_id.empty();
  return held_back ? "an earlier event" : "";
}

nlohmann::json OrNull(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

}  // namespace

bool ReplayedEvent::SignalChanged() const { return !by_llm && stored->signal != SignalName(now.signal) && !stored->signal.empty(); }

bool ReplayedEvent::NotificationChanged() const {
  return !by_llm && !stored->signal.empty() && would_notify != had_notification();
}

ReplayedEvent ReplayEvent(const TriageSettings& current, const TriageSettings& proposed, const StoredTriage& stored, TimePoint detected) {
  ReplayedEvent r;
  r.stored = &stored;
  CommunitySettings community = CommunityOrDefault(proposed, stored.community_name);
  EventView view{stored.event_id, stored.watcher_name, stored.source_type, stored.source_id, stored.title, stored.summary,
                 stored.source_metadata, PublishedAt(stored.source_metadata)};
  r.now = Score(community.rules, view, NoveltyContext{.recent = {}, .now = detected});
  if (std::string dup = DuplicateWhenTriaged(current, stored); !dup.empty()) {
    r.now.duplicate_of = dup;
    r.now.reasoning += "; a near-duplicate of " + (dup == "an earlier event" ? dup : "event " + dup) + " when triaged: no notification";
  }
  r.would_notify = r.now.duplicate_of.empty() && r.now.signal >= community.notify_at;
  r.by_llm = stored.score && stored.score->scored_by.starts_with("llm");
  return r;
}

ReplaySummary Summarise(const std::vector<ReplayedEvent>& replayed) {
  ReplaySummary s;
  for (const auto& r : replayed) {
    ++s.events;
    if (r.by_llm) ++s.by_llm;
    if (r.SignalChanged()) ++s.signals_changed;
    if (r.NotificationChanged()) ++(r.would_notify ? s.notifications_gained : s.notifications_lost);
  }
  return s;
}

nlohmann::json ReplayedJson(const ReplayedEvent& r) {
  const StoredTriage& s = *r.stored;
  return {{"event_id", s.event_id},
          {"watcher", s.watcher_name},
          {"community", OrNull(s.community_name)},
          {"title", s.title},
          {"before", {{"signal", OrNull(s.signal)},
                      {"score", s.score ? nlohmann::json(s.score->score) : nlohmann::json(nullptr)},
                      {"scored_by", s.score ? nlohmann::json(s.score->scored_by) : nlohmann::json(nullptr)},
                      {"notification_id", OrNull(s.notification_id)}}},
          {"after", {{"signal", SignalName(r.now.signal)}, {"score", r.now.score}, {"reasoning", r.now.reasoning}, {"notify", r.would_notify}}},
          {"signal_changed", r.SignalChanged()},
          {"notification_changed", r.NotificationChanged()},
          {"by_llm", r.by_llm}};
}

}  // namespace vigil
