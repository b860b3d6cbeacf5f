#include "sources/watcher_checks.h"

#include "config/config.h"
#include "sources/webhook/webhook_watcher.h"

namespace vigil {
namespace {

// Keys only a webhook watcher reads; on another type they are a mistake worth naming.
constexpr const char* kWebhookOnlyKeys[] = {"verify", "trigger", "mapping", "path", "methods",
                                            "delivery_id", "mismatch_status", "max_body_bytes"};

}  // namespace

Status CheckWatcherBlocks(const Config& config) {
  const auto& watchers = config.tree().value("watchers", nlohmann::json::array());
  for (size_t i = 0; i < watchers.size(); ++i) {
    const auto& w = watchers[i];
    std::string at = "watchers[" + std::to_string(i) + "]";
    if (w.value("type", "") != "webhook") {
      for (const char* key : kWebhookOnlyKeys) {
        if (w.contains(key))
          return Status::Error(WithPosition(config, at + "." + key + ": only webhook watchers take " + key));
      }
      continue;
    }
    auto hook = WebhookWatcher::From(w, at);
    if (!hook.ok()) return Status::Error(WithPosition(config, hook.error()));
  }
  return Status::Ok();
}

Result<std::shared_ptr<const Config>> LoadConfig(const std::string& path) {
  auto config = Config::Load(path);
  if (!config.ok()) return config;
  Status s = CheckWatcherBlocks(**config);
  if (!s.ok()) return s;
  return config;
}

Result<std::shared_ptr<const Config>> ParseConfig(const std::string& yaml, const std::string& path) {
  auto config = Config::Parse(yaml, path);
  if (!config.ok()) return config;
  Status s = CheckWatcherBlocks(**config);
  if (!s.ok()) return s;
  return config;
}

}  // namespace vigil
