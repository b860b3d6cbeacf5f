// `vigil status [--json]`: a running daemon's one-screen view, through its admin API.
#include <iostream>

#include "common/utf8_cut.h"
#include "config/config.h"
#include "daemon/cli/admin_client.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/watcher_status.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

int Fail(const std::string& message) {
  std::cerr << "vigil: " << message << "\n";
  return 1;
}

std::string Uptime(double secs) {
  int64_t s = static_cast<int64_t>(secs);
  char buf[64];
  snprintf(buf, sizeof buf, "%lldd %02lld:%02lld:%02lld", static_cast<long long>(s / 86400),
           static_cast<long long>(s % 86400 / 3600), static_cast<long long>(s % 3600 / 60), static_cast<long long>(s % 60));
  return buf;
}

void Print(const nlohmann::json& st) {
  std::cout << "vigil " << st.value("version", "?") << " on " << st.value("database", "?") << ", node " << st.value("node", "?")
            << ", up " << Uptime(st.value("uptime_seconds", 0.0)) << "\n\nWATCHERS\n";
  printf("  %-20s %-11s %-7s %-21s %-32s %s\n", "NAME", "TYPE", "EVENTS", "LAST POLL", "NEXT POLL", "LAST ERROR");
  for (const auto& w : st["watchers"]) {
    std::string err(CutUtf8(WatcherErrorText(w), 70));
    printf("  %-20s %-11s %-7lld %-21s %-32s %s\n", w.value("name", "").c_str(), w.value("type", "").c_str(),
           static_cast<long long>(w.value("events", int64_t(0))), w.value("last_poll", "-").c_str(), w.value("next_poll", "-").c_str(),
           err.c_str());
  }
  std::cout << "\nQUEUES\n";
  printf("  %-24s %-10s %-8s %-10s %s\n", "KIND", "AVAILABLE", "RUNNING", "RETRYABLE", "DISCARDED (24h)");
  for (auto it = st["queues"].begin(); it != st["queues"].end(); ++it) {
    printf("  %-24s %-10lld %-8lld %-10lld %lld\n", it.key().c_str(), static_cast<long long>(it.value().value("available", int64_t(0))),
           static_cast<long long>(it.value().value("running", int64_t(0))), static_cast<long long>(it.value().value("retryable", int64_t(0))),
           static_cast<long long>(it.value().value("discarded_24h", int64_t(0))));
  }
  std::cout << "\nLAST NOTIFICATIONS\n";
  if (st["notifications"].empty()) std::cout << "  (none)\n";
  for (const auto& n : st["notifications"]) {
    printf("  %-20s %-7s %-9s %s\n", n.value("created_at", "").substr(0, 19).c_str(), n.value("signal", "").c_str(),
           n.value("status", "").c_str(), std::string(CutUtf8(n.value("title", ""), 70)).c_str());
  }
}

int ShowStatus(const std::string& path, bool json) {
  auto config = LoadConfig(path, kDeferSecrets);
  if (!config.ok()) return Fail(config.error());
  auto answer = cli::CallAdminApi(**config, "GET", "/status");
  if (!answer.ok()) return Fail(answer.error());
  if (answer->status != 200 || answer->body.is_discarded()) return Fail(cli::AdminError(*answer));
  if (json) std::cout << answer->body.dump(2) << "\n";
  else Print(answer->body);
  return 0;
}

}  // namespace

void RegisterStatusVerb(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* status = app.add_subcommand("status", "a running daemon's watchers, queues and last notifications");
  auto json = std::make_shared<bool>(false);
  status->add_option("--config,-c", config_path, "config file (default: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml)");
  status->add_flag("--json", *json, "machine-readable output");
  out.emplace_back(status, [json, &config_path] { return ShowStatus(config_path, *json); });
}

}  // namespace vigil
