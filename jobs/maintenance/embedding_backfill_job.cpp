#include "jobs/maintenance/embedding_backfill_job.h"

#include <spdlog/spdlog.h>

#include "common/metrics.h"
#include "jobs/maintenance/embedding_target_pass.h"
#include "jobs/maintenance/embedding_target_store.h"
#include "jobs/maintenance/maintenance_kinds.h"
#include "store/sqlite/background_checkpoints.h"

namespace vigil {
namespace {

using Seconds = std::chrono::duration<double>;

// For the length of a pass, the connection's commits do not wait for the disk: SQLite in WAL mode
// with synchronous = NORMAL, PostgreSQL with synchronous_commit = off. A commit is still atomic
// and survives vigil being killed (the WAL or the server has it); only a power loss or an OS
// crash may drop the last batches, and those rows are simply embedded again on the next run.
// Vectors are derived data, so this trades nothing of value for not waiting on an fsync per
// batch, which was most of a fast backfill's wall time. SQLite's checkpoints move to a thread of
// their own (BackgroundCheckpoints): a checkpoint syncs the database file, and done by the pass's
// connection (every 1,000 pages by default) it made a batch write take 10 to 70 ms now and then,
// long enough to leave a fast provider idle. The connection's own settings are restored.
class RelaxedCommits {
 public:
  explicit RelaxedCommits(SqlConnection& db) : db_(db), checkpoints_(db) { relaxed_ = RelaxCommitSync(db_).ok(); }
  ~RelaxedCommits() {
    if (relaxed_) (void)RestoreCommitSync(db_);
  }
  RelaxedCommits(const RelaxedCommits&) = delete;
  RelaxedCommits& operator=(const RelaxedCommits&) = delete;

 private:
  SqlConnection& db_;
  BackgroundCheckpoints checkpoints_;
  bool relaxed_ = false;
};

int64_t CountSourceRows(SqlConnection& db, const EmbeddingSource& s) {
  std::string sql = "SELECT COUNT(*) FROM " + s.table + " WHERE " + s.text_column + " IS NOT NULL";
  if (!s.filter.empty()) sql += " AND (" + s.filter + ")";
  auto r = db.Query(sql);
  return r.ok() && !r->rows.empty() ? r->rows[0].Int(0) : 0;
}

// One target's pass: a reconcile pass when none has finished yet, one is under way (its cursor is
// saved) or the last is `reconcile_every` old; else a pass over the rows past the watermark.
bool SyncTarget(const EmbeddingBackfillConfig& config, EmbeddingTargetStore& store, EmbeddingProvider& provider, const BackfillRun& run,
                BackfillSummary& summary, TargetBackfillSummary& t) {
  auto fail = [&](const std::string& error) {
    summary.error = t.target + ": " + error;
    return false;
  };
  auto marks = store.LoadMarks();
  if (!marks.ok()) return fail(marks.error());
  auto cursor = store.LoadCursor();
  if (!cursor.ok()) return fail(cursor.error());
  TimePoint now = run.clock->Now();
  bool reconcile = !marks->reconciled_at || !cursor->empty() || now - *marks->reconciled_at >= config.reconcile_every;
  if (!reconcile) {
    t.pass = "new_rows";
    return RunTargetPass(config, store, provider, run, summary, t, true, marks->mark);
  }
  t.pass = "reconcile";
  if (cursor->empty()) {  // a new reconcile: where the source ends now is where the watermark moves
    auto end = store.SourceEnd();
    if (!end.ok()) return fail(end.error());
    store.SetPending(*end);
  }
  t.source_rows = CountSourceRows(store.platform(), store.target().source);
  if (!RunTargetPass(config, store, provider, run, summary, t, false, std::nullopt)) return false;
  auto deleted = store.RemoveDeleted(config.page_size);
  if (!deleted.ok()) return fail(deleted.error());
  t.deleted = *deleted;
  if (t.deleted > 0) {
    Metrics::Global().Inc("vigil_embedding_rows_total", {{"target", t.target}, {"result", "deleted"}}, double(t.deleted));
  }
  Status finished = store.FinishReconcile(run.clock->Now());
  if (!finished.ok()) return fail(finished.message());
  return true;
}

}  // namespace

bool BackfillSummary::AllMissing() const {
  for (const auto& t : targets) {
    if (t.missing.empty()) return false;
  }
  return !targets.empty();
}

nlohmann::json BackfillSummary::ToJson() const {
  nlohmann::json out = {{"requests", requests}, {"provider_seconds", provider_seconds}, {"codec_seconds", codec_seconds},
                        {"read_seconds", read_seconds},
                        {"write_seconds", write_seconds}, {"elapsed_seconds", elapsed_seconds}, {"cancelled", cancelled},
                        {"error", error}, {"targets", nlohmann::json::array()}};
  if (retry_after) out["retry_after_seconds"] = retry_after->count();
  for (const auto& t : targets) {
    out["targets"].push_back({{"target", t.target}, {"missing", t.missing}, {"pass", t.pass}, {"source_rows", t.source_rows},
                              {"scanned", t.scanned}, {"embedded", t.embedded}, {"changed", t.changed}, {"adopted", t.adopted},
                              {"deleted", t.deleted}, {"chunked", t.chunked}, {"cut", t.cut}, {"failed", t.failed},
                              {"blocked", t.blocked}, {"complete", t.complete}});
  }
  return out;
}

BackfillSummary RunEmbeddingBackfill(const EmbeddingBackfillConfig& config, SqlConnection& platform, SqlConnection& vigil,
                                     EmbeddingProvider& provider, const BackfillRun& run) {
  BackfillSummary summary;
  auto start = std::chrono::steady_clock::now();
  RelaxedCommits relaxed_platform(platform);
  std::optional<RelaxedCommits> relaxed_vigil;
  if (&vigil != &platform) relaxed_vigil.emplace(vigil);
  ModelStamp stamp{provider.model(), config.provider.dimensions};
  for (const auto& target : config.targets) {
    summary.targets.push_back({.target = target.name});
    TargetBackfillSummary& t = summary.targets.back();
    EmbeddingTargetStore store(target, platform, vigil, stamp, config.max_row_attempts);
    auto ready = store.Prepare();
    if (!ready.ok()) {
      summary.error = target.name + ": " + ready.error();
      break;
    }
    if (!ready->empty()) {
      t.missing = *ready;
      continue;
    }
    if (!SyncTarget(config, store, provider, run, summary, t)) break;
    Metrics::Global().Set("vigil_embedding_last_complete_timestamp_seconds", {{"target", target.name}}, ToUnixSeconds(run.clock->Now()));
  }
  summary.elapsed_seconds = Seconds(std::chrono::steady_clock::now() - start).count();
  return summary;
}

Status ValidateEmbeddingBackfill(const Config& config) { return EmbeddingBackfillConfigFrom(config).status(); }

namespace {

// How a pass ends, for the engine and the CLI: Snooze while every target's tables are missing
// or the provider asked for a long pause, Retry when stopped early, else Done.
JobResult NextAfter(const BackfillSummary& summary) {
  if (summary.AllMissing()) return JobResult::Snooze(kMissingTablesWait, "tables missing");
  if (summary.retry_after) return JobResult::Snooze(*summary.retry_after, summary.error);
  if (summary.cancelled) return JobResult::Retry("cancelled");
  if (!summary.error.empty()) return JobResult::Retry(summary.error);
  return JobResult::Done();
}

}  // namespace

MaintenanceOutcome RunEmbeddingBackfillJob(MaintenanceEnv& env) {
  MaintenanceOutcome out;
  auto settings = SettingsOf(env, &EmbeddingBackfillConfigFrom);
  const auto& parsed = *settings;
  if (!parsed.ok() || !parsed->enabled) {
    out.next = JobResult::Discard(parsed.ok() ? std::string(kEmbeddingBackfillAt) + " is not configured (or enabled: false)" : parsed.error());
    return out;
  }
  auto opened = OpenJobDatabase(parsed->database_url, env.config);
  if (!opened.ok()) {
    out.next = JobResult::Retry(opened.error());
    return out;
  }
  SqlConnection& platform = *opened ? **opened : env.own_db;
  auto provider = MakeEmbeddingProvider(parsed->provider, &env.http);
  BackfillRun run{.cancel = env.cancel, .clock = &SystemClock::Instance(), .on_progress = nullptr};
  if (env.progress) {
    run.on_progress = [&env](const TargetBackfillSummary& t) {
      env.progress(static_cast<size_t>(t.scanned), static_cast<size_t>(std::max(t.scanned, t.source_rows)));
    };
  }
  BackfillSummary summary = RunEmbeddingBackfill(*parsed, platform, env.own_db, *provider, run);
  std::string label = JobDatabaseLabel(parsed->database_url);
  for (const auto& t : summary.targets) {
    if (!t.missing.empty()) LogMissingTablesOnce("embedding_backfill", label, {t.target + ": " + t.missing});
  }
  out.summary = summary.ToJson();
  out.summary["database"] = label;
  out.next = NextAfter(summary);
  return out;
}

}  // namespace vigil
