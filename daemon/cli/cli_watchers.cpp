// `vigil watchers list [--json]` (from the database: last poll, next poll, last error, event
// count, and the platform's rows that do not run with why), `vigil watchers run NAME` (the running
// daemon polls it now), `vigil watchers test NAME` (cli_watchers_test.cpp), and the platform's rows
// managed from the shell:
// `vigil watchers add NAME --type T ...`, `edit ID-OR-NAME ...`, `rm ID-OR-NAME [--purge]`
// (the checks and answers of POST/PATCH/DELETE /api/v1/watchers; a running daemon picks the change
// up within platform_watchers.check_interval).
#include <cctype>
#include <filesystem>
#include <iostream>
#include <map>

#include "common/json_depth.h"
#include "config/config.h"
#include "daemon/cli/admin_client.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "daemon/platform_watchers.h"
#include "daemon/watcher_status.h"
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
  // add / edit: each given option becomes a key of the change (see ApplyRowChanges)
  std::map<std::string, CLI::Option*> given;
  std::string new_name, type, community, description, query, config;
  int64_t interval = 0;
  double approval_rate = 0.8;
  bool enable = false, disable = false, auto_thread = false, no_auto_thread = false, purge = false;
};

using cli::Fail;

// A poll time of the status table ("2026-12-01T20:00:00Z", maybe with " (backing off)") for a person.
std::string PollTime(const std::string& stored, TimePoint now) {
  if (stored.empty() || stored == "-") return "-";
  size_t note = stored.find(" (");
  return cli::HumanTimeText(stored.substr(0, note), now) + (note == std::string::npos ? "" : stored.substr(note));
}

// A watcher name as one path segment of the admin API's URL.
std::string PercentEncodeSegment(const std::string& name) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += std::string("%") + kHex[c >> 4] + kHex[c & 15];
  }
  return out;
}

int List(const std::string& path, const WatchersArgs& a) {
  auto config = LoadConfig(path, kDeferSecrets);
  if (!config.ok()) return Fail(config.error());
  auto db = OpenSqlConnection(DatabaseTarget(**config));
  if (!db.ok()) return Fail(db.error());
  if (auto m = Migrate(**db); !m.ok()) return Fail(m.error());
  auto set = LoadWatcherSet(*config, **db);
  if (!set.ok()) return Fail(set.error());
  nlohmann::json rows = WatchersStatusJson(**db, *set->config);
  if (a.json) {
    std::cout << rows.dump(2) << "\n";
    return 0;
  }
  auto now = std::chrono::system_clock::now();
  cli::Table table({"NAME", "TYPE", "EVENTS", "LAST POLL", "NEXT POLL", "LAST ERROR"});
  for (const auto& r : rows) {
    table.Add({r.value("name", ""), r.value("type", ""), cli::HumanNumber(static_cast<double>(r.value("events", int64_t(0)))),
               PollTime(r.value("last_poll", "-"), now), PollTime(r.value("next_poll", "-"), now),
               WatcherErrorText(r).empty() ? "-" : cli::Paint(cli::Tone::kBad, WatcherErrorText(r), cli::ColourOn(stdout))});
  }
  if (table.empty()) std::cout << "no watchers\n";
  else table.Flexible(5).Print(std::cout);
  return 0;
}

// `vigil watchers run NAME`: the running daemon polls it now (POST /api/v1/watchers/NAME/run).
int Run(const std::string& path, const WatchersArgs& a) {
  auto config = LoadConfig(path);
  if (!config.ok()) return cli::Fail(config.error(), 2);
  auto answer = cli::CallAdminApi(**config, "POST", "/watchers/" + PercentEncodeSegment(a.name) + "/run");
  if (!answer.ok()) return cli::Fail(answer.error());
  if (answer->status != 202 || !answer->body.is_object()) return cli::Fail(cli::AdminError(*answer));
  if (a.json) {
    std::cout << answer->body.dump(2) << "\n";
    return 0;
  }
  int64_t job = answer->body.value("job_id", int64_t(0));
  if (answer->body.value("already_queued", false)) std::cout << "a poll of " << a.name << " is already queued (job " << job << ")\n";
  else std::cout << "the daemon polls " << a.name << " now (job " << job << "; `vigil jobs show " << job << "` follows it)\n";
  return 0;
}

struct RowDb {
  std::shared_ptr<const Config> config;
  std::unique_ptr<SqlConnection> db;
};

Result<RowDb> OpenRowDb(const std::string& path) {
  auto config = LoadConfig(path, kDeferSecrets);
  if (!config.ok()) return config.status();
  auto db = OpenSqlConnection(DatabaseTarget(**config));
  if (!db.ok()) return db.status();
  if (auto m = Migrate(**db); !m.ok()) return m.status();
  return RowDb{*config, std::move(*db)};
}

Result<nlohmann::json> ChangesFrom(const WatchersArgs& a) {
  nlohmann::json changes = nlohmann::json::object();
  auto given = [&](const char* key) {
    auto option = a.given.find(key);
    return option != a.given.end() && option->second != nullptr && option->second->count() > 0;
  };
  if (given("name")) changes["name"] = a.new_name;
  for (auto [key, value] : {std::pair{"type", &a.type}, std::pair{"community", &a.community},
                            std::pair{"description", &a.description}, std::pair{"query", &a.query}}) {
    if (given(key)) changes[key] = *value;
  }
  if (given("interval")) changes["poll_interval_seconds"] = a.interval;
  if (given("approval_rate")) changes["auto_thread_approval_rate"] = a.approval_rate;
  if (a.enable || a.disable) changes["enabled"] = a.enable;
  if (a.auto_thread || a.no_auto_thread) changes["auto_create_thread"] = a.auto_thread;
  if (given("config")) {
    auto config = ParseJsonBounded(a.config);
    if (!config.ok()) return Status::Error("--config: " + config.error());
    changes["config"] = *config;
  }
  return changes;
}

int PrintRow(SqlConnection& db, const std::string& id, const char* what, bool json) {
  auto stored = FindPlatformWatcherRow(db, id);
  if (!stored.ok()) return Fail(stored.error());
  if (!*stored) return Fail("the row was written but cannot be read back");
  nlohmann::json row = WatcherRowJson(**stored);
  if (json) std::cout << row.dump(2) << "\n";
  else std::cout << what << " watcher row \"" << (*stored)->name << "\" (" << (*stored)->id << ", " << (*stored)->type
                 << (row["enabled"].get<bool>() ? "" : ", disabled") << "); a running daemon picks it up within seconds\n";
  return 0;
}

int AddOrEdit(const std::string& path, const WatchersArgs& a, bool creating) {
  auto opened = OpenRowDb(path);
  if (!opened.ok()) return Fail(opened.error());
  auto& [config, db] = *opened;
  auto changes = ChangesFrom(a);
  if (!changes.ok()) return Fail(changes.error());
  PlatformWatcherRow row{.enabled = true};
  if (creating) {
    (*changes)["name"] = a.name;
  } else {
    if (IsYamlWatcher(*config, a.name)) return Fail("watcher \"" + a.name + "\" is defined in " + path + "; change it there");
    auto found = FindPlatformWatcherRow(*db, a.name);
    if (!found.ok()) return Fail(found.error());
    if (!*found) return Fail("no platform watcher row \"" + a.name + "\"");
    row = **found;
  }
  auto changed = ApplyRowChanges(row, *changes, creating);
  if (!changed.ok()) return Fail(changed.error());
  if (Status s = CheckWatcherRow(config, *changed); !s.ok()) return Fail(s.message());
  auto saved = SavePlatformWatcherRow(*db, *changed, std::chrono::system_clock::now());
  if (!saved.ok()) return Fail(saved.error());
  return PrintRow(*db, *saved, creating ? "added" : "changed", a.json);
}

int Remove(const std::string& path, const WatchersArgs& a) {
  auto opened = OpenRowDb(path);
  if (!opened.ok()) return Fail(opened.error());
  auto& [config, db] = *opened;
  if (IsYamlWatcher(*config, a.name)) return Fail("watcher \"" + a.name + "\" is defined in " + path + "; remove it there");
  auto found = FindPlatformWatcherRow(*db, a.name);
  if (!found.ok()) return Fail(found.error());
  if (!*found) return Fail("no platform watcher row \"" + a.name + "\"");
  auto removed = RemovePlatformWatcherRow(*db, (*found)->id, a.purge, std::chrono::system_clock::now());
  if (!removed.ok()) return Fail(removed.error());
  if (a.json) {
    std::cout << nlohmann::json{{"id", (*found)->id}, {"name", (*found)->name}, {"disabled", removed->disabled},
                                {"removed", removed->deleted}, {"events", removed->events}, {"notifications", removed->notifications}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::string what = "watcher row \"" + (*found)->name + "\" (" + (*found)->id + ")";
  if (removed->disabled)
    std::cout << what << " has " << removed->events << " events and " << removed->notifications
              << " notifications: disabled and kept (--purge removes it with them)\n";
  else
    std::cout << what << " removed" << (a.purge ? " with " + std::to_string(removed->events) + " events and " +
                                                      std::to_string(removed->notifications) + " notifications" : "")
              << "\n";
  return 0;
}

}  // namespace

void RegisterWatcherVerbs(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* watchers = app.add_subcommand("watchers", "the configured watchers");
  watchers->require_subcommand(1);
  auto a = std::make_shared<WatchersArgs>();
  auto* list = watchers->add_subcommand("list", "watchers with last poll, next poll, last error and event count");
  auto* run = watchers->add_subcommand("run", "ask the running daemon to poll a watcher now (its admin API; api.token must be set)");
  run->add_option("name", a->name, "watcher name")->required();
  for (auto* cmd : {list, run}) {
    AddConfigOption(cmd, config_path);
    cmd->add_flag("--json", a->json, "machine-readable output");
  }
  out.emplace_back(list, [a, &config_path] { return List(config_path, *a); });
  out.emplace_back(run, [a, &config_path] { return Run(config_path, *a); });
  RegisterWatcherTestVerb(*watchers, out, config_path);

  auto* add = watchers->add_subcommand("add", "add a platform watcher row (checked as `vigil check` would)");
  auto* edit = watchers->add_subcommand("edit", "change a platform watcher row");
  auto* rm = watchers->add_subcommand("rm", "remove a platform watcher row (one with events is disabled unless --purge)");
  auto add_a = std::make_shared<WatchersArgs>(), edit_a = std::make_shared<WatchersArgs>(), rm_a = std::make_shared<WatchersArgs>();
  add->add_option("name", add_a->name, "the new watcher's name")->required();
  edit->add_option("watcher", edit_a->name, "the row's id or name")->required();
  rm->add_option("watcher", rm_a->name, "the row's id or name")->required();
  rm->add_flag("--purge", rm_a->purge, "remove it with its events and notifications");
  rm->add_flag("--json", rm_a->json, "print what was done as JSON");
  edit->add_flag("--enable", edit_a->enable, "enable the row");
  edit->add_flag("--disable", edit_a->disable, "disable the row");
  add->add_flag("--disabled", add_a->disable, "add it disabled");
  for (auto [cmd, args] : {std::pair{add, add_a.get()}, std::pair{edit, edit_a.get()}}) {
    WatchersArgs& w = *args;
    w.given["type"] = cmd->add_option("--type", w.type, "literature, scheduled or webhook");
    if (cmd == add) w.given["type"]->required();
    w.given["community"] = cmd->add_option("--community", w.community, "the community (subreddits.name); created if missing");
    w.given["description"] = cmd->add_option("--description", w.description, "free text");
    w.given["query"] = cmd->add_option("--query", w.query, "literature: the search query");
    w.given["interval"] = cmd->add_option("--interval", w.interval, "poll_interval_seconds (literature: at least 10)");
    w.given["config"] = cmd->add_option("--config-json", w.config,
                                        "the row's config, a JSON object (edit: merged as a JSON merge patch)");
    w.given["approval_rate"] = cmd->add_option("--approval-rate", w.approval_rate, "auto_thread_approval_rate, 0 to 1");
    w.given["name"] = cmd == edit ? cmd->add_option("--name", w.new_name, "rename the row") : nullptr;
    cmd->add_flag("--auto-create-thread", w.auto_thread, "open platform threads for notifications scoring high enough");
    cmd->add_flag("--no-auto-create-thread", w.no_auto_thread, "do not");
    cmd->add_flag("--json", w.json, "print the row as JSON");
  }
  for (auto* cmd : {add, edit, rm})
    AddConfigOption(cmd, config_path);
  out.emplace_back(add, [add_a, &config_path] { return AddOrEdit(config_path, *add_a, true); });
  out.emplace_back(edit, [edit_a, &config_path] { return AddOrEdit(config_path, *edit_a, false); });
  out.emplace_back(rm, [rm_a, &config_path] { return Remove(config_path, *rm_a); });
}

}  // namespace vigil
