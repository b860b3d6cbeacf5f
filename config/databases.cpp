#include "config/databases.h"

#include "common/database_url.h"

namespace vigil {
namespace {

bool ValidName(const std::string& name) {
  return !name.empty() &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == std::string::npos;
}

// `url` checked (a driver vigil has) and with a relative sqlite path made absolute.
Result<std::string> CheckedUrl(const Config& config, const std::string& url, const std::string& at) {
  auto dialect = DialectOfUrl(url);
  if (!dialect.ok()) return config.ErrorAt(at, dialect.error());
  return config.AbsoluteDatabaseUrl(url);
}

std::string NamesOf(const nlohmann::json& databases) {
  std::string names;
  for (auto it = databases.begin(); it != databases.end(); ++it) names += (names.empty() ? "" : ", ") + it.key();
  return names.empty() ? "none" : names;
}

Result<std::string> NamedUrl(const Config& config, const std::string& name, const std::string& at) {
  const auto& tree = config.tree();
  auto map = tree.find("databases");
  if (map == tree.end() || !map->is_object() || !map->contains(name)) {
    std::string known = map == tree.end() || !map->is_object() ? "none" : NamesOf(*map);
    return config.ErrorAt(at, "no database named \"" + name + "\" in databases: (named there: " + known + ")");
  }
  return CheckedUrl(config, (*map)[name].get<std::string>(), "databases." + name);
}

}  // namespace

Status CheckDatabasesMap(const Config& config) {
  auto map = config.tree().find("databases");
  if (map == config.tree().end() || map->is_null()) return Status::Ok();
  if (!map->is_object()) return config.ErrorAt("databases", "expected a map of names to database URLs");
  for (auto it = map->begin(); it != map->end(); ++it) {
    std::string at = "databases." + it.key();
    if (!ValidName(it.key())) return config.ErrorAt(at, "a database name may hold only letters, digits, '-', '_' and '.'");
    if (!it->is_string()) return config.ErrorAt(at, "expected a database URL: sqlite:PATH or postgresql://...");
    auto url = CheckedUrl(config, it->get<std::string>(), at);
    if (!url.ok()) return url.status();
  }
  return Status::Ok();
}

bool IsDatabaseName(const nlohmann::json& value) {
  return value.is_string() && value.get<std::string>().find(':') == std::string::npos;
}

Result<std::string> DatabaseUrlAt(const Config& config, const nlohmann::json& value, const std::string& at) {
  if (value.is_object() && value.size() == 1 && value.contains("url") && value["url"].is_string())
    return CheckedUrl(config, value["url"].get<std::string>(), at + ".url");
  if (!value.is_string() || value.get<std::string>().empty())
    return config.ErrorAt(at, "expected a database URL (sqlite:PATH, postgresql://...), {url: URL}, or the name of an entry of databases:");
  if (IsDatabaseName(value)) return NamedUrl(config, value.get<std::string>(), at);
  return CheckedUrl(config, value.get<std::string>(), at);
}

}  // namespace vigil
