#include "jobs/watch/watcher_job.h"

#include <spdlog/spdlog.h>

#include "common/metrics.h"
#include "jobs/watch/watcher_event_inserts.h"
#include "store/event_repo.h"
#include "store/watcher_state_repo.h"

namespace vigil {

JobResult FinishWatcherPass(SqlConnection& db, const std::string& type, const std::string& name,
                            const std::string& community, WatcherPass pass, TimePoint now) {
  if (pass.skipped) return JobResult::Done();
  auto& metrics = Metrics::Global();
  if (pass.failure) {
    PollFailure failure{*pass.failure, pass.next_poll_at == TimePoint{} ? now : pass.next_poll_at, pass.permanent,
                        !pass.manual};
    if (pass.permanent) failure.next_allowed = now;  // the normal schedule, no backoff
    (void)RecordPollFailure(db, name, now, failure);
    metrics.Set("vigil_watcher_failing", {{"watcher", name}}, 1);
    metrics.Inc("vigil_watcher_polls_total", {{"watcher", name}, {"result", "failed"}});
    std::string error = type + " watcher " + name + ": " + (pass.permanent ? "permanent failure: " : "") + *pass.failure;
    // Waiting will not heal it, or a person asked for this run and sees its outcome.
    if (pass.permanent || pass.manual) return JobResult::Discard(error);
    return JobResult::Retry(error);
  }
  int added = pass.stored_by_source;
  if (!pass.events.empty()) {
    auto inserts = WatcherEventInserts(db, name, community, std::move(pass.events), now, pass.updates_existing);
    if (!inserts.ok()) return JobResult::Retry(inserts.error());
    auto stored = InsertEvents(db, *inserts, now);
    if (!stored.ok()) return JobResult::Retry(stored.error());
    for (const auto& r : *stored) added += r.inserted;
  }
  if (pass.cursor.is_object()) {
    pass.cursor["added"] = added;
    (void)RecordPollSuccess(db, name, now, pass.cursor.dump());
  }
  metrics.Set("vigil_watcher_failing", {{"watcher", name}}, 0);
  metrics.Set("vigil_watcher_last_success_timestamp_seconds", {{"watcher", name}}, ToUnixSeconds(now));
  metrics.Inc("vigil_watcher_polls_total", {{"watcher", name}, {"result", "ok"}});
  metrics.Inc("vigil_watcher_events_total", {{"watcher", name}}, added);
  if (!pass.summary.empty() || added > 0) {
    spdlog::info("{} watcher {}: {}{} new", type, name, pass.summary.empty() ? "" : pass.summary + ", ", added);
  }
  return JobResult::Done();
}

}  // namespace vigil
