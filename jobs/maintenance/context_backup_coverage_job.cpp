// The context_backup_coverage job: its config block and one run (backup_coverage.h does the work).
#include <spdlog/spdlog.h>

#include "common/json_fields.h"
#include "common/metrics.h"
#include "config/units.h"
#include "jobs/maintenance/backup_coverage.h"
#include "jobs/maintenance/extractive_handoff.h"
#include "jobs/maintenance/maintenance_kinds.h"

namespace vigil {
namespace {

constexpr const char* kAt = "jobs.context_backup_coverage";

struct CoverageConfig {
  std::string db_url;  // "" = vigil's own
  TableMapping tables = TableMapping::Defaults(BackupCoverageTables());
  std::string fernet_key;
  std::optional<GeneratorSpec> generator;  // none: the extractive note, no network
};

Status FieldError(const Config& config, const std::string& path, const std::string& msg) {
  return config.ErrorAt(path, msg);
}

Result<std::optional<GeneratorSpec>> GeneratorFrom(const Config& config, const nlohmann::json& block) {
  std::string at = std::string(kAt) + ".generator";
  GeneratorSpec g;
  if (!block.contains("generator")) return std::optional<GeneratorSpec>();
  if (!block["generator"].is_object()) return FieldError(config, at, "expected a map (base_url, model, api_key, ...)");
  const auto& j = block["generator"];
  Status s = CheckKeys(config, j, at, {"base_url", "model", "api_key", "api_key_file", "max_input_tokens", "timeout"});
  if (!s.ok()) return s;
  for (const char* key : {"base_url", "model"}) {
    if (!StringField(j, key, "")) return FieldError(config, at + "." + key, "expected a string");
  }
  g.base_url = *StringField(j, "base_url", g.base_url);
  g.model = *StringField(j, "model", g.model);
  if (!g.base_url.starts_with("http://") && !g.base_url.starts_with("https://"))
    return FieldError(config, at + ".base_url", "expected an http(s) URL");
  auto key = BlockSecret(config, j, at, "api_key");
  if (!key.ok()) return key.status();
  g.api_key = *key;
  if (j.contains("max_input_tokens")) {
    if (!j["max_input_tokens"].is_number_integer() || j["max_input_tokens"].get<int64_t>() < 100)
      return FieldError(config, at + ".max_input_tokens", "expected an integer of at least 100");
    g.max_input_tokens = j["max_input_tokens"].get<int>();
  }
  if (j.contains("timeout")) {
    auto d = DurationValue(j["timeout"]);
    if (!d.ok()) return FieldError(config, at + ".timeout", d.error());
    g.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  }
  return std::optional<GeneratorSpec>(std::move(g));
}

Result<CoverageConfig> CoverageConfigFrom(const Config& config) {
  auto target = ParseJobTarget(config, kAt, BackupCoverageTables(), {"fernet_key", "fernet_key_file", "generator"});
  if (!target.ok()) return target.status();
  const auto block = config.Get(kAt);
  CoverageConfig c;
  c.db_url = target->db_url;
  c.tables = std::move(target->tables);
  auto key = BlockSecret(config, block, kAt, "fernet_key");
  if (!key.ok()) return key.status();
  if (key->empty()) return FieldError(config, kAt, "fernet_key (or fernet_key_file) is required to read messages");
  auto parsed = FernetKey::Parse(*key);
  if (!parsed.ok()) return FieldError(config, std::string(kAt) + ".fernet_key", "not a Fernet key: " + parsed.error());
  c.fernet_key = *key;
  auto generator = GeneratorFrom(config, block);
  if (!generator.ok()) return generator.status();
  c.generator = std::move(*generator);
  return c;
}

void ExportMetrics(const BackupCoverageReport& r, const std::string& database) {
  auto& m = Metrics::Global();
  m.Describe("vigil_backup_coverage_ratio", "gauge", "Valid context backups / all (model, conversation) pairs.");
  m.Describe("vigil_backup_pairs", "gauge", "(model, conversation) pairs seen by the last coverage run.");
  m.Describe("vigil_backup_notes_written_total", "counter", "Handoff notes written by the coverage job.");
  m.Describe("vigil_backup_pair_failures_total", "counter", "Stale pairs the coverage job could not fill.");
  m.Describe("vigil_backup_messages_skipped_total", "counter", "Messages left out because their token failed.");
  m.Describe("vigil_backup_incomplete_notes_total", "counter",
             "Handoff notes stored with sections the generator did not write (asked twice).");
  m.Set("vigil_backup_coverage_ratio", {{"database", database}, {"phase", "before"}},
        BackupCoverageReport::Ratio(r.valid_before, r.pairs));
  m.Set("vigil_backup_coverage_ratio", {{"database", database}, {"phase", "after"}},
        BackupCoverageReport::Ratio(r.valid_after, r.pairs));
  m.Set("vigil_backup_pairs", {{"database", database}}, static_cast<double>(r.pairs));
  m.Inc("vigil_backup_notes_written_total", {{"database", database}}, static_cast<double>(r.notes_written));
  m.Inc("vigil_backup_pair_failures_total", {{"database", database}}, static_cast<double>(r.failed_pairs));
  m.Inc("vigil_backup_messages_skipped_total", {{"database", database}}, static_cast<double>(r.skipped_messages));
  m.Inc("vigil_backup_incomplete_notes_total", {{"database", database}}, static_cast<double>(r.incomplete_notes));
}

MaintenanceOutcome Failed(const std::string& why) {
  MaintenanceOutcome out;
  out.summary = {{"error", why}};
  out.next = JobResult::Retry(why);
  return out;
}

}  // namespace

Status ValidateContextBackupCoverage(const Config& config) { return CoverageConfigFrom(config).status(); }

MaintenanceOutcome RunContextBackupCoverage(MaintenanceEnv& env) {
  auto settings = SettingsOf(env, &CoverageConfigFrom);
  const auto& c = *settings;
  if (!c.ok()) return Failed(c.error());
  auto opened = OpenJobDatabase(c->db_url, env.config);
  if (!opened.ok()) return Failed(opened.error());
  SqlConnection& db = *opened ? **opened : env.own_db;
  std::string label = c->db_url.empty() ? "vigil" : RedactUrl(c->db_url);
  auto missing = MissingTables(db, c->tables.TableNames());
  if (!missing.ok()) return Failed(missing.error());
  if (!missing->empty()) return WaitForTables("context_backup_coverage", label, *missing);
  auto key = FernetKey::Parse(c->fernet_key);
  if (!key.ok()) return Failed("fernet_key: " + key.error());
  ExtractiveGenerator extractive;
  std::optional<ChatCompletionsGenerator> remote;
  if (c->generator) remote.emplace(env.http, *c->generator);
  HandoffGenerator& generator = remote ? static_cast<HandoffGenerator&>(*remote) : extractive;
  BackupCoverage coverage(db, c->tables, *key, generator);
  auto report = coverage.Run(env.progress, env.cancel);
  if (!report.ok()) return Failed(report.error());
  ExportMetrics(*report, label);
  MaintenanceOutcome out;
  out.summary = report->ToJson();
  out.summary["database"] = label;
  return out;
}

}  // namespace vigil
