// The validating walk from YAML to the normalised JSON tree (used by Config only).
#pragma once

#include <yaml-cpp/mark.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/status.h"
#include "config/config.h"
#include "config/scalar_values.h"
#include "config/schema.h"
#include "config/yaml_tree.h"

namespace vigil {

using YamlNode = YamlTree::Node;

class ConfigLoader {
 public:
  // The loader's marks go to a table of their own, searched before those `out` has.
  ConfigLoader(std::string file, Config* out, LoadOptions options = {});
  Status Run(const std::string& yaml);
  // One row of the platform's `watchers` table, as a block of `watchers[index]`: walked against the
  // table like a YAML block, except that a row cannot read the daemon's environment or files
  // (`${...}` and `<secret>_file` are errors) and `<secret>_ref: NAME` takes a secret from
  // `secrets` (the YAML's `secrets:` map). `file_` is the row's label: errors start with it.
  Result<nlohmann::json> RunWatcherRow(const nlohmann::json& block, size_t index, const nlohmann::json& secrets);

 private:
  Status Walk(const YamlNode& node, const std::string& spec_path, const std::string& concrete,
              nlohmann::json* dest);
  Status WalkMap(const YamlNode& node, const std::string& spec_path, const std::string& concrete,
                 nlohmann::json* dest);
  Status WalkList(const YamlNode& node, const std::string& spec_path, const std::string& concrete,
                  nlohmann::json* dest);
  Status WalkScalar(const YamlNode& node, const KeySpec& spec, const std::string& concrete, nlohmann::json* dest);
  Result<nlohmann::json> AnyToJson(const YamlNode& node, const std::string& concrete);
  Result<nlohmann::json> AnyMapToJson(const YamlNode& node, const std::string& concrete);
  // A secret-looking key's value: a scalar is its text as written, ${ENV} expanded.
  Result<nlohmann::json> SecretToJson(const YamlNode& node, const std::string& concrete);
  // The file a "<secret>_file" value names (relative to the config's folder), one trailing line
  // end dropped; an unreadable or empty file is an error at `node`.
  Result<std::string> ReadSecretFile(const YamlNode& node, const std::string& concrete) const;
  // Records `concrete` as a secret (listed by `vigil check`, never its value) and its position.
  void NoteSecret(const std::string& concrete, const YamlNode& node);
  // A secret at `concrete` that `error` kept from being resolved: with deferred secrets, recorded
  // (Config::unresolved_secrets) with its text as written in `*dest`, and true; false otherwise.
  bool Defer(const Status& error, const std::string& concrete, const YamlNode& node, nlohmann::json* dest);
  Status CheckWatchers();
  // ExpandEnv for YAML text; for a row, the text as it is, and an error if it asks for expansion.
  Result<std::string> Expand(const std::string& text) const;
  // A row's `<secret>_file` (refused) or `<secret>_ref` (from `secrets`) at `key`: true when `key`
  // was one of them, with `*out` set or the error in `*status`.
  bool RowSecretKey(const YamlNode& key, const YamlNode& value, const std::string& base, const std::string& concrete,
                    nlohmann::json* dest, Status* status);
  std::string At(const YAML::Mark& mark) const;
  // Records where the key at `concrete` was written.
  void Note(const std::string& concrete, const YAML::Mark& mark);
  Status ErrorAt(const YamlNode& node, const std::string& message) const;

  std::string file_;
  Config* out_;
  LoadOptions options_;
  const nlohmann::json* row_secrets_ = nullptr;  // set while walking a platform row
  std::shared_ptr<Config::MarkTable> marks_;
};

}  // namespace vigil
