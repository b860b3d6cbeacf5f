#include "jobs/log_tail_job.h"

#include <spdlog/spdlog.h>

#include "common/text_template.h"
#include "daemon/metrics.h"
#include "daemon/watcher_decls.h"
#include "sources/log/log_files.h"
#include "sources/log/log_tailer.h"
#include "store/event_repo.h"
#include "store/watcher_repo.h"
#include "store/watcher_state_repo.h"

namespace vigil {
namespace {

constexpr size_t kMaxTitle = 500;
constexpr size_t kMaxSummary = 4000;
constexpr int kMaxPassesPerJob = 16;

Event EventFor(const LogWatcherSpec& spec, const TailedRecord& t, const LogRuleMatch& m) {
  const std::string& text = t.record.text;
  nlohmann::json vars = m.captures;
  vars["rule"] = m.rule->name;
  vars["path"] = t.path;
  vars["line"] = text.substr(0, text.find('\n'));
  vars["watcher"] = spec.name;
  Event e;
  e.title = RenderTemplate(m.rule->title, vars).substr(0, kMaxTitle);
  e.summary = text.substr(0, kMaxSummary);
  e.source_type = "log";
  // The record's file and offset make it unique; the content hash keeps a record written at the
  // same offset after a copytruncate distinct from the one that stood there before.
  e.source_id = std::to_string(t.inode) + ":" + std::to_string(t.record.offset) + ":" + Fnv1aHex(text).substr(0, 8);
  e.source_metadata = {{"path", t.path}, {"inode", t.inode}, {"offset", t.record.offset}, {"rule", m.rule->name},
                       {"captures", m.captures}};
  if (!m.rule->signal.empty()) e.source_metadata["signal_hint"] = m.rule->signal;
  return e;
}

struct PassIds {
  std::string watcher_id;
  std::string community_id;
};

Result<PassIds> IdsFor(SqlConnection& db, const LogWatcherSpec& spec, const std::string& community, TimePoint now) {
  auto id = WatcherIdByName(db, spec.name);
  if (!id.ok()) return id.status();
  if (!*id) return Status::Error("watcher " + spec.name + " is not in the watchers table yet");
  PassIds ids{**id, ""};
  if (!community.empty()) {
    auto c = EnsureCommunity(db, community, now);
    if (!c.ok()) return c.status();
    ids.community_id = *c;
  }
  return ids;
}

std::vector<EventInsert> Inserts(const LogWatcherSpec& spec, const TailResult& tail, const PassIds& ids,
                                 RuleRateLimiter& limiter, TimePoint now, LogTailOutcome* outcome) {
  std::vector<EventInsert> inserts;
  for (const auto& t : tail.records) {
    auto m = spec.rules.Match(t.record.text);
    if (!m) continue;
    if (!limiter.Allow(spec.name, *m->rule, now)) {
      ++outcome->limited;
      continue;
    }
    EventInsert in{ids.watcher_id, ids.community_id, EventFor(spec, t, *m), {}, false};
    in.follow_ups.push_back({.kind = "triage", .args = {{"event_id", "{event_id}"}}, .max_attempts = 5});
    inserts.push_back(std::move(in));
  }
  return inserts;
}

JobResult Run(const Runtime& runtime, RuleRateLimiter& limiter, JobContext& ctx) {
  std::string name = ctx.args.value("watcher", "");
  auto config = runtime.config();
  auto index = FindWatcherIndex(*config, name);
  if (!index) return JobResult::Done();  // removed since the fire
  const auto& w = config->tree()["watchers"][*index];
  if (!w.value("enabled", true) || w.value("type", "") != "log") return JobResult::Done();
  auto spec = ParseLogWatcherSpec(*config, w, *index);
  if (!spec.ok()) return JobResult::Discard(spec.error());
  auto db = ctx.db();
  if (!db.ok()) return JobResult::Retry(db.error());
  LogTailOutcome total;
  for (int pass = 0; pass < kMaxPassesPerJob && !ctx.cancel.cancelled(); ++pass) {
    auto outcome = RunLogTailPass(**db, *spec, w.value("community", ""), limiter, ctx.clock.Now());
    if (!outcome.ok()) return JobResult::Retry("log watcher " + name + ": " + outcome.error());
    total.records += outcome->records;
    total.events += outcome->events;
    total.limited += outcome->limited;
    if (!outcome->more) break;
  }
  Metrics::Global().Inc("vigil_log_records_total", {{"watcher", name}}, total.records);
  Metrics::Global().Inc("vigil_watcher_events_total", {{"watcher", name}}, total.events);
  Metrics::Global().Inc("vigil_log_rate_limited_total", {{"watcher", name}}, total.limited);
  if (total.events > 0 || total.limited > 0)
    spdlog::info("log watcher {}: {} records, {} new events, {} over rate limits", name, total.records, total.events, total.limited);
  return JobResult::Done();
}

}  // namespace

Result<LogTailOutcome> RunLogTailPass(SqlConnection& db, const LogWatcherSpec& spec, const std::string& community,
                                      RuleRateLimiter& limiter, TimePoint now) {
  LogTailOutcome outcome;
  Status s = InTransaction(db, /*immediate=*/true, [&]() -> Status {
    Status locked = LockLogWatcher(db, spec.name);
    if (!locked.ok()) return locked;
    auto ids = IdsFor(db, spec, community, now);
    if (!ids.ok()) return ids.status();
    auto state = GetWatcherState(db, spec.name);
    auto offsets = LoadLogOffsets(db, spec.name);
    if (!state.ok() || !offsets.ok()) return state.ok() ? offsets.status() : state.status();
    TailOptions options;
    options.first_run = !*state || (*state)->last_success_at_us == 0;
    TailResult tail = TailLogFiles(spec, *offsets, now, options);
    auto stored = InsertEventsInTx(db, Inserts(spec, tail, *ids, limiter, now, &outcome), now);
    if (!stored.ok()) return stored.status();
    for (const auto& r : *stored) outcome.events += r.inserted;
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
  spec.handler = [&runtime, limiter](JobContext& ctx) { return Run(runtime, *limiter, ctx); };
  return spec;
}

}  // namespace vigil
