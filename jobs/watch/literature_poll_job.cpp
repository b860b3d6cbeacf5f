#include "jobs/watch/literature_poll_job.h"

#include <spdlog/spdlog.h>

#include "common/iso8601.h"
#include "common/metrics.h"
#include "jobs/triage/triage_job.h"
#include "sources/watcher_decls.h"
#include "store/db_time.h"
#include "store/event_repo.h"
#include "store/watcher_repo.h"
#include "store/watcher_state_repo.h"

namespace vigil {
namespace {

std::chrono::milliseconds FailureBackoff(int failures, std::chrono::milliseconds every) {
  auto d = every * (1LL << std::min(failures, 10));
  return std::min<std::chrono::milliseconds>(d, std::chrono::hours(24));
}

JobResult Poll(const Runtime& runtime, JobContext& ctx) {
  std::string name = ctx.args.value("watcher", "");
  auto config = runtime.config();
  const nlohmann::json* w = FindWatcherConfig(*config, name);
  if (w == nullptr || !w->value("enabled", true)) return JobResult::Done();  // removed or disabled since
  auto db = ctx.db();
  if (!db.ok()) return JobResult::Retry(db.error());
  auto state = GetWatcherState(**db, name);
  if (!state.ok()) return JobResult::Retry(state.error());
  auto now = ctx.clock.Now();
  bool manual = ctx.args.value("manual", false);
  if (*state && (*state)->next_poll_at_us > ToMicros(now) && !manual) return JobResult::Done();  // backing off
  PollCursor cursor;
  if (*state && (*state)->last_success_at_us > 0) cursor.last_success = FromMicros((*state)->last_success_at_us);
  LiteratureSpec spec = LiteratureSpecFrom(*w);
  if (spec.email.empty()) spec.email = config->GetString("http.contact_email");
  auto polled = PollLiterature(spec, cursor, *runtime.http(), &ctx.cancel, now);
  if (!polled.ok()) {
    int failures = *state ? (*state)->consecutive_failures + 1 : 1;
    auto every = std::chrono::milliseconds(w->value("every", int64_t(3600000)));
    (void)RecordPollFailure(**db, name, now, polled.error(), now + FailureBackoff(failures, every));
    Metrics::Global().Set("vigil_watcher_failing", {{"watcher", name}}, 1);
    Metrics::Global().Inc("vigil_watcher_polls_total", {{"watcher", name}, {"result", "failed"}});
    return JobResult::Retry("poll of " + name + " failed: " + polled.error());
  }
  auto watcher_id = WatcherIdByName(**db, name);
  if (!watcher_id.ok() || !*watcher_id) return JobResult::Retry("watcher " + name + " is not in the watchers table yet");
  std::string community_id;
  if (!w->value("community", "").empty()) {
    auto c = EnsureCommunity(**db, w->value("community", ""), now);
    if (c.ok()) community_id = *c;
  }
  std::vector<EventInsert> inserts;
  for (auto& e : polled->events) {
    EventInsert in{**watcher_id, community_id, std::move(e), {}, polled->updates_existing};
    in.follow_ups.push_back(TriageFollowUp());
    inserts.push_back(std::move(in));
  }
  auto stored = InsertEvents(**db, inserts, now);
  if (!stored.ok()) return JobResult::Retry(stored.error());
  int added = 0;
  for (const auto& r : *stored) added += r.inserted;
  nlohmann::json cur = {{"last_success", FormatIso8601(now)}, {"items", inserts.size()}, {"added", added}};
  (void)RecordPollSuccess(**db, name, now, cur.dump());
  Metrics::Global().Set("vigil_watcher_failing", {{"watcher", name}}, 0);
  Metrics::Global().Set("vigil_watcher_last_success_timestamp_seconds", {{"watcher", name}}, ToUnixSeconds(now));
  Metrics::Global().Inc("vigil_watcher_polls_total", {{"watcher", name}, {"result", "ok"}});
  Metrics::Global().Inc("vigil_watcher_events_total", {{"watcher", name}}, added);
  for (const auto& warning : polled->warnings) spdlog::debug("watcher {}: {}", name, warning);
  spdlog::info("watcher {}: {} items, {} new{}", name, inserts.size(), added, polled->not_modified ? " (not modified)" : "");
  return JobResult::Done();
}

}  // namespace

LiteratureSpec LiteratureSpecFrom(const nlohmann::json& w) {
  LiteratureSpec s;
  s.name = w.value("name", "");
  s.source = w.value("source", "");
  s.query = w.value("query", "");
  s.url = w.value("url", "");
  s.base_url = w.value("base_url", "");
  s.first_poll_limit = w.value("first_poll_limit", 50);
  s.api_key = w.value("api_key", "");
  s.email = w.value("email", "");
  return s;
}

KindSpec LiteraturePollKind(const Runtime& runtime) {
  KindSpec spec;
  spec.kind = "literature_poll";
  spec.timeout = std::chrono::minutes(10);
  spec.backoff.base = std::chrono::seconds(30);
  spec.handler = [&runtime](JobContext& ctx) { return Poll(runtime, ctx); };
  return spec;
}

}  // namespace vigil
