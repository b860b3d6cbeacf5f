// Verbs beyond the foundation's (cron, jobs, watchers, ...), registered on the CLI11 app so that
// each issue adds its verbs here without growing cli.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "store/sql.h"

namespace vigil {

// The config file when --config is not given: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml.
std::string DefaultConfigPath();
// Adds `--config,-c FILE` to `cmd`, bound to `path`; `what` says what the file is for there.
void AddConfigOption(CLI::App* cmd, std::string& path, const std::string& what = "config file");

// Each concept registers its verbs: the subcommand and what runs when it is chosen.
using VerbList = std::vector<std::pair<CLI::App*, std::function<int()>>>;
void RegisterCronVerbs(CLI::App& app, VerbList& out, std::string& config_path);
void RegisterReloadVerb(CLI::App& app, VerbList& out, std::string& config_path);
void RegisterJobVerbs(CLI::App& app, VerbList& out, std::string& config_path);
void RegisterWatcherVerbs(CLI::App& app, VerbList& out, std::string& config_path);
void RegisterStatusVerb(CLI::App& app, VerbList& out, std::string& config_path);
void RegisterDbVerbs(CLI::App& app, VerbList& out, std::string& config_path);
void RegisterImportHooksVerb(CLI::App& app, VerbList& out);
void RegisterNotificationVerbs(CLI::App& app, VerbList& out, std::string& config_path);
void RegisterDigestVerbs(CLI::App& app, VerbList& out, std::string& config_path);
void RegisterEventVerbs(CLI::App& app, VerbList& out, std::string& config_path);
void RegisterTriageVerbs(CLI::App& app, VerbList& out, std::string& config_path);
// `config reference` (cli_config.cpp).
void RegisterConfigVerbs(CLI::App& app, VerbList& out, std::string& config_path);

// The database the config at `path` names, migrated (verbs that write work on a fresh database
// too). In cli_database.cpp.
Result<std::unique_ptr<SqlConnection>> OpenDatabaseFromConfig(const std::string& path);
// The same database only to read (list, show, test, replay): it creates nothing and migrates
// nothing. Error: an SQLite file that does not exist, a database without vigil's tables or behind
// this binary's schema, each saying what to run.
Result<std::unique_ptr<SqlConnection>> OpenDatabaseToRead(const std::string& path);
// `watchers test NAME` (cli_watchers_test.cpp), under the `watchers` subcommand.
void RegisterWatcherTestVerb(CLI::App& watchers, VerbList& out, std::string& config_path);
// `jobs run KIND --once` (cli_jobs_run.cpp), under the `jobs` subcommand.
void RegisterJobRunVerb(CLI::App& jobs, VerbList& out, std::string& config_path);
// `jobs pause|resume|paused` (cli_jobs_pause.cpp), under the `jobs` subcommand.
void RegisterJobPauseVerbs(CLI::App& jobs, VerbList& out, std::string& config_path);
// The job kinds this vigil runs and the queues the config at `path` serves (empty when the config
// does not load).
std::vector<std::string> KnownJobKinds(const std::string& config_path);
std::vector<std::string> KnownJobQueues(const std::string& config_path);

class CliVerbs {
 public:
  CliVerbs(CLI::App& app, std::string& config_path);
  // Runs whichever registered verb was parsed; 2 if none.
  int Run();

 private:
  std::vector<std::pair<CLI::App*, std::function<int()>>> verbs_;
  std::string& config_path_;
};

}  // namespace vigil
