// Which watcher keys each type of watcher reads. The config table (config/schema.h) lists every
// key a watcher may have; this says which type reads which, for the errors about a key on the
// wrong type and for the valid keys an unknown key's error lists.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// The keys every watcher has: name, type, description, community, ...
const std::vector<std::string>& CommonWatcherKeys();
// The keys only watchers of `type` read ("literature": source, query, ...); empty for an unknown type.
const std::vector<std::string>& WatcherTypeKeys(const std::string& type);
// The types that read `key`: {"literature", "log", "scheduled"} for "every".
std::vector<std::string> WatcherTypesTaking(const std::string& key);
// CommonWatcherKeys then WatcherTypeKeys(type): the valid keys of a watcher of `type`.
std::vector<std::string> WatcherKeysFor(const std::string& type);

}  // namespace vigil
