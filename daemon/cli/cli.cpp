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
#include "jobs/engine/database_target.h"

namespace vigil {
namespace {

std::string DefaultConfigPath() {
  const char* env = std::getenv("VIGIL_CONFIG");
  return env && *env ? env : "/etc/vigil/vigil.yaml";
}

std::shared_ptr<const Config> LoadOrExplain(const std::string& path) {
  auto config = LoadConfig(path);
  if (!config.ok()) {
    std::cerr << "vigil: " << config.error() << "\n";
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
  Daemon daemon(config, options);
  return daemon.Run();
}

// The platform's watcher rows as the daemon would run them beside this config, when its database
// is there to read (check creates nothing): the rows that do not run, and why.
void CheckPlatformRows(const std::shared_ptr<const Config>& config) {
  if (!config->GetBool("platform_watchers.enabled")) return;
  std::string url = config->DatabaseUrl();
  if (url.starts_with("sqlite:") && !std::filesystem::exists(url.substr(7))) return;
  auto conn = OpenSqlConnection(DatabaseTarget(*config));
  auto exists = conn.ok() ? (*conn)->TableExists("watchers") : Result<bool>(conn.status());
  if (!exists.ok() || !*exists) {
    if (!exists.ok()) std::cout << "platform watcher rows: not read (" << exists.error() << ")\n";
    return;
  }
  auto set = LoadWatcherSet(config, **conn);
  if (!set.ok()) {
    std::cout << "platform watcher rows: not read (" << set.error() << ")\n";
    return;
  }
  std::map<std::string, int> by_state;
  for (const auto& r : set->rows) by_state[r.state]++;
  std::cout << "platform watcher rows: " << set->rows.size();
  for (const auto& [state, n] : by_state) std::cout << (state == by_state.begin()->first ? " (" : ", ") << n << " " << state;
  std::cout << (by_state.empty() ? "" : ")") << "\n";
  for (const auto& r : set->rows) {
    if (!r.error.empty()) std::cout << "  " << r.state << ": " << (r.state == "shadowed" ? "watcher row \"" + r.name + "\" (" + r.id + "): " : "") << r.error << "\n";
  }
}

int Check(const std::string& path) {
  auto config = LoadOrExplain(path);
  if (!config) return 2;
  for (const Status& s : {SchedulesFrom(*config).status(), HttpClientOptionsFrom(*config).status(),
                          JobEngineOptionsFrom(*config).status()}) {
    if (!s.ok()) {
      std::cerr << "vigil: " << s.message() << "\n";
      return 2;
    }
  }
  std::map<std::string, int> by_type;
  for (const auto& w : config->tree().value("watchers", nlohmann::json::array())) by_type[w.value("type", "?")]++;
  std::cout << "config:   " << path << " (ok)\n"
            << "database: " << RedactUrl(config->DatabaseUrl()) << "\n"
            << "listen:   " << config->GetString("http.listen") << "\n"
            << "watchers: " << config->tree().value("watchers", nlohmann::json::array()).size();
  for (const auto& [type, n] : by_type) std::cout << (type == by_type.begin()->first ? " (" : ", ") << n << " " << type;
  std::cout << (by_type.empty() ? "" : ")") << "\n";
  for (const auto& warning : WatcherWarnings(*config)) std::cerr << "vigil: warning: " << warning << "\n";
  if (!config->secret_paths().empty()) {
    std::cout << "secrets:  ";
    for (size_t i = 0; i < config->secret_paths().size(); ++i) std::cout << (i ? ", " : "") << config->secret_paths()[i];
    std::cout << " (set; values not shown)\n";
  }
  CheckPlatformRows(config);
  return 0;
}

int MigrateVerb(const std::string& path, bool json) {
  auto config = LoadOrExplain(path);
  if (!config) return 2;
  auto conn = OpenSqlConnection(DatabaseTarget(*config));
  if (!conn.ok()) {
    std::cerr << "vigil: " << conn.error() << "\n";
    return 1;
  }
  auto report = Migrate(**conn);
  if (!report.ok()) {
    std::cerr << "vigil: " << report.error() << "\n";
    return 1;
  }
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
  auto add_config = [&](CLI::App* cmd) {
    cmd->add_option("--config,-c", config_path, "config file (default: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml)");
  };

  auto* run = app.add_subcommand("run", "run the daemon");
  add_config(run);
  run->add_option("--log-format", log_format, "text or json (overrides logging.format)")->check(CLI::IsMember({"text", "json"}));
  auto* check = app.add_subcommand("check", "validate the config file and print a summary");
  add_config(check);
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
  if (*check) return Check(config_path);
  if (*migrate) return MigrateVerb(config_path, migrate_json);
  if (*version) {
    if (version_json) std::cout << nlohmann::json{{"version", VIGIL_VERSION}}.dump() << "\n";
    else std::cout << "vigil " << VIGIL_VERSION << "\n";
    return 0;
  }
  return verbs.Run();
}

}  // namespace vigil
