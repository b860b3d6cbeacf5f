// ConfigBlock: reading one free-form (KeyType::kAny) map of the config with the checks the config
// table would have made: unknown keys, wrong types and out-of-range values are errors that name
// the file, line and key. The maintenance jobs parse their blocks with it.
//
// Threads: a value type over a Config the caller keeps alive; use on one thread.
#pragma once

#include <chrono>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "config/config.h"

namespace vigil {

class ConfigBlock {
 public:
  // `path` is the concrete path of `value` ("jobs.embedding_backfill.provider").
  ConfigBlock(const Config& config, const nlohmann::json& value, std::string path)
      : config_(config), value_(value), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  bool Has(const std::string& key) const { return value_.is_object() && value_.contains(key); }

  // An error for the block itself or one of its keys ("" for the block).
  Status Fail(const std::string& key, const std::string& message) const;
  // Errors unless the block is a map whose keys are all in `allowed`.
  Status OnlyKeys(std::initializer_list<const char*> allowed) const;

  Status String(const std::string& key, std::string* out) const;
  // A secret: `key` (a `<key>_file:` was read into it when the config was loaded).
  Status Secret(const std::string& key, std::string* out) const;
  Status Int(const std::string& key, int* out, int min, int max) const;
  Status Double(const std::string& key, double* out, double min, double max) const;
  Status Bool(const std::string& key, bool* out) const;
  Status Duration(const std::string& key, std::chrono::milliseconds* out) const;
  // A block nested under `key` (an empty map's block when absent).
  ConfigBlock Child(const std::string& key) const;
  // Element i of the list at this block.
  ConfigBlock Element(size_t i) const;
  const nlohmann::json& value() const { return value_; }

 private:
  const Config& config_;
  const nlohmann::json& value_;
  std::string path_;
};

}  // namespace vigil
