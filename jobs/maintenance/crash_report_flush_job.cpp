// The crash_report_flush job: its config block and one run. A run first turns leftover sessions
// into reports (vigil's own in vigil's database; the platform's in the job's `database:` when one
// is named), then sends every unsent report of those databases.
#include <spdlog/spdlog.h>

#include <mutex>

#include "common/json_fields.h"
#include "common/metrics.h"
#include "jobs/maintenance/crash_report_sender.h"
#include "jobs/maintenance/crash_reports.h"
#include "jobs/maintenance/crash_sentinel.h"
#include "jobs/maintenance/maintenance_kinds.h"

namespace vigil {
namespace {

constexpr const char* kAt = "jobs.crash_report_flush";

struct FlushConfig {
  std::string db_url;  // "" = only vigil's own
  TableMapping tables = TableMapping::Defaults(PlatformCrashTables());
  ReportEndpoint endpoint;
  size_t max_pending = 100;
  int loop_threshold = 3;
};

// An integer key of the block: absent gives `fallback`; else at least `min`.
Result<int64_t> IntKey(const Config& config, const nlohmann::json& block, const char* key, int64_t fallback, int64_t min,
                       int64_t max) {
  if (!block.contains(key)) return fallback;
  const auto& v = block[key];
  if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > max)
    return config.ErrorAt(std::string(kAt) + "." + key,
                          "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return v.get<int64_t>();
}

Status FieldError(const Config& config, const std::string& path, const std::string& msg) {
  return config.ErrorAt(path, msg);
}

Result<ReportEndpoint> EndpointFrom(const Config& config, const nlohmann::json& block) {
  std::string at = std::string(kAt) + ".endpoint";
  if (!block.contains("endpoint")) return FieldError(config, kAt, "endpoint.url is required");
  const auto& j = block["endpoint"];
  Status s = CheckKeys(config, j, at, {"url", "token", "token_file", "format"});
  if (!s.ok()) return s;
  ReportEndpoint e;
  for (const char* key : {"url", "format"}) {
    if (!StringField(j, key, "")) return FieldError(config, at + "." + key, "expected a string");
  }
  e.url = *StringField(j, "url", "");
  if (!e.url.starts_with("http://") && !e.url.starts_with("https://"))
    return FieldError(config, at + ".url", "expected an http(s) URL");
  e.format = *StringField(j, "format", "json");
  if (e.format != "json" && e.format != "github") return FieldError(config, at + ".format", "expected json or github");
  auto token = BlockSecret(config, j, at, "token");
  if (!token.ok()) return token.status();
  e.token = *token;
  return e;
}

Result<FlushConfig> FlushConfigFrom(const Config& config) {
  auto target = ParseJobTarget(config, kAt, PlatformCrashTables(), {"endpoint", "max_pending", "loop_threshold"});
  if (!target.ok()) return target.status();
  const auto block = config.Get(kAt);
  FlushConfig c;
  c.db_url = target->db_url;
  c.tables = std::move(target->tables);
  auto endpoint = EndpointFrom(config, block);
  if (!endpoint.ok()) return endpoint.status();
  c.endpoint = std::move(*endpoint);
  auto max_pending = IntKey(config, block, "max_pending", 100, 1, 1000000);
  if (!max_pending.ok()) return max_pending.status();
  auto loop_threshold = IntKey(config, block, "loop_threshold", 3, 1, 1000000);
  if (!loop_threshold.ok()) return loop_threshold.status();
  c.max_pending = static_cast<size_t>(*max_pending);
  c.loop_threshold = static_cast<int>(*loop_threshold);
  return c;
}

void ExportMetrics(const FlushResult& r, int leftovers, const std::string& database) {
  auto& m = Metrics::Global();
  m.Describe("vigil_crash_reports_sent_total", "counter", "Error reports the endpoint accepted.");
  m.Describe("vigil_crash_reports_pending", "gauge", "Unsent error reports after the last flush.");
  m.Describe("vigil_crash_sessions_reported_total", "counter", "Crashed sessions turned into reports.");
  m.Describe("vigil_crash_reports_waiting_consent", "gauge",
             "The platform's reports held until its user accepts the terms (local_settings.terms_accepted_at).");
  m.Describe("vigil_crash_reports_given_up_total", "counter", "Reports given up, the oldest beyond max_pending.");
  m.Describe("vigil_crash_loop_reports_total", "counter", "Crash loops sent as one report each.");
  m.Set("vigil_crash_reports_waiting_consent", {{"database", database}}, static_cast<double>(r.waiting_for_consent));
  m.Inc("vigil_crash_reports_given_up_total", {{"database", database}}, static_cast<double>(r.given_up));
  m.Inc("vigil_crash_loop_reports_total", {{"database", database}}, static_cast<double>(r.loops));
  m.Inc("vigil_crash_reports_sent_total", {{"database", database}}, static_cast<double>(r.sent));
  m.Set("vigil_crash_reports_pending", {{"database", database}}, static_cast<double>(r.pending - r.sent));
  m.Inc("vigil_crash_sessions_reported_total", {{"database", database}}, leftovers);
}

struct Target {
  std::string label;
  SqlConnection* db;
  const TableMapping* tables;
  LeftoverOptions leftovers;
  bool needs_consent;
};

// Leftovers then sends for one database; the figures go into `summary[label]`.
Status FlushTarget(MaintenanceEnv& env, const Target& t, const FlushConfig& c, MaintenanceOutcome* out) {
  auto reported = ReportLeftoverSessions(*t.db, *t.tables, t.leftovers, env.now);
  if (!reported.ok()) return reported.status();
  FlushPolicy policy{t.label, c.max_pending, c.loop_threshold, t.needs_consent};
  auto flushed = FlushErrorReports(*t.db, env.own_db, *t.tables, env.http, c.endpoint, policy, env.progress, env.cancel);
  if (!flushed.ok()) return flushed.status();
  ExportMetrics(*flushed, *reported, t.label);
  out->summary[t.label] = {{"sessions_reported", *reported}, {"pending", flushed->pending}, {"sent", flushed->sent},
                           {"rejected", flushed->rejected}, {"given_up", flushed->given_up},
                           {"crash_loops", flushed->loops}};
  if (t.needs_consent) out->summary[t.label]["waiting_for_consent"] = flushed->waiting_for_consent;
  if (flushed->retry_after) {
    out->next = JobResult::Snooze(*flushed->retry_after, flushed->error);
  } else if (!flushed->error.empty()) {
    out->next = JobResult::Retry(flushed->error);
  }
  if (!flushed->error.empty()) out->summary[t.label]["error"] = flushed->error;
  return Status::Ok();
}

}  // namespace

Status ValidateCrashReportFlush(const Config& config) { return FlushConfigFrom(config).status(); }

MaintenanceOutcome RunCrashReportFlush(MaintenanceEnv& env) {
  MaintenanceOutcome out;
  // Fires can overlap (at start, every minute, retries while the endpoint is down): two flushes
  // in one process would read the same unsent rows and both send them. One at a time.
  static std::mutex running;
  std::unique_lock<std::mutex> only_one(running, std::try_to_lock);
  if (!only_one.owns_lock()) return {{{"skipped", "another flush is running in this process"}}, JobResult::Done()};
  auto settings = SettingsOf(env, &FlushConfigFrom);
  const auto& c = *settings;
  if (!c.ok()) return {{{"error", c.error()}}, JobResult::Retry(c.error())};
  auto own_tables = TableMapping::Defaults(CrashTables());
  LeftoverOptions own{LeftoverRule::kVigilNodes, env.session_id, HeartbeatFreshness(env.config), "vigil"};
  Status s = FlushTarget(env, {"vigil", &env.own_db, &own_tables, own, false}, *c, &out);
  if (!s.ok()) return {{{"error", s.message()}}, JobResult::Retry(s.message())};
  if (c->db_url.empty() || out.next.kind != JobResult::Kind::kDone) return out;
  auto opened = OpenJobDatabase(c->db_url, env.config);
  if (!opened.ok()) return {{{"error", opened.error()}}, JobResult::Retry(opened.error())};
  std::string label = RedactUrl(c->db_url);
  auto missing = MissingTables(**opened, c->tables.TableNames());
  if (!missing.ok()) return {{{"error", missing.error()}}, JobResult::Retry(missing.error())};
  if (!missing->empty()) return WaitForTables("crash_report_flush", label, *missing);
  LeftoverOptions platform{LeftoverRule::kNewerSession, "", HeartbeatFreshness(env.config), "platform"};
  s = FlushTarget(env, {label, opened->get(), &c->tables, platform, true}, *c, &out);
  if (!s.ok()) return {{{"error", s.message()}}, JobResult::Retry(s.message())};
  return out;
}

}  // namespace vigil
