// The config loader (config/config.h) on YAML text, followed by what `vigil check` derives from
// an accepted config (schedules, HTTP client options) and by the accessors the daemon reads.
// Besides not crashing (no exception may leave the loader: yaml-cpp's and nlohmann's are caught
// inside config/): every secret path of an accepted config reads "(set)" once redacted.
#include <cstdint>
#include <string>

#include "config/config.h"
#include "config/http_client_config.h"
#include "fuzz/fuzz_input.h"
#include "jobs/schedule_config.h"
#include "sources/watcher_checks.h"

namespace {

// The value at a concrete path ("watchers[0].verify.secret") of a tree, or nullptr.
const nlohmann::json* At(const nlohmann::json& tree, const std::string& path) {
  const nlohmann::json* at = &tree;
  size_t pos = 0;
  while (pos < path.size() && at != nullptr) {
    size_t end = path.find_first_of(".[", pos);
    if (end == std::string::npos) end = path.size();
    if (end > pos) {
      std::string key = path.substr(pos, end - pos);
      at = at->is_object() && at->contains(key) ? &(*at)[key] : nullptr;
    }
    if (end < path.size() && path[end] == '[' && at != nullptr) {
      size_t close = path.find(']', end);
      size_t i = std::stoul(path.substr(end + 1, close - end - 1));
      at = at->is_array() && i < at->size() ? &(*at)[i] : nullptr;
      end = close + 1;
    }
    pos = end < path.size() && path[end] == '.' ? end + 1 : end;
  }
  return at;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string yaml(reinterpret_cast<const char*>(data), size);
  auto config = vigil::ParseConfig(yaml, "/nonexistent/fuzz/vigil.yaml");
  if (!config.ok()) return 0;
  const vigil::Config& c = **config;
  (void)vigil::SchedulesFrom(c);
  (void)vigil::HttpClientOptionsFrom(c);
  (void)c.DatabaseUrl();
  (void)c.ListenHost();
  (void)c.ListenPort();
  nlohmann::json redacted = vigil::RedactSecrets(c.tree());
  for (const std::string& path : c.secret_paths()) {
    (void)c.Where(path);
    const nlohmann::json* value = At(redacted, path);
    VIGIL_FUZZ_CHECK(value == nullptr || *value == "(set)", "secret %s not redacted", path.c_str());
  }
  return 0;
}
