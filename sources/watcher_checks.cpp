#include "sources/watcher_checks.h"

#include <map>

#include "config/config.h"
#include "sources/watcher_requirements.h"
#include "sources/webhook/webhook_watcher.h"

namespace vigil {
namespace {

std::string At(size_t i) { return "watchers[" + std::to_string(i) + "]"; }

// Watcher `second` answers on the path of watcher `first`: the error is at its `path`, or at its
// name when the path is the one its name gives.
Status DuplicatePath(const Config& config, const nlohmann::json& watchers, size_t second, size_t first,
                     const std::string& path) {
  std::string key = At(second) + (watchers[second].contains("path") ? ".path" : ".name");
  return config.ErrorAt(key, path + " is already the path of " + At(first) + " (\"" +
                       watchers[first].value("name", "") + "\"); two webhook watchers cannot answer on one path");
}

}  // namespace

Status CheckWatcherBlocks(const Config& config) {
  const auto& watchers = config.tree().value("watchers", nlohmann::json::array());
  std::map<std::string, size_t> served;  // path -> the enabled webhook watcher answering on it
  for (size_t i = 0; i < watchers.size(); ++i) {
    const auto& w = watchers[i];
    std::string at = At(i);
    if (Status s = CheckWatcherRequirements(config, w, i); !s.ok()) return s;
    if (w.value("type", "") != "webhook") continue;
    auto hook = WebhookWatcher::From(w, at);
    if (!hook.ok()) return Status::Error(WithPosition(config, hook.error()));
    if (!w.value("enabled", true)) continue;
    auto [first, added] = served.emplace(hook->path(), i);
    if (!added) return DuplicatePath(config, watchers, i, first->second, hook->path());
  }
  return Status::Ok();
}

Result<std::shared_ptr<const Config>> LoadConfig(const std::string& path, LoadOptions options) {
  auto config = Config::Load(path, options);
  if (!config.ok()) return config;
  Status s = CheckWatcherBlocks(**config);
  if (!s.ok()) return s;
  return config;
}

Result<std::shared_ptr<const Config>> ParseConfig(const std::string& yaml, const std::string& path, LoadOptions options) {
  auto config = Config::Parse(yaml, path, options);
  if (!config.ok()) return config;
  Status s = CheckWatcherBlocks(**config);
  if (!s.ok()) return s;
  return config;
}

}  // namespace vigil
