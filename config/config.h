// Config: the loaded, validated configuration file.
//
// Loading walks the YAML against the config table (config/schema.h): unknown keys, wrong types and
// out-of-range values are errors naming file:line:column and the key path. `${ENV}` is expanded in
// every string; secrets may come from `<key>_file:`. Values are normalised into a JSON tree
// (durations in milliseconds, sizes in bytes) that modules read with defaults from the table.
// A Config is immutable once loaded; the daemon swaps whole Configs on reload.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/uuid.h"

namespace vigil {

// How a config file is loaded.
struct LoadOptions {
  // Every secret is resolved at load (an unset `${ENV}` or an unreadable `<secret>_file` in a
  // secret's value is an error) unless this is set: then such a secret is recorded as unresolved
  // (unresolved_secrets(); the tree keeps its text as written), and only Secret() or
  // RequireSecrets() on it fails, with the error the load would have given. The daemon, `vigil
  // check` and a reload load with every secret; a CLI verb that uses none (`vigil notifications
  // list`) defers them, so it runs without the webhook's secret in its environment.
  bool defer_secrets = false;
};

class Config {
 public:
  // Reads and validates `path`. Errors name the file, line, column and key.
  static Result<std::shared_ptr<const Config>> Load(const std::string& path, LoadOptions options = {});
  // Validates YAML text as if read from `path` (relative paths resolve against its folder).
  static Result<std::shared_ptr<const Config>> Parse(const std::string& yaml, const std::string& path,
                                                     LoadOptions options = {});

  // A row of the platform's `watchers` table to run beside the YAML's watchers: its block in the
  // YAML's form (columns mapped to keys, its `config` merged in), a label that starts its errors
  // ("watcher row \"name\" (id)"), and `marker`, stored in the walked block as `platform_row`
  // (a key the YAML cannot set).
  struct WatcherRow {
    std::string label;
    nlohmann::json block;
    nlohmann::json marker;
  };
  // `base` with `rows` appended to its `watchers`, each walked against the table as a YAML block
  // is (see ConfigLoader::RunWatcherRow for what a row may not do). The first row that does not
  // walk is the error. `row_states`, when given, is kept as platform_watcher_rows(): what became
  // of every row (run, refused and why), for the API and `vigil watchers list`. Without rows the
  // new Config shares `base`'s tree and marks (ten thousand YAML watchers are held once).
  static Result<std::shared_ptr<const Config>> WithWatcherRows(const Config& base, const std::vector<WatcherRow>& rows,
                                                               nlohmann::json row_states = nullptr);

  const std::string& path() const { return path_; }
  const nlohmann::json& tree() const { return *tree_; }
  // What became of each platform watcher row (WithWatcherRows' `row_states`); null when not read.
  const nlohmann::json& platform_watcher_rows() const { return platform_rows_; }

  // The value at a dotted path ("http.listen"), else the table default, else null.
  nlohmann::json Get(const std::string& path) const;
  std::string GetString(const std::string& path) const;
  int64_t GetInt(const std::string& path) const;
  std::chrono::milliseconds GetDuration(const std::string& path) const;
  bool GetBool(const std::string& path) const;

  // "file:line:column" of the value at a concrete path ("watchers[2].name"), or the file alone.
  std::string Where(const std::string& concrete_path) const;
  // An error about the key at a concrete path: "vigil.yaml:12:9: watchers[0].every: <message>",
  // positioned at the key or, when the file lacks it (a required key left out), at the nearest
  // enclosing key it has. Every module's config error is made here or by WithPosition.
  Status ErrorAt(const std::string& concrete_path, const std::string& message) const;

  // database.url with a relative sqlite path made absolute against the config's folder.
  std::string DatabaseUrl() const;
  // `url` with a relative sqlite path made absolute against the config's folder (any database
  // URL the config names: database.url, `databases:`, a job's `database:`).
  std::string AbsoluteDatabaseUrl(const std::string& url) const;
  // database.uuid_format: the form of the ids vigil writes on SQLite.
  UuidForm DatabaseUuidForm() const;
  // http.listen split; errors are caught at load time.
  std::string ListenHost() const;
  int ListenPort() const;

  // Paths of the keys marked secret, concrete ("api.token", "watchers[0].verify.secret").
  const std::vector<std::string>& secret_paths() const { return secret_paths_; }
  // With LoadOptions::defer_secrets: the secrets that could not be resolved, by concrete path, each
  // with its error ("vigil.yaml:5:10: api.token: environment variable VIGIL_API_TOKEN is not set").
  const std::map<std::string, std::string>& unresolved_secrets() const { return unresolved_secrets_; }
  // The secret at a dotted path ("api.token"): its value ("" when the file does not give one), or
  // the error of a deferred secret that could not be resolved.
  Result<std::string> Secret(const std::string& path) const;
  // Ok when no secret at or under `concrete_prefix` ("jobs.embedding_backfill", "watchers[2]"; ""
  // for all) is unresolved; else the first one's error. Code about to use a block's secrets asks.
  Status RequireSecrets(const std::string& concrete_prefix) const;

 private:
  friend class ConfigLoader;
  // Where keys were written, by concrete path: a line and column in `source` (the config file's
  // name), or `source` alone (a platform row's label, or a key with no position).
  struct Mark {
    int32_t line = -1;
    int32_t column = -1;
  };
  // Keyed by a 64-bit hash of the path, not the path: 16 bytes a key (a config of 10,000 watchers
  // has ~70,000 keys). A clash among a config's keys is beyond reach, and could only misplace the
  // position an error names. Sorted by the loader once its walk is done (Sort); for a path noted
  // twice, the last mark counts.
  struct MarkTable {
    std::string source;
    std::vector<std::pair<uint64_t, Mark>> at;
    void Note(const std::string& path, Mark mark);
    void Sort();
    const Mark* Find(const std::string& path) const;
  };

  std::string path_;
  // Immutable once loaded, so shared by the Configs made from this one without rows.
  std::shared_ptr<nlohmann::json> tree_ = std::make_shared<nlohmann::json>(nlohmann::json::object());
  nlohmann::json platform_rows_;
  // Searched in order: the marks of this Config's own walks first, then those of its base.
  std::vector<std::shared_ptr<const MarkTable>> marks_;
  std::vector<std::string> secret_paths_;
  std::map<std::string, std::string> unresolved_secrets_;
};

// A table default parsed into its normalised JSON form (null if the key has no default).
nlohmann::json DefaultFor(const std::string& spec_path);

// True for a key that names a secret: token, secret, password, api_key, fernet_key, key, or one
// ending in "_" and one of those ("webhook_secret").
bool LooksSecret(const std::string& key);

// Prefixes a module error that starts with a key path ("watchers[0].verify.scheme: ...") with
// the position of the nearest key on that path that the file has.
std::string WithPosition(const Config& config, const std::string& message);

// A copy of `value` with every secret-looking key's value replaced by "(set)", and the password
// and secret query parameters of every URL in it masked ("postgresql://u:***@h/db"): for logs, the
// watchers table, the API and `vigil check`.
nlohmann::json RedactSecrets(const nlohmann::json& value);

}  // namespace vigil
