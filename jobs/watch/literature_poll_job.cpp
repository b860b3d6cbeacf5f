#include "jobs/watch/literature_poll_job.h"

#include <spdlog/spdlog.h>

#include "common/iso8601.h"
#include "common/metrics.h"
#include "jobs/watch/watcher_job.h"
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

// A literature watcher as its job reads it: the poller's spec and how often it is polled.
struct LiteratureWatcher {
  LiteratureSpec spec;
  std::chrono::milliseconds every{3600000};
};

Result<LiteratureWatcher> ParseLiteratureWatcher(const Config& config, const nlohmann::json& w, size_t) {
  LiteratureWatcher out{LiteratureSpecFrom(w), std::chrono::milliseconds(w.value("every", int64_t(3600000)))};
  if (out.spec.email.empty()) out.spec.email = config.GetString("http.contact_email");
  return out;
}

Result<ParsedWatchers<LiteratureWatcher>> ParseLiteratureWatchers(const Config& config) {
  return ParseEnabledWatchers(config, "literature", &ParseLiteratureWatcher);
}

// One poll, unless the watcher is backing off after transient failures (a manual poll does not
// wait). A transient failure backs off (FailureBackoff); a permanent one (ErrorKind::kPermanent:
// HTTP 404, an invalid query) keeps the normal schedule, since waiting longer will not heal it;
// a manual poll's failure leaves the backoff as it was (WatcherPass::manual).
Result<WatcherPass> Poll(const LiteratureWatcher& w, WatcherRunContext& rc) {
  const std::string& name = w.spec.name;
  WatcherPass pass;
  auto state = GetWatcherState(rc.db, name);
  if (!state.ok()) return state.status();
  bool manual = rc.job.args.value("manual", false);
  if (*state && (*state)->next_poll_at_us > ToMicros(rc.now) && !manual) {
    pass.skipped = true;
    return pass;
  }
  PollCursor cursor;
  if (*state && (*state)->last_success_at_us > 0) cursor.last_success = FromMicros((*state)->last_success_at_us);
  auto polled = PollLiterature(w.spec, cursor, *rc.runtime.http(), &rc.job.cancel, rc.now);
  if (!polled.ok()) {
    int failures = *state ? (*state)->consecutive_failures + 1 : 1;
    pass.failure = polled.error();
    pass.permanent = polled.status().kind() == ErrorKind::kPermanent;
    pass.manual = manual;
    if (!pass.permanent && !manual) pass.next_poll_at = rc.now + FailureBackoff(failures, w.every);
    return pass;
  }
  for (const auto& warning : polled->warnings) spdlog::debug("watcher {}: {}", name, warning);
  pass.cursor = {{"last_success", FormatIso8601(rc.now)}, {"items", polled->events.size()}};
  pass.summary = std::to_string(polled->events.size()) + " items" + (polled->not_modified ? " (not modified)" : "");
  pass.updates_existing = polled->updates_existing;
  pass.events = std::move(polled->events);
  return pass;
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
  s.from_data = w.contains("platform_row");
  return s;
}

KindSpec LiteraturePollKind(const Runtime& runtime) {
  KindSpec spec;
  spec.kind = "literature_poll";
  spec.timeout = std::chrono::minutes(10);
  spec.backoff.base = std::chrono::seconds(30);
  spec.handler = WatcherJob<LiteratureWatcher>(runtime, "literature", &ParseLiteratureWatchers, Poll);
  return spec;
}

}  // namespace vigil
