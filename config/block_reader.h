// BlockReader: the one reader of free-form (KeyType::kAny) config blocks, with errors that name the
// file, line, column and key, the way the table-driven loader does for its own keys:
//   vigil.yaml:14:9: communities[0].rules.thresholds.high: expected a number from 0 to 1
// Two ways to read a key, for the two shapes of settings code: the accessors that return the
// value (a fallback when the key is absent) or an error, and Read(key, &field, ...), which leaves
// a settings struct's default in place when the key is absent. CheckKeys and OnlyKeys reject keys
// the module does not know. Pure reads of an immutable Config; any thread.
#pragma once

#include <chrono>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace vigil {

class BlockReader {
 public:
  // `path` is the concrete path of `block` in the config ("communities[0].rules").
  BlockReader(const Config& config, const nlohmann::json& block, std::string path)
      : config_(config), block_(block), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  bool Has(const std::string& key) const { return block_.is_object() && block_.contains(key); }
  const nlohmann::json& Raw(const std::string& key) const;
  // A reader for a nested map (an empty one when absent); error if present and not a map.
  Result<BlockReader> Child(const std::string& key) const;
  // A nested block, an empty map's when absent; a value that is not a map fails when it is read.
  BlockReader ChildOrEmpty(const std::string& key) const;
  // Element i of the list this block is.
  BlockReader Element(size_t i) const;
  const nlohmann::json& value() const { return block_; }

  Status ExpectMap() const;
  Status CheckKeys(const std::set<std::string>& known) const;
  Result<std::string> String(const std::string& key, const std::string& fallback = "", bool required = false) const;
  Result<double> Number(const std::string& key, double fallback, double min, double max) const;
  Result<bool> Bool(const std::string& key, bool fallback) const;
  Result<std::chrono::milliseconds> Duration(const std::string& key, std::chrono::milliseconds fallback) const;
  // A list of strings, or one string taken as a list of one.
  Result<std::vector<std::string>> StringList(const std::string& key) const;
  Result<std::string> Choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& choices) const;
  Result<int64_t> Integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) const;

  // Errors unless the block is a map whose keys are all in `allowed` ("unknown key").
  Status OnlyKeys(std::initializer_list<const char*> allowed) const;
  // Into an existing value, left as it is when the key is absent.
  Status Read(const std::string& key, std::string* out) const;
  Status Read(const std::string& key, int* out, int min, int max) const;
  Status Read(const std::string& key, double* out, double min, double max) const;
  Status Read(const std::string& key, bool* out) const;
  Status Read(const std::string& key, std::chrono::milliseconds* out) const;

  // "file:line:col: <path>.<key>: message" (or the block itself when key is empty).
  Status Error(const std::string& key, const std::string& message) const;

 private:
  const Config& config_;
  const nlohmann::json& block_;
  std::string path_;
};

// Keeps the first error of a run of reads, so a parser reads every key in a row and checks once:
//   FirstError e; c.name = e.Take(r.String("name", "", true)); ...; if (!e.ok()) return e.status();
class FirstError {
 public:
  template <class T>
  T Take(Result<T> r, T fallback = T()) {
    if (r.ok()) return std::move(*r);
    if (status_.ok()) status_ = r.status();
    return fallback;
  }
  void Check(const Status& s) {
    if (!s.ok() && status_.ok()) status_ = s;
  }
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

 private:
  Status status_;
};

}  // namespace vigil
