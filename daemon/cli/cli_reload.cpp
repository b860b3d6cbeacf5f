// `vigil reload [--config F] [--json]`: asks the running daemon (found through F's http.listen and
// api.token) to re-read its config file, as `systemctl reload vigil` does with SIGHUP, and prints
// what came of it: the changes (daemon/config_changes.h), or why the daemon refused the file and
// kept its running config. Exit 0 when the reload was applied; 1 when it was not (F does not load,
// the daemon refused it, a reload was under way) or no daemon answers.
#include <filesystem>
#include <iostream>

#include "config/config.h"
#include "daemon/cli/admin_client.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

std::string Absolute(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return ec ? path : abs.string();
}

void PrintHuman(const nlohmann::json& body) {
  std::cout << "reloaded " << body.value("config", "the configuration") << "\n";
  for (const auto& change : body.value("changes", nlohmann::json::array())) {
    std::cout << "  " << (change.is_string() ? change.get<std::string>() : change.dump()) << "\n";
  }
}

int Reload(const std::string& path, bool json) {
  auto config = LoadConfig(path);
  if (!config.ok()) return cli::Fail(config.error() + " (not sent: the daemon keeps its running config)");
  auto answer = cli::CallAdminApi(**config, "POST", "/reload");
  if (!answer.ok()) return cli::Fail(answer.error());
  const nlohmann::json& body = answer->body;
  bool has_outcome = body.is_object() && body.contains("ok");
  if (!has_outcome) return cli::Fail(cli::AdminError(*answer));
  std::string daemon_path = body.value("config", "");
  if (!daemon_path.empty() && Absolute(daemon_path) != Absolute(path)) {
    std::cerr << "vigil: note: the daemon reads " << daemon_path << ", not " << path << "\n";
  }
  bool ok = body.value("ok", false);
  if (json) std::cout << body.dump(2) << "\n";
  else if (ok) PrintHuman(body);
  if (ok) return 0;
  if (json) return 1;
  return cli::Fail("reload refused: " + body.value("error", std::string("?")) + "; the daemon kept the running config");
}

}  // namespace

void RegisterReloadVerb(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* reload = app.add_subcommand("reload", "ask the running daemon to re-read its config file (as systemctl reload does)");
  auto json = std::make_shared<bool>(false);
  AddConfigOption(reload, config_path, "config file that names the daemon");
  reload->add_flag("--json", *json, "machine-readable output: the daemon's answer");
  out.emplace_back(reload, [json, &config_path] { return Reload(config_path, *json); });
}

}  // namespace vigil
