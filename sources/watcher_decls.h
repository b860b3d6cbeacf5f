// The watchers a config declares, in the shape the `watchers` table takes (secrets redacted).
#pragma once

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

}  // namespace vigil
