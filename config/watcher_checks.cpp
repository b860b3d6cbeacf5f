#include "config/watcher_checks.h"

#include "config/config.h"
#include "sources/webhook/webhook_watcher.h"

namespace vigil {
namespace {

// Keys only a webhook watcher reads; on another type they are a mistake worth naming.
constexpr const char* kWebhookOnlyKeys[] = {"verify", "trigger", "mapping", "path", "methods",
                                            "delivery_id", "mismatch_status", "max_body_bytes"};

// "watchers[0].verify.and[1]" -> "watchers[0].verify"; "" when nothing is left.
std::string Parent(const std::string& path) {
  size_t cut = path.find_last_of(".[");
  return cut == std::string::npos ? "" : path.substr(0, cut);
}

}  // namespace

std::string WithPosition(const Config& config, const std::string& message) {
  size_t colon = message.find(": ");
  std::string key = message.substr(0, colon == std::string::npos ? 0 : colon);
  for (std::string k = key; !k.empty(); k = Parent(k)) {
    std::string where = config.Where(k);
    if (where != config.path()) {
      // Where() names the file by its full path when it has no mark; marks use the file name.
      return where + ": " + message;
    }
  }
  return config.Where("") + ": " + message;
}

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

}  // namespace vigil
