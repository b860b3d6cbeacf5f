#include "config/watcher_keys.h"

#include <utility>

namespace vigil {
namespace {

const std::vector<std::pair<std::string, std::vector<std::string>>>& KeysByType() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> types = {
      {"literature", {"source", "query", "url", "base_url", "every", "jitter", "first_poll_limit", "api_key", "email"}},
      {"webhook", {"path", "methods", "verify", "trigger", "mapping", "delivery_id", "mismatch_status", "max_body_bytes"}},
      {"scheduled", {"schedule", "tz", "every", "emit", "http", "sql", "dedupe_key"}},
      {"log", {"paths", "rotated", "journal", "start", "start_at", "flush_after", "rules", "every"}},
  };
  return types;
}

}  // namespace

const std::vector<std::string>& CommonWatcherKeys() {
  static const std::vector<std::string> keys = {"name",    "type",   "description",        "community",
                                                "enabled", "config", "auto_create_thread", "auto_thread_approval_rate",
                                                "expect_every", "alert_after"};
  return keys;
}

const std::vector<std::string>& WatcherTypeKeys(const std::string& type) {
  static const std::vector<std::string> none;
  for (const auto& [name, keys] : KeysByType()) {
    if (name == type) return keys;
  }
  return none;
}

std::vector<std::string> WatcherTypesTaking(const std::string& key) {
  std::vector<std::string> types;
  for (const auto& [name, keys] : KeysByType()) {
    for (const auto& k : keys) {
      if (k == key) types.push_back(name);
    }
  }
  return types;
}

std::vector<std::string> WatcherKeysFor(const std::string& type) {
  std::vector<std::string> keys = CommonWatcherKeys();
  for (const auto& k : WatcherTypeKeys(type)) keys.push_back(k);
  return keys;
}

}  // namespace vigil
