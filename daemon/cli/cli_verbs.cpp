#include "daemon/cli/cli_verbs.h"

#include <cstdlib>

namespace vigil {

std::string DefaultConfigPath() {
  const char* env = std::getenv("VIGIL_CONFIG");
  return env && *env ? env : "/etc/vigil/vigil.yaml";
}

void AddConfigOption(CLI::App* cmd, std::string& path, const std::string& what) {
  cmd->add_option("--config,-c", path, what + " (default: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml)");
}

CliVerbs::CliVerbs(CLI::App& app, std::string& config_path) : config_path_(config_path) {
  RegisterCronVerbs(app, verbs_, config_path_);
  RegisterReloadVerb(app, verbs_, config_path_);
  RegisterJobVerbs(app, verbs_, config_path_);
  RegisterWatcherVerbs(app, verbs_, config_path_);
  RegisterStatusVerb(app, verbs_, config_path_);
  RegisterDbVerbs(app, verbs_, config_path_);
  RegisterImportHooksVerb(app, verbs_);
  RegisterNotificationVerbs(app, verbs_, config_path_);
  RegisterDigestVerbs(app, verbs_, config_path_);
  RegisterEventVerbs(app, verbs_, config_path_);
  RegisterTriageVerbs(app, verbs_, config_path_);
  RegisterConfigVerbs(app, verbs_, config_path_);
}

int CliVerbs::Run() {
  for (const auto& [cmd, run] : verbs_) {
    if (*cmd) return run();
  }
  return 2;
}

}  // namespace vigil
