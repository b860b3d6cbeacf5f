// The database_backup job: its config block and one run (database_backup.h does the work). Every
// run backs up vigil's own database and each one `databases:` lists, goes on past a failure, and
// fails (to be retried) when any backup failed.
#include <spdlog/spdlog.h>

#include <set>

#include "common/database_url.h"
#include "common/json_fields.h"
#include "common/metrics.h"
#include "config/databases.h"
#include "config/units.h"
#include "jobs/deliver/ops_alerts.h"
#include "jobs/maintenance/database_backup.h"
#include "jobs/triage/triage_config.h"
#include "jobs/maintenance/maintenance_kinds.h"

namespace vigil {
namespace {

constexpr const char* kAt = "jobs.database_backup";

struct BackupConfig {
  BackupSpec spec;
  std::vector<BackupTarget> targets;
};

bool SafeName(const std::string& s) {
  return !s.empty() && s.size() <= 64 && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == std::string::npos;
}

// The files' prefix for a database given by URL: the SQLite file's stem or PostgreSQL's database
// name, with anything but letters, digits, '.', '_' and '-' made '_'.
std::string NameOfUrl(const std::string& url) {
  std::string base = url.starts_with("sqlite:") ? url.substr(url.rfind('/') == std::string::npos ? 7 : url.rfind('/') + 1)
                                                 : url.substr(url.rfind('/') + 1);
  base = base.substr(0, base.find('?'));
  if (url.starts_with("sqlite:") && base.find('.') != std::string::npos) base = base.substr(0, base.rfind('.'));
  for (auto& c : base)
    if (!SafeName(std::string(1, c))) c = '_';
  return base.empty() ? "database" : base.substr(0, 64);
}

Result<BackupConfig> BackupConfigFrom(const Config& config) {
  auto target = ParseJobTarget(config, kAt, {}, {"dir", "keep", "databases", "pg_dump", "pg_restore", "timeout"});
  if (!target.ok()) return target.status();
  const auto block = config.Get(kAt);
  BackupConfig c;
  for (const char* key : {"dir", "pg_dump", "pg_restore"}) {
    if (block.contains(key) && (!block[key].is_string() || block[key].get<std::string>().empty()))
      return config.ErrorAt(std::string(kAt) + "." + key, "expected a non-empty string");
  }
  c.spec.dir = block.value("dir", c.spec.dir);
  c.spec.pg_dump = block.value("pg_dump", c.spec.pg_dump);
  c.spec.pg_restore = block.value("pg_restore", c.spec.pg_restore);
  if (block.contains("keep")) {
    if (!block["keep"].is_number_integer() || block["keep"].get<int64_t>() < 1 || block["keep"].get<int64_t>() > 10000)
      return config.ErrorAt(std::string(kAt) + ".keep", "expected an integer from 1 to 10000");
    c.spec.keep = block["keep"].get<int>();
  }
  if (block.contains("timeout")) {
    auto d = DurationValue(block["timeout"]);
    if (!d.ok()) return config.ErrorAt(std::string(kAt) + ".timeout", d.error());
    c.spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  }
  c.targets.push_back({"vigil", config.DatabaseUrl()});
  std::set<std::string> names = {"vigil"};
  auto add = [&](const nlohmann::json& value, const std::string& at) -> Status {
    auto url = DatabaseUrlAt(config, value, at);
    if (!url.ok()) return url.status();
    std::string name = IsDatabaseName(value) ? value.get<std::string>() : NameOfUrl(*url);
    if (!SafeName(name)) return config.ErrorAt(at, "\"" + name + "\" cannot name backup files (letters, digits, '.', '_', '-')");
    if (!names.insert(name).second)
      return config.ErrorAt(at, "two databases would share the backup name \"" + name +
                                    "\" (\"vigil\" is vigil's own): name one under databases: and list it by that name");
    c.targets.push_back({name, *url});
    return Status::Ok();
  };
  if (block.contains("databases")) {
    if (!block["databases"].is_array()) return config.ErrorAt(std::string(kAt) + ".databases", "expected a list of names or URLs");
    for (size_t i = 0; i < block["databases"].size(); ++i) {
      Status s = add(block["databases"][i], std::string(kAt) + ".databases[" + std::to_string(i) + "]");
      if (!s.ok()) return s;
    }
  }
  if (block.contains("database")) {
    Status s = add(block["database"], std::string(kAt) + ".database");
    if (!s.ok()) return s;
  }
  return c;
}

void ExportMetrics(const std::string& name, const Result<BackupFile>& r, TimePoint now) {
  auto& m = Metrics::Global();
  m.Describe("vigil_database_backup_bytes", "gauge", "Size of the last verified backup.");
  m.Describe("vigil_database_backup_seconds", "gauge", "How long the last backup took, verification included.");
  m.Describe("vigil_database_backup_last_success_timestamp_seconds", "gauge", "When the last verified backup was written.");
  m.Describe("vigil_database_backup_failures_total", "counter", "Backups that failed or did not verify.");
  if (!r.ok()) {
    m.Inc("vigil_database_backup_failures_total", {{"database", name}}, 1);
    return;
  }
  m.Set("vigil_database_backup_bytes", {{"database", name}}, static_cast<double>(r->bytes));
  m.Set("vigil_database_backup_seconds", {{"database", name}}, r->seconds);
  m.Set("vigil_database_backup_last_success_timestamp_seconds", {{"database", name}}, UnixSeconds(now));
}

// notify.ops_channels hear once when a database's backups start failing, and once when one works
// again (jobs/deliver/ops_alerts.h); a database that keeps failing is not told again.
void TellOps(MaintenanceEnv& env, const std::vector<std::string>& channels, const BackupTarget& t, const Result<BackupFile>& r) {
  HealthAlertRow alert;
  if (r.ok()) {
    alert.title = "Backups of " + t.name + " work again";
    alert.summary = "Verified backup " + r->path + " (" + std::to_string(r->bytes) + " bytes).";
  } else {
    alert.title = "Backup of " + t.name + " failed";
    alert.summary = r.error();
  }
  auto told = ReportOpsState(env.own_db, channels, "database_backup:" + t.name, !r.ok(), alert, env.now);
  if (!told.ok()) spdlog::warn("database_backup: telling notify.ops_channels about {}: {}", t.name, told.error());
}

}  // namespace

Status ValidateDatabaseBackup(const Config& config) { return BackupConfigFrom(config).status(); }

MaintenanceOutcome RunDatabaseBackup(MaintenanceEnv& env) {
  auto settings = SettingsOf(env, &BackupConfigFrom);
  const auto& c = *settings;
  if (!c.ok()) return {{{"error", c.error()}}, JobResult::Retry(c.error())};
  auto notify = ParseTriageSettings(env.config);
  std::vector<std::string> ops_channels = notify.ok() ? notify->ops_channels : std::vector<std::string>{};
  MaintenanceOutcome out;
  std::vector<std::string> failures;
  for (size_t i = 0; i < c->targets.size(); ++i) {
    const auto& t = c->targets[i];
    if (env.cancel != nullptr && env.cancel->cancelled()) return {{{"error", "cancelled"}}, JobResult::Retry("cancelled")};
    auto r = BackUpDatabase(t, c->spec, env.now, env.cancel);
    ExportMetrics(t.name, r, env.now);
    if (r.ok()) {
      out.summary[t.name] = {{"file", r->path}, {"bytes", r->bytes}, {"seconds", r->seconds}, {"removed", r->removed.size()}};
      spdlog::info("database_backup: {} backed up to {} ({} bytes, verified)", t.name, r->path, r->bytes);
    } else {
      out.summary[t.name] = {{"error", r.error()}};
      failures.push_back(t.name + ": " + r.error());
      spdlog::error("database_backup: {} ({}): {}", t.name, RedactUrl(t.url), r.error());
    }
    TellOps(env, ops_channels, t, r);
    if (env.progress) env.progress(i + 1, c->targets.size());
  }
  if (!failures.empty()) {
    std::string why = "backup failed for " + failures.front() + (failures.size() > 1 ? " (and " + std::to_string(failures.size() - 1) + " more)" : "");
    out.summary["error"] = why;
    out.next = JobResult::Retry(why);
  }
  return out;
}

}  // namespace vigil
