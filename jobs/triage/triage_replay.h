// `vigil triage replay`: stored events run through the current (or a proposed) community rules,
// to see which signals and notifications would change before the rules are switched on. Nothing
// is stored.
//
// Each event is scored as triage scored it: by its community's rules, at the time it was detected
// (so recency counts as it did then). Whether it was a near-duplicate is not judged again (the
// events that came after it would count): the judgement kept with its score is used, and for an
// event triaged before scores were kept, one whose signal reached its community's notify_at
// without making a notification was one. An event whose stored verdict was the LLM's is scored by
// the rules too, but not counted as a change (the rules never decided it).
//
// Pure functions over values; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "jobs/triage/triage_config.h"
#include "store/event_score_repo.h"

namespace vigil {

struct ReplayedEvent {
  const StoredTriage* stored = nullptr;
  TriageScore now;            // the rules' verdict now
  bool would_notify = false;  // signal at notify_at or above, not a near-duplicate
  bool by_llm = false;        // the stored verdict was the LLM's: not compared

  bool had_notification() const { return !stored->notification_id.empty(); }
  // Never for an LLM's verdict or an event not triaged yet (nothing to compare with).
  bool SignalChanged() const;
  bool NotificationChanged() const;
};

// `stored` run through `proposed`'s rules; `current` says, for an event triaged before scores were
// kept, what notify_at its signal was held to. `detected` is when it was detected.
ReplayedEvent ReplayEvent(const TriageSettings& current, const TriageSettings& proposed, const StoredTriage& stored,
                          TimePoint detected);

struct ReplaySummary {
  int events = 0;
  int signals_changed = 0;
  int notifications_gained = 0;  // would notify, did not
  int notifications_lost = 0;    // did notify, would not
  int by_llm = 0;
};

ReplaySummary Summarise(const std::vector<ReplayedEvent>& replayed);

// {event_id, watcher, community, title, before: {signal, score, notification_id}, after: {signal,
// score, reasoning, notify}, signal_changed, notification_changed, by_llm}.
nlohmann::json ReplayedJson(const ReplayedEvent& r);

}  // namespace vigil
