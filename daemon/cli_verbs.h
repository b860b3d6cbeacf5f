// Verbs beyond the foundation's (cron, jobs, watchers, ...), registered on the CLI11 app so that
// each issue adds its verbs here without growing cli.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace vigil {

class CliVerbs {
 public:
  CliVerbs(CLI::App& app, std::string& config_path);
  // Runs whichever registered verb was parsed; 2 if none.
  int Run();

 private:
  struct Verb {
    CLI::App* cmd;
    std::function<int()> run;
  };
  std::vector<Verb> verbs_;
  std::string& config_path_;
};

}  // namespace vigil
