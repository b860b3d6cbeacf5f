// The watchers a config declares, in the shape the `watchers` table takes (secrets redacted).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "store/watcher_repo.h"

namespace vigil {

std::vector<WatcherDecl> WatcherDeclsFrom(const Config& config);

// The position in `watchers` of the watcher named `name`, or nullopt.
std::optional<size_t> FindWatcherIndex(const Config& config, const std::string& name);
// Its config block (a pointer into config.tree()), or nullptr.
const nlohmann::json* FindWatcherConfig(const Config& config, const std::string& name);
// The block of the enabled watcher `name` of `type` and its position, or nullopt (removed,
// disabled or retyped since a job for it was enqueued).
std::optional<std::pair<const nlohmann::json*, size_t>> FindEnabledWatcher(const Config& config, const std::string& name,
                                                                           const std::string& type);

// One enabled watcher's block, read once: its spec (or why it cannot be read) and its community.
template <class Spec>
struct ParsedWatcher {
  Result<Spec> spec;
  std::string community;
};
template <class Spec>
using ParsedWatchers = std::map<std::string, ParsedWatcher<Spec>>;

// Every enabled watcher of `type`, by name, each block read by `parse`. Watcher jobs take this from
// Runtime::Parsed, so a block (and the patterns in it) is read once per config load, not per run.
template <class Spec>
ParsedWatchers<Spec> ParseEnabledWatchers(const Config& config, const std::string& type,
                                          Result<Spec> (*parse)(const Config&, const nlohmann::json&, size_t)) {
  ParsedWatchers<Spec> out;
  auto list = config.tree().find("watchers");
  if (list == config.tree().end() || !list->is_array()) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& w = (*list)[i];
    if (!w.value("enabled", true) || w.value("type", "") != type) continue;
    out.emplace(w.value("name", ""), ParsedWatcher<Spec>{parse(config, w, i), w.value("community", "")});
  }
  return out;
}

}  // namespace vigil
