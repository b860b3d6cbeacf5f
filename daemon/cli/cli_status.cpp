// `vigil status [--json]`: a running daemon's one-screen view, through its admin API.
#include <iostream>

#include "config/config.h"
#include "daemon/cli/admin_client.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "daemon/watcher_status.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

using cli::Fail;

std::string Count(const nlohmann::json& j, const char* key) { return std::to_string(j.value(key, int64_t(0))); }

// "2026-12-01T20:00:00Z (backing off)" as the admin API gives it, in the one voice.
std::string When(const nlohmann::json& w, const char* key, TimePoint now) {
  std::string text = w.value(key, "");
  if (text.empty() || text == "-") return "-";
  std::string suffix;
  if (auto paren = text.find(" ("); paren != std::string::npos) {
    suffix = text.substr(paren);
    text = text.substr(0, paren);
  }
  return cli::HumanTimeText(text, now) + suffix;
}

void Print(const nlohmann::json& st) {
  auto now = std::chrono::system_clock::now();
  std::cout << "vigil " << st.value("version", "?") << " on " << st.value("database", "?") << ", node " << st.value("node", "?")
            << ", up " << cli::HumanDuration(std::chrono::seconds(static_cast<int64_t>(st.value("uptime_seconds", 0.0)))) << "\n\nWATCHERS\n";
  cli::Table watchers({"  NAME", "TYPE", "EVENTS", "LAST POLL", "NEXT POLL", "LAST ERROR"});
  for (const auto& w : st["watchers"]) {
    std::string err = WatcherErrorText(w);
    watchers.Add({"  " + w.value("name", ""), w.value("type", ""), Count(w, "events"), When(w, "last_poll", now), When(w, "next_poll", now),
                  err.empty() ? "-" : cli::Paint(cli::Tone::kBad, err, cli::ColourOn(stdout))});
  }
  watchers.Print(std::cout);
  std::cout << "\nQUEUES\n";
  cli::Table queues({"  KIND", "AVAILABLE", "RUNNING", "RETRYABLE", "DISCARDED (24h)"});
  for (auto it = st["queues"].begin(); it != st["queues"].end(); ++it) {
    queues.Add({"  " + it.key(), Count(it.value(), "available"), Count(it.value(), "running"), Count(it.value(), "retryable"),
                Count(it.value(), "discarded_24h")});
  }
  queues.Print(std::cout);
  for (const auto& p : st.value("pauses", nlohmann::json::array())) {
    std::cout << "  paused: " << p.value("scope", "") << " " << p.value("name", "") << " since "
              << cli::HumanTimeText(p.value("paused_at", ""), now) << (p.value("note", "").empty() ? "" : " (" + p.value("note", "") + ")")
              << "\n";
  }
  std::cout << "\nLAST NOTIFICATIONS\n";
  if (st["notifications"].empty()) {
    std::cout << "  (none)\n";
    return;
  }
  cli::Table notes({"  CREATED", "SIGNAL", "STATUS", "TITLE"});
  for (const auto& n : st["notifications"]) {
    notes.Add({"  " + cli::HumanTimeText(n.value("created_at", ""), now), cli::PaintWord(n.value("signal", "")),
               cli::PaintWord(n.value("status", "")), n.value("title", "")});
  }
  notes.Print(std::cout);
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
  AddConfigOption(status, config_path);
  status->add_flag("--json", *json, "machine-readable output");
  out.emplace_back(status, [json, &config_path] { return ShowStatus(config_path, *json); });
}

}  // namespace vigil
