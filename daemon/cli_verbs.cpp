#include "daemon/cli_verbs.h"

namespace vigil {

CliVerbs::CliVerbs(CLI::App&, std::string& config_path) : config_path_(config_path) {}

int CliVerbs::Run() {
  for (const auto& v : verbs_) {
    if (*v.cmd) return v.run();
  }
  return 2;
}

}  // namespace vigil
