#include "sources/scheduled/scheduled_watcher_spec.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "common/database_url.h"
#include "common/json_fields.h"
#include "config/block_reader.h"
#include "config/databases.h"
#include "config/key_hint.h"
#include "config/units.h"
#include "sources/scheduled/json_path.h"

namespace vigil {
namespace {

using Fail = std::function<Status(const std::string& key, const std::string& msg)>;

Status CheckKeys(const nlohmann::json& block, const std::set<std::string>& keys, const std::string& block_name, const Fail& fail) {
  if (!block.is_object()) return fail(block_name, "expected a map");
  for (auto it = block.begin(); it != block.end(); ++it) {
    if (!keys.count(it.key()))
      return fail(block_name + "." + it.key(), UnknownKeyMessage(it.key(), std::vector<std::string>(keys.begin(), keys.end())));
  }
  return Status::Ok();
}

// The string at `key` of a block CheckStrings passed, or `fallback` when absent or null (a key
// written with no value: `query:`), which json's value() would throw on.
std::string Text(const nlohmann::json& block, const std::string& key, const std::string& fallback) {
  return StringField(block, key, fallback).value_or(fallback);
}

// Each of `keys` the block has is a string (the caller checked the block is a map).
Status CheckStrings(const nlohmann::json& block, const std::set<std::string>& keys, const std::string& block_name,
                    const Fail& fail) {
  for (const auto& key : keys) {
    if (!StringField(block, key, "")) return fail(block_name + "." + key, "expected a string");
  }
  return Status::Ok();
}

Status ParseHttp(const nlohmann::json& h, ScheduledWatcherSpec* spec, const Fail& fail) {
  Status s = CheckKeys(h, {"url", "json_path", "condition", "title", "summary"}, "http", fail);
  if (s.ok()) s = CheckStrings(h, {"url", "json_path", "title", "summary"}, "http", fail);
  if (!s.ok()) return s;
  spec->url = Text(h, "url", "");
  if (spec->url.rfind("http://", 0) != 0 && spec->url.rfind("https://", 0) != 0) return fail("http.url", "expected an http(s) URL");
  spec->json_path = Text(h, "json_path", "$");
  auto path = ParseJsonPath(spec->json_path);
  if (!path.ok()) return fail("http.json_path", path.error());
  if (h.contains("condition")) {
    const auto& c = h["condition"];
    s = CheckKeys(c, {"op", "value"}, "http.condition", fail);
    if (s.ok()) s = CheckStrings(c, {"op"}, "http.condition", fail);
    if (!s.ok()) return s;
    spec->condition.op = Text(c, "op", "exists");
    static const std::set<std::string> kOps = {"==", "!=", ">", "<", ">=", "<=", "exists"};
    if (!kOps.count(spec->condition.op)) return fail("http.condition.op", "expected one of ==, !=, >, <, >=, <=, exists");
    if (spec->condition.op != "exists" && !c.contains("value")) return fail("http.condition.value", "is required for " + spec->condition.op);
    spec->condition.value = c.value("value", nlohmann::json());
  }
  spec->title = Text(h, "title", "{{watcher}}: {{json_path}} is {{value}}");
  spec->summary = Text(h, "summary", "");
  return Status::Ok();
}

// sql.database: vigil's own database when absent; for a platform row, only a name.
Status ParseSqlDatabase(const Config& config, const nlohmann::json& q, const std::string& at, bool platform_row,
                        ScheduledWatcherSpec* spec, const Fail& fail) {
  if (!q.contains("database")) {
    spec->database_label = "vigil";
    return Status::Ok();
  }
  const auto& value = q["database"];
  bool named = IsDatabaseName(value);
  if (platform_row && !named) return fail("sql.database", "a platform watcher's sql.database must name an entry of databases:");
  auto url = DatabaseUrlAt(config, value, at + ".sql.database");
  if (!url.ok()) return url.status();
  spec->database_url = *url;
  spec->database_label = named ? value.get<std::string>() : RedactUrl(*url);
  return Status::Ok();
}

Status ParseSql(const Config& config, const nlohmann::json& q, const std::string& at, bool platform_row,
                ScheduledWatcherSpec* spec, const Fail& fail) {
  Status s = CheckKeys(q, {"query", "title", "summary", "database", "timeout"}, "sql", fail);
  if (s.ok()) s = CheckStrings(q, {"query", "title", "summary"}, "sql", fail);
  if (!s.ok()) return s;
  spec->query = Text(q, "query", "");
  s = CheckReadOnlyQuery(spec->query);
  if (!s.ok()) return fail("sql.query", s.message());
  spec->title = Text(q, "title", "{{watcher}}: row {{row_number}}");
  spec->summary = Text(q, "summary", "");
  auto timeout = BlockReader(config, q, at + ".sql").Duration("timeout", kDefaultSqlTimeout);
  if (!timeout.ok()) return timeout.status();
  if (*timeout < kMinSqlTimeout || *timeout > kMaxSqlTimeout)
    return fail("sql.timeout", "must be between " + FormatDuration(kMinSqlTimeout) + " and " + FormatDuration(kMaxSqlTimeout));
  spec->timeout = *timeout;
  return ParseSqlDatabase(config, q, at, platform_row, spec, fail);
}

Status ParseEmit(const nlohmann::json& e, ScheduledWatcherSpec* spec, const Fail& fail) {
  Status s = CheckKeys(e, {"title", "summary"}, "emit", fail);
  if (s.ok()) s = CheckStrings(e, {"summary"}, "emit", fail);
  if (!s.ok()) return s;
  if (!e.contains("title") || !e["title"].is_string()) return fail("emit.title", "is required: a template such as \"Weekly review {{fire_at}}\"");
  spec->title = e["title"].get<std::string>();
  spec->summary = Text(e, "summary", "");
  return Status::Ok();
}

}  // namespace

Status CheckReadOnlyQuery(const std::string& query) {
  std::string q = query;
  while (!q.empty() && (std::isspace(static_cast<unsigned char>(q.back())) || q.back() == ';')) q.pop_back();
  size_t first = q.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return Status::Error("is required: one SELECT or WITH statement");
  if (q.find(';') != std::string::npos) return Status::Error("must be a single statement (no ';' inside)");
  std::string word;
  for (size_t i = first; i < q.size() && std::isalpha(static_cast<unsigned char>(q[i])); ++i)
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(q[i])));
  if (word != "SELECT" && word != "WITH") return Status::Error("must be a SELECT or WITH statement (read-only), not " + word);
  return Status::Ok();
}

Result<ScheduledWatcherSpec> ParseScheduledWatcherSpec(const Config& config, const nlohmann::json& w, size_t index) {
  std::string at = "watchers[" + std::to_string(index) + "]";
  Fail fail = [&](const std::string& key, const std::string& msg) {
    return config.ErrorAt(at + "." + key, msg);
  };
  ScheduledWatcherSpec spec;
  spec.from_data = w.contains("platform_row");
  spec.name = w.value("name", "");
  int kinds = static_cast<int>(w.contains("emit")) + static_cast<int>(w.contains("http")) + static_cast<int>(w.contains("sql"));
  if (kinds != 1) return fail("emit", "a scheduled watcher needs exactly one of emit, http or sql");
  Status s;
  if (w.contains("emit")) s = ParseEmit(w["emit"], &spec, fail);
  if (w.contains("http")) {
    spec.check = ScheduledCheck::kHttp;
    s = ParseHttp(w["http"], &spec, fail);
  }
  if (w.contains("sql")) {
    spec.check = ScheduledCheck::kSql;
    s = ParseSql(config, w["sql"], at, w.contains("platform_row"), &spec, fail);
  }
  if (!s.ok()) return s;
  spec.dedupe_key = w.value("dedupe_key", spec.check == ScheduledCheck::kSql ? "{{fire_at}}#{{row_number}}" : "{{fire_at}}");
  return spec;
}

Result<ParsedWatchers<ScheduledWatcherSpec>> ParseScheduledWatchers(const Config& config) {
  return ParseEnabledWatchers(config, "scheduled", &ParseScheduledWatcherSpec);
}

}  // namespace vigil
