#include "daemon/cli/cli.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "common/logging.h"
#include "config/config.h"
#include "config/http_client_config.h"
#include "daemon/cli/cli_docs.h"
#include "daemon/cli/cli_usage.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "daemon/platform_watchers.h"
#include "daemon/daemon.h"
#include "jobs/engine/job_engine.h"
#include "jobs/schedule_config.h"
#include "sources/watcher_checks.h"
#include "sources/watcher_requirements.h"
#include "store/migrator.h"
#include "store/sql.h"
#include "store/sqlite/wal_checkpointer.h"
#include "jobs/engine/database_target.h"

namespace vigil {
namespace {

std::shared_ptr<const Config> LoadOrExplain(const std::string& path) {
  auto config = LoadConfig(path);
  if (!config.ok()) {
    cli::Fail(config.error());
    return nullptr;
  }
  return *config;
}

int RunDaemon(const std::string& path, const std::string& log_format) {
  auto config = LoadOrExplain(path);
  if (!config) return 2;
  LogOptions lo;
  ParseLogFormat(log_format.empty() ? config->GetString("logging.format") : log_format, &lo.format);
  lo.level = spdlog::level::from_str(config->GetString("logging.level"));
  InitLogging(lo);
  DaemonOptions options;
  options.log_format_overridden = !log_format.empty();
  // The daemon's writers take turns: a SQLite WAL is checkpointed by a thread of its own, not
  // inside whichever commit crossed the threshold (store/sqlite/wal_checkpointer.h).
  WalCheckpointer::Enable(true);
  Daemon daemon(config, options);
  return daemon.Run();
}

// The platform's watcher rows as the daemon would run them beside this config, when its database
// is there to read (check creates nothing): {"read", "error", "rows": [{id, name, state, error}]};
// null when there is nothing to read.
nlohmann::json PlatformRowsSummary(const std::shared_ptr<const Config>& config) {
  if (!config->GetBool("platform_watchers.enabled")) return nullptr;
  std::string url = config->DatabaseUrl();
  if (url.starts_with("sqlite:") && !std::filesystem::exists(url.substr(7))) return nullptr;
  SqlTarget target = DatabaseTarget(*config);
  target.read_only = true;
  auto conn = OpenSqlConnection(target);
  auto exists = conn.ok() ? (*conn)->TableExists("watchers") : Result<bool>(conn.status());
  if (!exists.ok()) return {{"read", false}, {"error", exists.error()}};
  if (!*exists) return nullptr;
  auto set = LoadWatcherSet(config, **conn);
  if (!set.ok()) return {{"read", false}, {"error", set.error()}};
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : set->rows) rows.push_back({{"id", r.id}, {"name", r.name}, {"state", r.state}, {"error", r.error}});
  return {{"read", true}, {"rows", rows}};
}

void PrintPlatformRows(const nlohmann::json& summary) {
  if (summary.is_null()) return;
  if (!summary.value("read", false)) {
    std::cout << "platform watcher rows: not read (" << summary.value("error", "") << ")\n";
    return;
  }
  std::map<std::string, int> by_state;
  for (const auto& r : summary["rows"]) by_state[r.value("state", "")]++;
  std::cout << "platform watcher rows: " << summary["rows"].size();
  for (const auto& [state, n] : by_state) std::cout << (state == by_state.begin()->first ? " (" : ", ") << n << " " << state;
  std::cout << (by_state.empty() ? "" : ")") << "\n";
  for (const auto& r : summary["rows"]) {
    std::string state = r.value("state", ""), error = r.value("error", "");
    if (error.empty()) continue;
    std::cout << "  " << state << ": "
              << (state == "shadowed" ? "watcher row \"" + r.value("name", "") + "\" (" + r.value("id", "") + "): " : "") << error << "\n";
  }
}

int Check(const std::string& path, bool json) {
  auto config = LoadConfig(path);
  Status status = config.status();
  if (status.ok()) {
    for (const Status& s : {SchedulesFrom(**config).status(), HttpClientOptionsFrom(**config).status(),
                            JobEngineOptionsFrom(**config).status()}) {
      if (status.ok() && !s.ok()) status = s;
    }
  }
  if (!status.ok()) {
    if (json) std::cout << nlohmann::json{{"config", path}, {"ok", false}, {"error", status.message()}}.dump(2) << "\n";
    return cli::Fail(status.message(), 2);
  }
  const Config& c = **config;
  std::map<std::string, int> by_type;
  for (const auto& w : c.tree().value("watchers", nlohmann::json::array())) by_type[w.value("type", "?")]++;
  auto warnings = WatcherWarnings(c);
  nlohmann::json rows = PlatformRowsSummary(*config);
  if (json) {
    std::cout << nlohmann::json{{"config", path},           {"ok", true},
                                {"database", RedactUrl(c.DatabaseUrl())}, {"listen", c.GetString("http.listen")},
                                {"watchers", by_type},      {"warnings", warnings},
                                {"secrets", c.secret_paths()}, {"platform_rows", rows}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << "config:   " << path << " (ok)\n"
            << "database: " << RedactUrl(c.DatabaseUrl()) << "\n"
            << "listen:   " << c.GetString("http.listen") << "\n"
            << "watchers: " << c.tree().value("watchers", nlohmann::json::array()).size();
  for (const auto& [type, n] : by_type) std::cout << (type == by_type.begin()->first ? " (" : ", ") << n << " " << type;
  std::cout << (by_type.empty() ? "" : ")") << "\n";
  for (const auto& warning : warnings) std::cerr << "vigil: warning: " << warning << "\n";
  if (!c.secret_paths().empty()) {
    std::cout << "secrets:  " << cli::Joined(c.secret_paths()) << " (set; values not shown)\n";
  }
  PrintPlatformRows(rows);
  return 0;
}

int MigrateVerb(const std::string& path, bool json) {
  auto config = LoadOrExplain(path);
  if (!config) return 2;
  auto conn = OpenSqlConnection(DatabaseTarget(*config));
  if (!conn.ok()) return cli::Fail(conn.error());
  auto report = Migrate(**conn);
  if (!report.ok()) return cli::Fail(report.error());
  if (json) {
    std::cout << nlohmann::json{{"from_version", report->from_version}, {"to_version", report->to_version}, {"applied", report->applied}}.dump()
              << "\n";
    return 0;
  }
  for (const auto& name : report->applied) std::cout << "applied " << name << "\n";
  std::cout << "schema at version " << report->to_version
            << (report->applied.empty() ? " (already up to date)" : "") << "\n";
  return 0;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{"vigil: keeps watch for a research-deliberation platform", "vigil"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("vigil ") + VIGIL_VERSION, "print the version and exit");
  cli::InitCliLogging();
  std::string config_path = DefaultConfigPath();
  std::string log_format;
  auto add_config = [&](CLI::App* cmd) { AddConfigOption(cmd, config_path); };

  auto* run = app.add_subcommand("run", "run the daemon");
  add_config(run);
  run->add_option("--log-format", log_format, "text or json (overrides logging.format)")->check(CLI::IsMember({"text", "json"}));
  auto* check = app.add_subcommand("check", "validate the config file and print a summary");
  add_config(check);
  bool check_json = false;
  check->add_flag("--json", check_json, "machine-readable summary (the error too, with exit 2)");
  auto* migrate = app.add_subcommand("migrate", "apply database migrations (idempotent)");
  add_config(migrate);
  bool migrate_json = false;
  migrate->add_flag("--json", migrate_json, "machine-readable output");
  auto* version = app.add_subcommand("version", "print the version");
  bool version_json = false;
  version->add_flag("--json", version_json, "machine-readable output");

  CliVerbs verbs(app, config_path);
  cli::AddHelpVerb(app);
  cli::AddDocVerbs(app);

  if (int rc = cli::CompleteFromArgv(app, argc, argv); rc >= 0) return rc;
  if (int rc = cli::ParseOrExplain(app, argc, argv); rc >= 0) return rc;
  if (int rc = cli::RunDocVerbs(app); rc >= 0) return rc;
  if (*run) return RunDaemon(config_path, log_format);
  if (*check) return Check(config_path, check_json);
  if (*migrate) return MigrateVerb(config_path, migrate_json);
  if (*version) {
    if (version_json) std::cout << nlohmann::json{{"version", VIGIL_VERSION}}.dump() << "\n";
    else std::cout << "vigil " << VIGIL_VERSION << "\n";
    return 0;
  }
  return verbs.Run();
}

}  // namespace vigil
