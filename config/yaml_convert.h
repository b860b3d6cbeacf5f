// The validating walk from YAML to the normalised JSON tree (used by Config only).
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/status.h"
#include "config/schema.h"

namespace vigil {

class Config;

// A scalar's text normalised for its spec (durations to ms, sizes to bytes, ...); nullopt with
// `*why` set when the text does not fit the type or bounds.
std::optional<nlohmann::json> NormaliseScalar(const KeySpec& spec, const std::string& text, std::string* why = nullptr);

// Replaces ${NAME} with the environment variable; an unset one is an error naming it.
Result<std::string> ExpandEnv(const std::string& text);

class ConfigLoader {
 public:
  ConfigLoader(std::string file, Config* out) : file_(std::move(file)), out_(out) {}
  Status Run(const std::string& yaml);

 private:
  Status Walk(const YAML::Node& node, const std::string& spec_path, const std::string& concrete,
              nlohmann::json* dest);
  Status WalkMap(const YAML::Node& node, const std::string& spec_path, const std::string& concrete,
                 nlohmann::json* dest);
  Status WalkList(const YAML::Node& node, const std::string& spec_path, const std::string& concrete,
                  nlohmann::json* dest);
  Status WalkScalar(const YAML::Node& node, const KeySpec& spec, const std::string& concrete, nlohmann::json* dest);
  Result<nlohmann::json> AnyToJson(const YAML::Node& node, const std::string& concrete);
  Result<nlohmann::json> AnyMapToJson(const YAML::Node& node, const std::string& concrete);
  // A secret-looking key's value: a scalar is its text as written, ${ENV} expanded.
  Result<nlohmann::json> SecretToJson(const YAML::Node& node, const std::string& concrete);
  // The file a "<secret>_file" value names (relative to the config's folder), one trailing line
  // end dropped; an unreadable or empty file is an error at `node`.
  Result<std::string> ReadSecretFile(const YAML::Node& node, const std::string& concrete) const;
  // Records `concrete` as a secret (listed by `vigil check`, never its value) and its position.
  void NoteSecret(const std::string& concrete, const YAML::Node& node);
  Status CheckWatchers();
  std::string At(const YAML::Mark& mark) const;
  Status ErrorAt(const YAML::Node& node, const std::string& message) const;

  std::string file_;
  Config* out_;
};

}  // namespace vigil
