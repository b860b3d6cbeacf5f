#include "daemon/config_changes.h"

#include <map>
#include <set>

#include "jobs/schedule_config.h"

namespace vigil {
namespace {

using json = nlohmann::json;

std::map<std::string, const json*> WatchersByName(const Config& config) {
  std::map<std::string, const json*> out;
  auto list = config.tree().find("watchers");
  if (list == config.tree().end() || !list->is_array()) return out;
  for (const auto& w : *list) out[w.value("name", "")] = &w;
  return out;
}

// The keys whose values differ between two blocks (one missing counts as differing), sorted.
std::vector<std::string> ChangedKeys(const json& a, const json& b) {
  std::set<std::string> keys;
  for (const json* block : {&a, &b}) {
    for (auto it = block->begin(); it != block->end(); ++it) keys.insert(it.key());
  }
  std::vector<std::string> out;
  for (const auto& k : keys) {
    if (!a.contains(k) || !b.contains(k) || a[k] != b[k]) out.push_back(k);
  }
  return out;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

void AddWatcherChanges(const Config& before, const Config& after, std::vector<std::string>* out) {
  auto old = WatchersByName(before);
  auto now = WatchersByName(after);
  for (const auto& [name, w] : now) {
    if (!old.count(name)) out->push_back("watcher \"" + name + "\" added");
  }
  for (const auto& [name, w] : old) {
    if (!now.count(name)) out->push_back("watcher \"" + name + "\" removed");
  }
  for (const auto& [name, w] : now) {
    auto was = old.find(name);
    if (was == old.end() || *was->second == *w) continue;
    out->push_back("watcher \"" + name + "\" changed (" + Joined(ChangedKeys(*was->second, *w)) + ")");
  }
}

// "90s", "10m", "6h", "1d": the largest unit that divides it.
std::string DurationText(std::chrono::seconds d) {
  for (auto [size, unit] : {std::pair{86400LL, "d"}, std::pair{3600LL, "h"}, std::pair{60LL, "m"}}) {
    if (d.count() > 0 && d.count() % size == 0) return std::to_string(d.count() / size) + unit;
  }
  return std::to_string(d.count()) + "s";
}

std::string ScheduleText(const ScheduleSpec& s) {
  if (s.cron) {
    std::string zone = s.zone != nullptr ? std::string(s.zone->name()) : "UTC";
    return s.cron->text() + (zone == "UTC" ? "" : " (" + zone + ")");
  }
  if (!s.interval) return "-";
  std::string out = "every " + DurationText(s.interval->every);
  if (s.interval->jitter.count() > 0) out += " (jitter " + DurationText(s.interval->jitter) + ")";
  return out;
}

std::map<std::string, std::string> SchedulesOf(const Config& config) {
  std::map<std::string, std::string> out;
  auto schedules = SchedulesFrom(config);
  if (!schedules.ok()) return out;
  for (const auto& s : *schedules) out[s.name] = ScheduleText(s);
  return out;
}

// A watcher's schedule comes and goes with the watcher, whose line says so.
bool IsWatcherSchedule(const std::string& name) { return name.rfind("watcher:", 0) == 0; }

void AddScheduleChanges(const Config& before, const Config& after, std::vector<std::string>* out) {
  auto old = SchedulesOf(before);
  auto now = SchedulesOf(after);
  for (const auto& [name, text] : now) {
    auto was = old.find(name);
    if (was != old.end() && was->second != text) out->push_back("schedule \"" + name + "\" " + was->second + " -> " + text);
    if (was == old.end() && !IsWatcherSchedule(name)) out->push_back("schedule \"" + name + "\" added (" + text + ")");
  }
  for (const auto& [name, text] : old) {
    if (!now.count(name) && !IsWatcherSchedule(name)) out->push_back("schedule \"" + name + "\" removed");
  }
}

// Dotted paths of the settings that differ outside `watchers:`, two levels deep.
void AddSettingChanges(const Config& before, const Config& after, std::vector<std::string>* out) {
  std::vector<std::string> paths;
  for (const auto& key : ChangedKeys(before.tree(), after.tree())) {
    if (key == "watchers") continue;
    const json* a = before.tree().contains(key) ? &before.tree()[key] : nullptr;
    const json* b = after.tree().contains(key) ? &after.tree()[key] : nullptr;
    if (a == nullptr || b == nullptr || !a->is_object() || !b->is_object()) {
      paths.push_back(key);
      continue;
    }
    for (const auto& sub : ChangedKeys(*a, *b)) paths.push_back(key + "." + sub);
  }
  if (!paths.empty()) out->push_back("settings changed: " + Joined(paths));
}

}  // namespace

std::vector<std::string> ConfigChanges(const Config& before, const Config& after) {
  std::vector<std::string> out;
  AddWatcherChanges(before, after, &out);
  AddScheduleChanges(before, after, &out);
  AddSettingChanges(before, after, &out);
  if (out.empty()) out.push_back("no change");
  return out;
}

}  // namespace vigil
