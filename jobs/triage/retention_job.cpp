#include "jobs/triage/retention_job.h"

#include <spdlog/spdlog.h>

#include "jobs/triage/triage_handler.h"
#include "jobs/triage/triage_job.h"
#include "store/db_time.h"
#include "store/triage_repo.h"

namespace vigil {
namespace {

// A notification a person acted on, or whose thread the platform opened, is kept whatever its age,
// and so is the event it points to: the thread and the person's note refer to them.
constexpr const char* kPrunable = "status <> 'acted' AND thread_id IS NULL";
constexpr const char* kKeptEvents =
    "SELECT event_id FROM notifications WHERE event_id IS NOT NULL AND (status = 'acted' OR thread_id IS NOT NULL)";

}  // namespace

Result<RetentionReport> PruneTriageData(SqlConnection& db, const RetentionSettings& retention, TimePoint now) {
  RetentionReport report;
  std::string events_before = SeedTimestamp(now - retention.events, db.dialect());
  std::string notes_before = SeedTimestamp(now - retention.notifications, db.dialect());
  std::string raw_before = SeedTimestamp(now - retention.raw_data, db.dialect());
  // The old events that go: not one a kept notification points to.
  std::string old_events = std::string("detected_at < $1 AND id NOT IN (") + kKeptEvents + ")";
  Status s = InTransaction(db, true, [&]() -> Status {
    auto notes = db.Query("DELETE FROM notifications WHERE " + std::string(kPrunable) +
                              " AND (created_at < $1 OR event_id IN (SELECT id FROM watcher_events WHERE detected_at < $2))",
                          {notes_before, events_before});
    if (!notes.ok()) return notes.status();
    report.notifications_deleted = notes->affected;
    auto items = db.Query("DELETE FROM vigil_digest_items WHERE event_id IN (SELECT CAST(id AS TEXT) FROM watcher_events WHERE " + old_events + ")",
                          {events_before});
    if (!items.ok()) return items.status();
    auto scores = db.Query("DELETE FROM vigil_event_scores WHERE event_id IN (SELECT CAST(id AS TEXT) FROM watcher_events WHERE " + old_events + ")",
                           {events_before});
    if (!scores.ok()) return scores.status();
    auto digests = db.Query("DELETE FROM vigil_digests WHERE created_at < $1", {ToMicros(now - retention.notifications)});
    if (!digests.ok()) return digests.status();
    auto events = db.Query("DELETE FROM watcher_events WHERE " + old_events, {events_before});
    if (!events.ok()) return events.status();
    report.events_deleted = events->affected;
    // An item seen again after its event is gone is stored again (triage's dedupe keys, which
    // outlive events, keep it from being announced twice).
    auto sources = db.Query("DELETE FROM vigil_event_sources WHERE event_id NOT IN (SELECT id FROM watcher_events)");
    if (!sources.ok()) return sources.status();
    auto raw = db.Query("UPDATE watcher_events SET raw_data = NULL WHERE detected_at < $1 AND raw_data IS NOT NULL", {raw_before});
    if (!raw.ok()) return raw.status();
    report.raw_data_cleared = raw->affected;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return report;
}

KindSpec TriageRetentionKind(const Runtime& runtime) {
  KindSpec spec;
  spec.kind = "triage_retention";
  spec.timeout = std::chrono::minutes(10);
  spec.handler = WithTriageSettings(runtime, [](const TriageSettings& settings, SqlConnection& db, JobContext& ctx) {
    auto report = PruneTriageData(db, settings.retention, ctx.clock.Now());
    if (!report.ok()) return JobResult::Retry(report.error());
    auto words = PruneTitleTokens(db, ctx.clock.Now() - settings.LongestNoveltyWindow());
    if (!words.ok()) return JobResult::Retry(words.error());
    // Only today's count is read; yesterday's is kept for a daemon whose clock is behind.
    if (Status s = PruneAutoThreadCounts(db, ctx.clock.Now() - std::chrono::hours(24)); !s.ok()) return JobResult::Retry(s.message());
    // A safety net for the triage queue: events queued with no triage job to take them (one
    // discarded after its last attempt in a long outage) get one.
    if (Status s = ResumeQueuedTriage(db, ctx.clock.Now()); !s.ok()) return JobResult::Retry(s.message());
    spdlog::info("retention: {} events, {} notifications deleted; raw_data cleared on {} events; {} title words past every novelty window",
                 report->events_deleted, report->notifications_deleted, report->raw_data_cleared, *words);
    return JobResult::Done();
  });
  return spec;
}

}  // namespace vigil
