#include "jobs/maintenance/maintenance_job.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <sstream>

#include "config/databases.h"
#include "config/key_hint.h"
#include "jobs/engine/database_target.h"

namespace vigil {

Result<std::string> JobDatabaseUrl(const Config& config, const nlohmann::json& block, const std::string& at) {
  if (!block.contains("database")) return std::string();
  return DatabaseUrlAt(config, block["database"], at + ".database");
}

Result<std::unique_ptr<SqlConnection>> OpenJobDatabase(const std::string& url, const Config& config) {
  if (url.empty()) return std::unique_ptr<SqlConnection>();
  auto db = OpenSqlConnection(DatabaseTarget(config, url));
  if (!db.ok()) return db.status().WithContext("opening " + RedactUrl(url));
  return db;
}

Result<std::vector<std::string>> MissingTables(SqlConnection& db, const std::vector<std::string>& names) {
  std::vector<std::string> missing;
  for (const auto& name : names) {
    auto exists = db.TableExists(name);
    if (!exists.ok()) return exists.status();
    if (!*exists) missing.push_back(name);
  }
  return missing;
}

namespace {

std::string MissingTablesReason(const std::string& db_label, const std::vector<std::string>& missing) {
  std::ostringstream list;
  for (size_t i = 0; i < missing.size(); ++i) list << (i ? ", " : "") << missing[i];
  return "tables missing in " + db_label + ": " + list.str();
}

}  // namespace

void LogMissingTablesOnce(const std::string& job, const std::string& db_label, const std::vector<std::string>& missing) {
  static std::mutex mu;
  static std::set<std::string> said;
  std::string why = MissingTablesReason(db_label, missing);
  bool first;
  {
    std::lock_guard<std::mutex> lock(mu);
    first = said.insert(job + "|" + why).second;
  }
  if (first) spdlog::warn("{}: waiting: {} (said once; checking again each run)", job, why);
  else spdlog::debug("{}: still waiting: {}", job, why);
}

MaintenanceOutcome WaitForTables(const std::string& job, const std::string& db_label,
                                 const std::vector<std::string>& missing) {
  LogMissingTablesOnce(job, db_label, missing);
  MaintenanceOutcome out;
  out.summary = {{"waiting_for_tables", missing}};
  out.next = JobResult::Snooze(kMissingTablesWait, MissingTablesReason(db_label, missing));
  return out;
}

std::string JobDatabaseLabel(const std::string& url) { return url.empty() ? "vigil" : RedactUrl(url); }

Result<std::string> BlockSecret(const Config& config, const nlohmann::json& block, const std::string& at,
                                const std::string& key) {
  // "<key>_file: PATH" was read into "<key>" when the config was loaded (config/yaml_convert.cpp).
  if (!block.contains(key)) return std::string();
  if (!block[key].is_string()) return config.ErrorAt(at + "." + key, "expected a string");
  return block[key].get<std::string>();
}

Status CheckKeys(const Config& config, const nlohmann::json& block, const std::string& at,
                 const std::vector<std::string>& known) {
  if (!block.is_object()) return config.ErrorAt(at, "expected a map");
  for (auto it = block.begin(); it != block.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      return config.ErrorAt(at + "." + it.key(), UnknownKeyMessage(it.key(), known));
  }
  return Status::Ok();
}

Result<JobTarget> ParseJobTarget(const Config& config, const std::string& at, const std::vector<TableDefaults>& tables,
                                 const std::vector<std::string>& job_keys) {
  const auto block = config.Get(at);
  std::vector<std::string> keys = {"enabled", "database"};
  if (!tables.empty()) keys.push_back("tables");
  keys.insert(keys.end(), kScheduleKeys.begin(), kScheduleKeys.end());
  keys.insert(keys.end(), job_keys.begin(), job_keys.end());
  Status s = CheckKeys(config, block, at, keys);
  if (!s.ok()) return s;
  const auto& enabled = block.value("enabled", nlohmann::json(true));
  if (!enabled.is_boolean()) return config.ErrorAt(at + ".enabled", "expected true or false");
  auto url = JobDatabaseUrl(config, block, at);
  if (!url.ok()) return url.status();
  auto mapping = TableMapping::Parse(tables, block.value("tables", nlohmann::json()), config, at + ".tables");
  if (!mapping.ok()) return mapping.status();
  return JobTarget{enabled.get<bool>(), *url, std::move(*mapping)};
}

double UnixSeconds(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace vigil
