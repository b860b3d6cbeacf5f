#include "sources/watcher_decls.h"

namespace vigil {

std::vector<WatcherDecl> WatcherDeclsFrom(const Config& config) {
  std::vector<WatcherDecl> out;
  const auto& list = config.tree().value("watchers", nlohmann::json::array());
  for (const auto& w : list) {
    WatcherDecl d;
    d.name = w.value("name", "");
    d.type = w.value("type", "");
    d.description = w.value("description", "");
    d.community = w.value("community", "");
    d.query = w.value("query", "");
    if (w.contains("every") && w["every"].is_number()) d.poll_interval_seconds = w["every"].get<int64_t>() / 1000;
    d.enabled = w.value("enabled", true);
    d.auto_create_thread = w.value("auto_create_thread", false);
    d.auto_thread_approval_rate = w.value("auto_thread_approval_rate", 0.8);
    d.config = RedactSecrets(w);  // the whole block, watchers[].config included, for the watchers table
    out.push_back(std::move(d));
  }
  return out;
}

std::optional<size_t> FindWatcherIndex(const Config& config, const std::string& name) {
  auto list = config.tree().find("watchers");  // not value(): that returns a copy
  if (list == config.tree().end() || !list->is_array()) return std::nullopt;
  for (size_t i = 0; i < list->size(); ++i) {
    if ((*list)[i].value("name", "") == name) return i;
  }
  return std::nullopt;
}

const nlohmann::json* FindWatcherConfig(const Config& config, const std::string& name) {
  auto i = FindWatcherIndex(config, name);
  return i ? &config.tree()["watchers"][*i] : nullptr;
}

std::optional<std::pair<const nlohmann::json*, size_t>> FindEnabledWatcher(const Config& config, const std::string& name,
                                                                           const std::string& type) {
  auto i = FindWatcherIndex(config, name);
  if (!i) return std::nullopt;
  const nlohmann::json* w = &config.tree()["watchers"][*i];
  if (!w->value("enabled", true) || w->value("type", "") != type) return std::nullopt;
  return std::make_pair(w, *i);
}

}  // namespace vigil
