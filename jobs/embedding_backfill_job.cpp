#include "jobs/embedding_backfill_job.h"

#include <spdlog/spdlog.h>

#include "daemon/metrics.h"
#include "jobs/embedding_batches.h"
#include "jobs/embedding_target_store.h"
#include "jobs/maintenance_kinds.h"

namespace vigil {
namespace {

using Seconds = std::chrono::duration<double>;

// Times a section into one of the summary's buckets.
class Stopwatch {
 public:
  explicit Stopwatch(double* bucket) : bucket_(bucket), start_(std::chrono::steady_clock::now()) {}
  ~Stopwatch() { *bucket_ += Seconds(std::chrono::steady_clock::now() - start_).count(); }

 private:
  double* bucket_;
  std::chrono::steady_clock::time_point start_;
};

// One target's pass; returns false when the run must stop (error, long pause, cancel).
class TargetPass {
 public:
  TargetPass(const EmbeddingBackfillConfig& config, EmbeddingTargetStore& store, EmbeddingProvider& provider,
             const BackfillRun& run, BackfillSummary& summary, TargetBackfillSummary& target)
      : config_(config), store_(store), provider_(provider), run_(run), summary_(summary), target_(target) {}

  bool Run() {
    auto cursor = store_.LoadCursor();
    if (!cursor.ok()) return Stop(cursor.error());
    std::string after = *cursor;
    while (true) {
      if (run_.cancel && run_.cancel->cancelled()) return Cancelled();
      Result<SourcePage> page = ReadPage(after);
      if (!page.ok()) return Stop(page.error());
      if (page->scanned == 0) break;
      target_.scanned += static_cast<int64_t>(page->scanned);
      target_.blocked += static_cast<int64_t>(page->blocked);
      if (!EmbedPage(page->pending)) return false;
      Status saved = store_.SaveCursor(page->last_id, run_.clock->Now());
      if (!saved.ok()) return Stop(saved.message());
      after = page->last_id;
      if (run_.on_progress) run_.on_progress(target_);
    }
    Status cleared = store_.ClearCursor();
    if (!cleared.ok()) return Stop(cleared.message());
    target_.complete = true;
    if (run_.on_progress) run_.on_progress(target_);
    return true;
  }

 private:
  Result<SourcePage> ReadPage(const std::string& after) {
    Stopwatch watch(&summary_.read_seconds);
    return store_.NextPage(after, config_.page_size);
  }

  bool EmbedPage(std::vector<SourceRow>& rows) {
    const auto& p = config_.provider;
    std::vector<size_t> tokens;
    for (auto& row : rows) {
      row.text = TruncateToTokens(row.text, static_cast<size_t>(p.max_input_tokens));
      tokens.push_back(EstimateTokens(row.text));
    }
    for (const auto& range : PlanBatches(tokens, static_cast<size_t>(p.batch_size), static_cast<size_t>(p.max_batch_tokens))) {
      std::vector<SourceRow> batch(rows.begin() + static_cast<long>(range.begin), rows.begin() + static_cast<long>(range.end));
      if (!EmbedBatch(batch)) return false;
    }
    return true;
  }

  // Embeds and writes `batch`; a refused batch is halved until the refused rows are found.
  bool EmbedBatch(const std::vector<SourceRow>& batch) {
    std::vector<std::string> texts;
    for (const auto& row : batch) texts.push_back(row.text);
    EmbedOutcome outcome;
    {
      Stopwatch watch(&summary_.provider_seconds);
      outcome = provider_.Embed(texts, run_.cancel);
    }
    summary_.provider_seconds -= outcome.codec_seconds;
    summary_.codec_seconds += outcome.codec_seconds;
    ++summary_.requests;
    Metrics::Global().Inc("vigil_embedding_requests_total", {{"target", target_.target}, {"result", outcome.ok() ? "ok" : "error"}});
    if (outcome.ok()) return Write(batch, outcome.vectors);
    if (outcome.retry_after) {
      summary_.retry_after = outcome.retry_after;
      return Stop("the provider asked to wait " + std::to_string(outcome.retry_after->count()) + "s");
    }
    if (run_.cancel && run_.cancel->cancelled()) return Cancelled();
    if (!outcome.refused_inputs()) return Stop(outcome.error);
    if (batch.size() == 1) return Refused(batch[0], outcome.error);
    size_t half = batch.size() / 2;
    return EmbedBatch({batch.begin(), batch.begin() + static_cast<long>(half)}) &&
           EmbedBatch({batch.begin() + static_cast<long>(half), batch.end()});
  }

  bool Write(const std::vector<SourceRow>& batch, const std::vector<Vector>& vectors) {
    Stopwatch watch(&summary_.write_seconds);
    Status s = store_.WriteBatch(batch, vectors, run_.clock->Now());
    if (!s.ok()) return Stop(s.message());
    target_.embedded += static_cast<int64_t>(batch.size());
    Metrics::Global().Inc("vigil_embedding_rows_total", {{"target", target_.target}, {"result", "embedded"}}, double(batch.size()));
    return true;
  }

  bool Refused(const SourceRow& row, const std::string& error) {
    spdlog::warn("embedding_backfill {}: row {} refused: {}", target_.target, row.id_text, error);
    Status s = store_.RecordFailure(row, error, run_.clock->Now());
    if (!s.ok()) return Stop(s.message());
    ++target_.failed;
    Metrics::Global().Inc("vigil_embedding_rows_total", {{"target", target_.target}, {"result", "failed"}});
    return true;
  }

  bool Stop(const std::string& error) {
    summary_.error = target_.target + ": " + error;
    return false;
  }
  bool Cancelled() {
    summary_.cancelled = true;
    return false;
  }

  const EmbeddingBackfillConfig& config_;
  EmbeddingTargetStore& store_;
  EmbeddingProvider& provider_;
  const BackfillRun& run_;
  BackfillSummary& summary_;
  TargetBackfillSummary& target_;
};

// For the length of a pass, the connection's commits do not wait for the disk: SQLite in WAL mode
// with synchronous = NORMAL, PostgreSQL with synchronous_commit = off. A commit is still atomic
// and survives vigil being killed (the WAL or the server has it); only a power loss or an OS
// crash may drop the last batches, and those rows are simply embedded again on the next run.
// Vectors are derived data, so this trades nothing of value for not waiting on an fsync per
// batch, which was most of a fast backfill's wall time. The previous setting is restored.
class RelaxedCommits {
 public:
  explicit RelaxedCommits(SqlConnection& db) : db_(db) {
    bool pg = db_.dialect() == "postgres";
    auto r = db_.Query(pg ? "SHOW synchronous_commit" : "PRAGMA synchronous");
    if (!r.ok() || r->rows.empty()) return;
    previous_ = r->rows[0].Text(0);
    if (!RelaxCommitSync(db_).ok()) previous_.clear();
  }
  ~RelaxedCommits() {
    if (previous_.empty()) return;
    bool pg = db_.dialect() == "postgres";
    (void)db_.ExecScript(pg ? "SET synchronous_commit = '" + previous_ + "'" : "PRAGMA synchronous = " + previous_);
  }
  RelaxedCommits(const RelaxedCommits&) = delete;
  RelaxedCommits& operator=(const RelaxedCommits&) = delete;

 private:
  SqlConnection& db_;
  std::string previous_;  // "" when nothing was changed
};

int64_t CountSourceRows(SqlConnection& db, const EmbeddingSource& s) {
  std::string sql = "SELECT COUNT(*) FROM " + s.table + " WHERE " + s.text_column + " IS NOT NULL";
  if (!s.filter.empty()) sql += " AND (" + s.filter + ")";
  auto r = db.Query(sql);
  return r.ok() && !r->rows.empty() ? r->rows[0].Int(0) : 0;
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
    out["targets"].push_back({{"target", t.target}, {"missing", t.missing}, {"source_rows", t.source_rows}, {"scanned", t.scanned},
                              {"embedded", t.embedded}, {"failed", t.failed}, {"blocked", t.blocked}, {"complete", t.complete}});
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
    t.source_rows = CountSourceRows(platform, target.source);
    if (!TargetPass(config, store, provider, run, summary, t).Run()) break;
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
  auto parsed = EmbeddingBackfillConfigFrom(env.config);
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
