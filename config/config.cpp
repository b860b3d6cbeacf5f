#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/database_url.h"
#include "config/databases.h"
#include "config/schema.h"
#include "config/trusted_proxies.h"
#include "config/units.h"
#include "config/yaml_convert.h"

namespace vigil {

Result<std::shared_ptr<const Config>> Config::Load(const std::string& path, LoadOptions options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ": cannot read config file: " + std::strerror(errno));
  std::stringstream buf;
  buf << in.rdbuf();
  return Parse(buf.str(), path, options);
}

Result<std::shared_ptr<const Config>> Config::Parse(const std::string& yaml, const std::string& path,
                                                   LoadOptions options) {
  auto config = std::make_shared<Config>();
  config->path_ = path;
  ConfigLoader loader(path, config.get(), options);
  Status s = loader.Run(yaml);
  if (s.ok()) s = CheckDatabasesMap(*config);
  if (s.ok()) s = TrustedProxies(*config).status();
  if (!s.ok()) return s;
  return std::shared_ptr<const Config>(std::move(config));
}

Result<std::shared_ptr<const Config>> Config::WithWatcherRows(const Config& base, const std::vector<WatcherRow>& rows,
                                                             nlohmann::json row_states) {
  auto config = std::make_shared<Config>(base);  // shares the tree and the marks
  if (!row_states.is_null()) config->platform_rows_ = std::move(row_states);
  if (rows.empty()) return std::shared_ptr<const Config>(std::move(config));
  config->tree_ = std::make_shared<nlohmann::json>(*base.tree_);
  nlohmann::json& list = (*config->tree_)["watchers"];
  if (!list.is_array()) list = nlohmann::json::array();
  const nlohmann::json secrets = base.tree().value("secrets", nlohmann::json::object());
  for (const auto& row : rows) {
    ConfigLoader loader(row.label, config.get());
    auto block = loader.RunWatcherRow(row.block, list.size(), secrets);
    if (!block.ok()) return block.status();
    (*block)["platform_row"] = row.marker;
    list.push_back(std::move(*block));
  }
  return std::shared_ptr<const Config>(std::move(config));
}

namespace {

// Walks "a.b.c" through the tree; nullptr if any step is missing.
const nlohmann::json* Lookup(const nlohmann::json& tree, const std::string& path) {
  const nlohmann::json* node = &tree;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '.')) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(part);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

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

bool LooksSecret(const std::string& key) {
  static const char* kWords[] = {"token", "secret", "password", "api_key", "fernet_key", "key"};
  for (const char* w : kWords) {
    if (key == w || key.ends_with(std::string("_") + w)) return true;
  }
  return false;
}

nlohmann::json DefaultFor(const std::string& spec_path) {
  const KeySpec* spec = FindKeySpec(spec_path);
  if (spec == nullptr || spec->default_value.empty()) return nullptr;
  auto value = NormaliseScalar(*spec, spec->default_value);
  return value ? *value : nlohmann::json(nullptr);
}

nlohmann::json Config::Get(const std::string& path) const {
  if (const auto* v = Lookup(*tree_, path)) return *v;
  return DefaultFor(path);
}

std::string Config::GetString(const std::string& path) const {
  auto v = Get(path);
  return v.is_string() ? v.get<std::string>() : std::string();
}

int64_t Config::GetInt(const std::string& path) const {
  auto v = Get(path);
  return v.is_number() ? v.get<int64_t>() : 0;
}

std::chrono::milliseconds Config::GetDuration(const std::string& path) const {
  return std::chrono::milliseconds(GetInt(path));
}

bool Config::GetBool(const std::string& path) const {
  auto v = Get(path);
  return v.is_boolean() && v.get<bool>();
}

Result<std::string> Config::Secret(const std::string& path) const {
  auto it = unresolved_secrets_.find(path);
  if (it != unresolved_secrets_.end()) return Status::Error(it->second);
  return GetString(path);
}

Status Config::RequireSecrets(const std::string& concrete_prefix) const {
  for (const auto& [path, error] : unresolved_secrets_) {
    bool under = concrete_prefix.empty() || path == concrete_prefix ||
                 (path.starts_with(concrete_prefix) && (path[concrete_prefix.size()] == '.' || path[concrete_prefix.size()] == '['));
    if (under) return Status::Error(error);
  }
  return Status::Ok();
}

Status Config::ErrorAt(const std::string& concrete_path, const std::string& message) const {
  return Status::Error(WithPosition(*this, concrete_path + ": " + message));
}

std::string Config::Where(const std::string& concrete_path) const {
  for (const auto& table : marks_) {
    const Mark* mark = table->Find(concrete_path);
    if (mark == nullptr) continue;
    if (mark->line < 0) return table->source;
    return table->source + ":" + std::to_string(mark->line) + ":" + std::to_string(mark->column);
  }
  return path_;
}

void Config::MarkTable::Note(const std::string& path, Mark mark) {
  at.emplace_back(std::hash<std::string>{}(path), mark);
}

void Config::MarkTable::Sort() {
  std::stable_sort(at.begin(), at.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  at.shrink_to_fit();
}

const Config::Mark* Config::MarkTable::Find(const std::string& path) const {
  uint64_t h = std::hash<std::string>{}(path);
  auto it = std::upper_bound(at.begin(), at.end(), h, [](uint64_t v, const auto& e) { return v < e.first; });
  if (it == at.begin() || std::prev(it)->first != h) return nullptr;
  return &std::prev(it)->second;
}

std::string Config::DatabaseUrl() const { return AbsoluteDatabaseUrl(GetString("database.url")); }

std::string Config::AbsoluteDatabaseUrl(const std::string& url) const {
  return AbsoluteSqliteUrl(url, std::filesystem::absolute(path_).parent_path().string());
}

UuidForm Config::DatabaseUuidForm() const {
  return GetString("database.uuid_format") == "hyphenated" ? UuidForm::kHyphenated : UuidForm::kHex;
}

std::string Config::ListenHost() const {
  std::string listen = GetString("http.listen");
  auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host;
}

int ListenPortOf(const std::string& listen) { return std::atoi(listen.substr(listen.rfind(':') + 1).c_str()); }

int Config::ListenPort() const { return ListenPortOf(GetString("http.listen")); }

nlohmann::json RedactSecrets(const nlohmann::json& value) {
  // A URL under any key may carry a password (a timed watcher's sql.database) or a key in its query.
  if (value.is_string() && value.get_ref<const std::string&>().find("://") != std::string::npos)
    return RedactUrl(value.get<std::string>());
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      // `secrets:` (the top-level map of named secrets) holds nothing else.
      bool secret = LooksSecret(it.key()) || (it.key() == "secrets" && it.value().is_object());
      out[it.key()] = (secret && !it.value().is_null()) ? nlohmann::json("(set)") : RedactSecrets(it.value());
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(RedactSecrets(item));
    return out;
  }
  return value;
}

}  // namespace vigil
