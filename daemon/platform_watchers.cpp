#include "daemon/platform_watchers.h"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "common/json_depth.h"
#include "config/key_hint.h"
#include "jobs/schedule_config.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

constexpr size_t kMaxRowConfigBytes = 64 * 1024;

bool UrlSafeName(const std::string& name) {
  return !name.empty() &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == std::string::npos &&
         name.find_first_not_of('.') != std::string::npos;  // not a dot segment
}

std::string Label(const PlatformWatcherRow& row) { return "watcher row \"" + row.name + "\" (" + row.id + ")"; }

// The row as a block in the YAML's form, or why it cannot be one.
Result<Config::WatcherRow> RowBlock(const PlatformWatcherRow& row, const std::string& alias) {
  std::string label = Label(row);
  auto fail = [&](const std::string& message) { return Status::Error(label + ": " + message); };
  if (row.type == "log")
    return fail("watcher_type log: log watchers read files on the daemon's host and come from the YAML only");
  if (row.type != "literature" && row.type != "scheduled" && row.type != "webhook")
    return fail("watcher_type \"" + row.type + "\": vigil runs literature, scheduled and webhook rows");
  if (row.config.size() > kMaxRowConfigBytes)
    return fail("config: " + std::to_string(row.config.size()) + " bytes, more than the " +
                std::to_string(kMaxRowConfigBytes) + " a row's config may hold");
  nlohmann::json block = nlohmann::json::object();
  if (!row.config.empty() && row.config != "null") {
    auto parsed = ParseJsonBounded(row.config);
    if (!parsed.ok()) return fail("config: " + parsed.error());
    if (!parsed->is_object()) return fail("config: expected a JSON object");
    block = std::move(*parsed);
  }
  for (const char* column : {"name", "type", "enabled", "community", "description", "auto_create_thread",
                             "auto_thread_approval_rate", "platform_row"}) {
    if (block.contains(column)) return fail(std::string("config: \"") + column + "\" is the row's own column, not a config key");
  }
  if (block.contains("path")) return fail("config: \"path\": a row's webhook answers at /hooks/<id> (and /hooks/<name>)");
  block["name"] = row.id;
  block["type"] = row.type;
  if (!row.description.empty()) block["description"] = row.description;
  if (!row.community.empty()) block["community"] = row.community;
  // A feed reads its url; the platform's query column is not for it.
  if (row.type == "literature" && !row.query.empty() && block.value("source", "") != "feed") block["query"] = row.query;
  bool timed = row.type == "literature" || (row.type == "scheduled" && !block.contains("schedule"));
  if (timed && row.poll_interval_seconds > 0) block["every"] = std::to_string(row.poll_interval_seconds) + "s";
  block["auto_create_thread"] = row.auto_create_thread;
  block["auto_thread_approval_rate"] = row.auto_thread_approval_rate;
  nlohmann::json marker = {{"id", row.id}, {"name", row.name}};
  if (!alias.empty()) marker["alias"] = alias;
  return Config::WatcherRow{label, std::move(block), std::move(marker)};
}

// "watcher row "x" (id): watchers[7].verify.scheme: ..." reads "... (id): verify.scheme: ...".
std::string WithoutIndex(std::string message, size_t index) {
  std::string at = "watchers[" + std::to_string(index) + "]";
  for (size_t p; (p = message.find(at + ".")) != std::string::npos;) message.erase(p, at.size() + 1);
  for (size_t p; (p = message.find(at)) != std::string::npos;) message.replace(p, at.size(), "the row");
  return message;
}

// Every check the daemon's start and `vigil check` run, on the YAML with this one row.
Status CheckRow(const Config& yaml, const Config::WatcherRow& row) {
  auto with = Config::WithWatcherRows(yaml, {row});
  if (!with.ok()) return with.status();
  if (Status s = CheckWatcherBlocks(**with); !s.ok()) return s;
  if (auto s = SchedulesFrom(**with); !s.ok()) return s.status();
  if (auto h = HookRoutes::TableFrom(**with); !h.ok()) return h.status();
  return Status::Ok();
}

void Mix(uint64_t& h, const std::string& field) {
  // FNV-1a over the field's length and bytes: "ab"+"c" and "a"+"bc" differ.
  auto byte = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  for (size_t n = field.size(), i = 0; i < 8; ++i) byte(static_cast<unsigned char>(n >> (8 * i)));
  for (unsigned char c : field) byte(c);
}

}  // namespace

Result<WatcherSet> BuildWatcherSet(std::shared_ptr<const Config> yaml, const std::vector<PlatformWatcherRow>& rows) {
  if (Status s = CheckWatcherBlocks(*yaml); !s.ok()) return s;
  auto schedules = SchedulesFrom(*yaml);
  if (!schedules.ok()) return schedules.status();
  auto hooks = HookRoutes::TableFrom(*yaml);
  if (!hooks.ok()) return hooks.status();
  WatcherSet set;
  bool on = yaml->GetBool("platform_watchers.enabled");
  std::set<std::string> yaml_names;
  for (const auto& w : yaml->tree().value("watchers", nlohmann::json::array())) yaml_names.insert(w.value("name", ""));
  std::map<std::string, int> name_count;
  std::set<std::string> ids;
  for (const auto& row : rows) {
    name_count[row.name]++;
    ids.insert(row.id);
  }
  size_t index = yaml->tree().value("watchers", nlohmann::json::array()).size();
  std::vector<Config::WatcherRow> running;
  for (const auto& row : rows) {
    WatcherRowStatus status{row.id, row.name, row.type, "running", "", {}};
    if (!on) {
      status.state = "off";
    } else if (!row.enabled) {
      status.state = "disabled";
    } else if (yaml_names.count(row.name) || yaml_names.count(row.id)) {
      status.state = "shadowed";
      status.error = "the YAML defines a watcher named \"" + (yaml_names.count(row.name) ? row.name : row.id) +
                     "\"; it runs, this row does not";
    } else {
      std::string alias;
      if (row.type == "webhook" && name_count[row.name] == 1 && UrlSafeName(row.name) && !ids.count(row.name) &&
          !(*hooks)->count("/hooks/" + row.name))
        alias = "/hooks/" + row.name;
      auto block = RowBlock(row, alias);
      Status checked = block.ok() ? CheckRow(*yaml, *block) : block.status();
      if (checked.ok()) {
        if (row.type == "webhook") status.paths.push_back("/hooks/" + row.id);
        if (!alias.empty()) status.paths.push_back(alias);
        running.push_back(std::move(*block));
      } else {
        status.state = "refused";
        status.error = WithoutIndex(checked.message(), index);
      }
    }
    set.rows.push_back(std::move(status));
  }
  // Each row passed alone; together they can only meet on a path, which ids and the alias rule
  // keep apart. Checked all the same: an error here keeps the running set.
  nlohmann::json states = nlohmann::json::array();
  for (const auto& status : set.rows) states.push_back(WatcherRowStatusJson(status));
  auto with = Config::WithWatcherRows(*yaml, running, std::move(states));
  if (!with.ok()) return with.status();
  auto all = SchedulesFrom(**with);
  if (!all.ok()) return all.status();
  auto all_hooks = HookRoutes::TableFrom(**with);
  if (!all_hooks.ok()) return all_hooks.status();
  set.config = std::move(*with);
  set.schedules = std::move(*all);
  set.hooks = std::move(*all_hooks);
  return set;
}

Result<WatcherSet> LoadWatcherSet(std::shared_ptr<const Config> yaml, SqlConnection& db, uint64_t* digest) {
  std::vector<PlatformWatcherRow> rows;
  if (yaml->GetBool("platform_watchers.enabled")) {
    auto read = ListPlatformWatcherRows(db);
    if (!read.ok()) return read.status().WithContext("reading the platform's watcher rows");
    rows = std::move(*read);
  }
  if (digest != nullptr) *digest = WatcherRowsDigest(rows);
  return BuildWatcherSet(std::move(yaml), rows);
}

uint64_t WatcherRowsDigest(const std::vector<PlatformWatcherRow>& rows) {
  uint64_t h = 14695981039346656037ull;
  for (const auto& r : rows) {
    for (const std::string* f : {&r.id, &r.name, &r.type, &r.description, &r.community, &r.query, &r.config, &r.updated_at})
      Mix(h, *f);
    Mix(h, std::to_string(r.poll_interval_seconds) + "/" + std::to_string(r.enabled) + "/" +
               std::to_string(r.auto_create_thread) + "/" + std::to_string(r.auto_thread_approval_rate));
  }
  return h;
}

Result<PlatformWatcherRow> ApplyRowChanges(PlatformWatcherRow row, const nlohmann::json& changes, bool creating) {
  if (!changes.is_object()) return Status::Error("expected a JSON object");
  auto fail = [](const std::string& key, const std::string& what) { return Status::Error(key + ": expected " + what); };
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    const std::string& key = it.key();
    const nlohmann::json& v = it.value();
    if (key == "name" || key == "type" || key == "community" || key == "description" || key == "query") {
      if (!v.is_string()) return fail(key, "a string");
      std::string text = v.get<std::string>();
      if ((key == "name" || key == "type") && text.empty()) return fail(key, "a non-empty string");
      if (key == "name") row.name = text;
      else if (key == "type") row.type = text;
      else if (key == "community") row.community = text;
      else if (key == "description") row.description = text;
      else row.query = text;
    } else if (key == "poll_interval_seconds") {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 30LL * 86400) return fail(key, "seconds, 0 to 2592000");
      row.poll_interval_seconds = v.get<int64_t>();
    } else if (key == "enabled" || key == "auto_create_thread") {
      if (!v.is_boolean()) return fail(key, "true or false");
      (key == "enabled" ? row.enabled : row.auto_create_thread) = v.get<bool>();
    } else if (key == "auto_thread_approval_rate") {
      if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) return fail(key, "a number from 0 to 1");
      row.auto_thread_approval_rate = v.get<double>();
    } else if (key == "config") {
      if (!v.is_object()) return fail(key, "a JSON object");
      nlohmann::json config = nlohmann::json::object();
      if (!row.config.empty() && row.config != "null") {
        auto stored = ParseJsonBounded(row.config);
        if (stored.ok() && stored->is_object()) config = std::move(*stored);
      }
      config.merge_patch(v);
      row.config = config.dump();
    } else {
      return Status::Error(key + ": " + UnknownKeyMessage(key, {"name", "type", "community", "description", "query",
                                                                "poll_interval_seconds", "enabled", "config",
                                                                "auto_create_thread", "auto_thread_approval_rate"}));
    }
  }
  if (creating && (row.name.empty() || row.type.empty())) return Status::Error("a new watcher needs a name and a type");
  if (row.config.empty()) row.config = "{}";
  return row;
}

Status CheckWatcherRow(const std::shared_ptr<const Config>& config, const PlatformWatcherRow& row, bool* shadowed) {
  PlatformWatcherRow checked = row;
  checked.enabled = true;  // a disabled row is checked as it would run once enabled
  if (checked.id.empty()) checked.id = "new";
  auto set = BuildWatcherSet(config, {checked});
  if (!set.ok()) return set.status();
  const WatcherRowStatus& status = set->rows.front();
  if (shadowed != nullptr) *shadowed = status.state == "shadowed";
  if (status.state == "refused" || status.state == "shadowed") return Status::Error(status.error);
  return Status::Ok();
}

nlohmann::json WatcherRowJson(const PlatformWatcherRow& row) {
  nlohmann::json config = ParseJsonOrDiscarded(row.config);
  if (config.is_discarded()) config = nullptr;
  return {{"id", row.id},
          {"name", row.name},
          {"type", row.type},
          {"community", row.community},
          {"description", row.description},
          {"query", row.query},
          {"poll_interval_seconds", row.poll_interval_seconds},
          {"enabled", row.enabled},
          {"config", RedactSecrets(config)},
          {"auto_create_thread", row.auto_create_thread},
          {"auto_thread_approval_rate", row.auto_thread_approval_rate},
          {"updated_at", row.updated_at},
          {"source", "platform"}};
}

bool IsYamlWatcher(const Config& config, const std::string& name) {
  for (const auto& w : config.tree().value("watchers", nlohmann::json::array())) {
    if (w.value("name", "") == name && !w.contains("platform_row")) return true;
  }
  return false;
}

void LogRowChanges(const std::vector<WatcherRowStatus>& before, const std::vector<WatcherRowStatus>& after) {
  std::map<std::string, const WatcherRowStatus*> old;
  for (const auto& r : before) old[r.id] = &r;
  for (const auto& r : after) {
    auto was = old.find(r.id);
    if (was != old.end()) {
      bool same = was->second->state == r.state && was->second->error == r.error;
      old.erase(was);
      if (same) continue;
    }
    std::string what = "platform watcher row \"" + r.name + "\" (" + r.id + ", " + r.type + ")";
    if (r.state == "running") spdlog::info("{} runs{}", what, r.paths.empty() ? "" : " at " + r.paths.front());
    else if (r.state == "refused" || r.state == "shadowed") spdlog::warn("{} does not run: {}", what, r.error);
    else spdlog::info("{} is {}", what, r.state);
  }
  for (const auto& [id, r] : old) spdlog::info("platform watcher row \"{}\" ({}) is gone", r->name, id);
}

nlohmann::json WatcherRowStatusJson(const WatcherRowStatus& status) {
  nlohmann::json j = {{"id", status.id}, {"name", status.name}, {"type", status.type}, {"state", status.state}};
  if (!status.error.empty()) j["error"] = status.error;
  if (!status.paths.empty()) j["paths"] = status.paths;
  return j;
}

}  // namespace vigil
