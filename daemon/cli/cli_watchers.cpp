// `vigil watchers list [--json]` (from the database: last poll, next poll, last error, event
// count) and `vigil watchers test NAME [--json]` (one poll, nothing stored, the events printed).
#include <iostream>

#include "common/http/curl_http_client.h"
#include "common/utf8_cut.h"
#include "config/config.h"
#include "config/http_client_config.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/watcher_status.h"
#include "jobs/watch/literature_poll_job.h"
#include "sources/watcher_checks.h"
#include "store/db_time.h"
#include "store/migrator.h"
#include "store/watcher_state_repo.h"
#include "jobs/engine/database_target.h"

namespace vigil {
namespace {

struct WatchersArgs {
  std::string name;
  bool json = false;
};

int Fail(const std::string& message) {
  std::cerr << "vigil: " << message << "\n";
  return 1;
}

int List(const std::string& path, const WatchersArgs& a) {
  auto config = LoadConfig(path);
  if (!config.ok()) return Fail(config.error());
  auto db = OpenSqlConnection(DatabaseTarget(**config));
  if (!db.ok()) return Fail(db.error());
  if (auto m = Migrate(**db); !m.ok()) return Fail(m.error());
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& w : (*config)->tree().value("watchers", nlohmann::json::array())) rows.push_back(WatcherStatusJson(**db, w, **config));
  if (a.json) {
    std::cout << rows.dump(2) << "\n";
    return 0;
  }
  printf("%-20s %-11s %-7s %-21s %-32s %s\n", "NAME", "TYPE", "EVENTS", "LAST POLL", "NEXT POLL", "LAST ERROR");
  for (const auto& r : rows) {
    printf("%-20s %-11s %-7lld %-21s %-32s %s\n", r["name"].get<std::string>().c_str(), r["type"].get<std::string>().c_str(),
           static_cast<long long>(r["events"].get<int64_t>()), r.value("last_poll", "-").c_str(),
           r.value("next_poll", "-").c_str(), r.contains("last_error") && r["last_error"].is_string()
                                                  ? std::string(CutUtf8(r["last_error"].get<std::string>(), 60)).c_str() : "");
  }
  return 0;
}

int Test(const std::string& path, const WatchersArgs& a) {
  auto config = LoadConfig(path);
  if (!config.ok()) return Fail(config.error());
  const nlohmann::json* watcher = nullptr;
  auto list = (*config)->tree().find("watchers");  // not value(): that returns a copy
  if (list != (*config)->tree().end()) {
    for (const auto& w : *list) {
      if (w.value("name", "") == a.name) watcher = &w;
    }
  }
  if (watcher == nullptr) return Fail("no watcher named \"" + a.name + "\" in " + path);
  if (watcher->value("type", "") != "literature")
    return Fail("watcher " + a.name + " is a " + watcher->value("type", "") + " watcher; `watchers test` polls literature watchers");
  auto options = HttpClientOptionsFrom(**config);
  if (!options.ok()) return Fail(options.error());
  CurlHttpClient http(*options);
  LiteratureSpec spec = LiteratureSpecFrom(*watcher);
  if (spec.email.empty()) spec.email = options->contact_email;
  auto polled = PollLiterature(spec, PollCursor{}, http, nullptr, std::chrono::system_clock::now());
  if (!polled.ok()) return Fail(a.name + ": " + polled.error());
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : polled->events) {
    events.push_back({{"title", e.title}, {"summary", e.summary}, {"source_type", e.source_type}, {"source_id", e.source_id},
                      {"source_url", e.source_url}, {"source_metadata", e.source_metadata}});
  }
  if (a.json) {
    std::cout << events.dump(2) << "\n";
    return 0;
  }
  for (const auto& w : polled->warnings) std::cout << "warning: " << w << "\n";
  std::cout << polled->events.size() << " events would be created (nothing stored):\n";
  for (const auto& e : polled->events) std::cout << "  [" << e.source_id << "] " << e.title << "\n      " << e.source_url << "\n";
  return 0;
}

}  // namespace

void RegisterWatcherVerbs(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* watchers = app.add_subcommand("watchers", "the configured watchers");
  watchers->require_subcommand(1);
  auto a = std::make_shared<WatchersArgs>();
  auto* list = watchers->add_subcommand("list", "watchers with last poll, next poll, last error and event count");
  auto* test = watchers->add_subcommand("test", "poll one watcher once without storing anything; print its events");
  test->add_option("name", a->name, "watcher name")->required();
  for (auto* cmd : {list, test}) {
    cmd->add_option("--config,-c", config_path, "config file (default: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml)");
    cmd->add_flag("--json", a->json, "machine-readable output");
  }
  out.emplace_back(list, [a, &config_path] { return List(config_path, *a); });
  out.emplace_back(test, [a, &config_path] { return Test(config_path, *a); });
}

}  // namespace vigil
