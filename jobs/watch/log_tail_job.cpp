#include "jobs/watch/log_tail_job.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/metrics.h"
#include "jobs/watch/journal_pass.h"
#include "jobs/watch/watcher_event_inserts.h"
#include "jobs/watch/watcher_job.h"
#include "sources/log/log_event.h"
#include "sources/log/log_files.h"
#include "sources/log/log_tailer.h"
#include "sources/watcher_decls.h"
#include "store/db_time.h"
#include "store/event_repo.h"
#include "store/watcher_state_repo.h"

namespace vigil {
namespace {

constexpr int kMaxPassesPerJob = 16;

std::vector<Event> MatchedEvents(const LogWatcherSpec& spec, const TailResult& tail, RuleRateLimiter& limiter, TimePoint now,
                                 LogTailOutcome* outcome) {
  std::vector<Event> events;
  for (const auto& t : tail.records) {
    if (auto m = AllowedMatch(spec, t.record.text, limiter, now, outcome)) events.push_back(LogEventFor(spec, t, *m));
  }
  return events;
}

// Up to kMaxPassesPerJob passes while the files have more; each stores its events and offsets in
// one transaction of its own (RunLogTailPass), so the pass reports them as stored by the source.
Result<WatcherPass> Tail(const LogWatcherSpec& spec, const std::string& community, RuleRateLimiter& limiter,
                         WatcherRunContext& rc) {
  LogTailOutcome total;
  rc.runtime.NoteLogPass(spec.name);  // before reading: a change seen after this needs one more pass
  for (int pass = 0; pass < kMaxPassesPerJob && !rc.job.cancel.cancelled(); ++pass) {
    TimePoint now = rc.job.clock.Now();
    auto outcome = spec.journal ? RunJournalPass(rc.db, spec, community, limiter, now) : RunLogTailPass(rc.db, spec, community, limiter, now);
    if (!outcome.ok()) return outcome.status();
    total.records += outcome->records;
    total.events += outcome->events;
    total.limited += outcome->limited;
    if (!outcome->more) break;
  }
  Metrics::Global().Inc("vigil_log_records_total", {{"watcher", spec.name}}, total.records);
  Metrics::Global().Inc("vigil_log_rate_limited_total", {{"watcher", spec.name}}, total.limited);
  WatcherPass out;
  out.stored_by_source = total.events;
  if (total.events > 0 || total.limited > 0)
    out.summary = std::to_string(total.records) + " records, " + std::to_string(total.limited) + " over rate limits";
  return out;
}

bool SameOffsets(std::vector<LogOffset> a, std::vector<LogOffset> b) {
  auto by_path = [](const LogOffset& x, const LogOffset& y) { return x.path < y.path; };
  std::sort(a.begin(), a.end(), by_path);
  std::sort(b.begin(), b.end(), by_path);
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const LogOffset& x, const LogOffset& y) {
    return x.path == y.path && x.inode == y.inode && x.position == y.position && x.head_hash == y.head_hash;
  });
}

// Nothing read and nothing moved: the pass has nothing to write, unless the watcher's status needs it.
bool NothingToRecord(const std::optional<WatcherState>& state, const std::vector<LogOffset>& before, const TailResult& tail,
                     TimePoint now) {
  if (!state || !tail.records.empty() || !SameOffsets(before, tail.offsets)) return false;
  bool healthy = state->last_error.empty() && state->consecutive_failures == 0;
  return healthy && ToMicros(now) - state->last_success_at_us <
                     std::chrono::duration_cast<std::chrono::microseconds>(kLogStatusRefresh).count();
}

}  // namespace

std::optional<LogRuleMatch> AllowedMatch(const LogWatcherSpec& spec, const std::string& text, RuleRateLimiter& limiter,
                                         TimePoint now, LogTailOutcome* outcome) {
  auto m = spec.rules.Match(text);
  if (!m || limiter.Allow(spec.name, *m->rule, now)) return m;
  ++outcome->limited;
  return std::nullopt;
}

Status StorePassEvents(SqlConnection& db, const LogWatcherSpec& spec, const std::string& community, std::vector<Event> events,
                       TimePoint now, LogTailOutcome* outcome) {
  auto inserts = WatcherEventInserts(db, spec.name, community, std::move(events), now);
  if (!inserts.ok()) return inserts.status();
  auto stored = InsertEventsInTx(db, *inserts, now);
  if (!stored.ok()) return stored.status();
  for (const auto& r : *stored) outcome->events += r.inserted;
  return Status::Ok();
}

Result<LogTailOutcome> RunLogTailPass(SqlConnection& db, const LogWatcherSpec& spec, const std::string& community,
                                      RuleRateLimiter& limiter, TimePoint now) {
  LogTailOutcome outcome;
  Status s = InTransaction(db, /*immediate=*/true, [&]() -> Status {
    Status locked = LockLogWatcher(db, spec.name);
    if (!locked.ok()) return locked;
    auto state = GetWatcherState(db, spec.name);
    auto offsets = LoadLogOffsets(db, spec.name);
    if (!state.ok() || !offsets.ok()) return state.ok() ? offsets.status() : state.status();
    TailOptions options;
    options.first_run = !*state || (*state)->last_success_at_us == 0;
    TailResult tail = TailLogFiles(spec, *offsets, now, options);
    if (!options.first_run && NothingToRecord(*state, *offsets, tail, now)) return Status::Ok();
    Status stored = StorePassEvents(db, spec, community, MatchedEvents(spec, tail, limiter, now, &outcome), now, &outcome);
    if (!stored.ok()) return stored;
    outcome.records = static_cast<int>(tail.records.size());
    outcome.more = tail.more;
    Status saved = SaveLogOffsets(db, spec.name, tail.offsets, now);
    if (!saved.ok()) return saved;
    nlohmann::json cursor = {{"files", tail.offsets.size()}, {"records", outcome.records}, {"added", outcome.events}};
    return RecordPollSuccess(db, spec.name, now, cursor.dump());
  });
  if (!s.ok()) return s;
  return outcome;
}

KindSpec LogTailKind(const Runtime& runtime) {
  KindSpec spec;
  spec.kind = "log_tail";
  spec.timeout = std::chrono::minutes(2);
  spec.backoff.base = std::chrono::seconds(2);
  auto limiter = std::make_shared<RuleRateLimiter>();
  spec.handler = WatcherJob<LogWatcherSpec>(runtime, "log", &ParseLogWatchers,
                                            [limiter](const LogWatcherSpec& s, WatcherRunContext& rc) {
                                              return Tail(s, rc.community, *limiter, rc);
                                            });
  return spec;
}

}  // namespace vigil
