// The configuration table (STYLE.md 7): every key vigil reads, with its type, bounds, default,
// whether a reload (SIGHUP) may change it, and what it means. The loader validates against it;
// `vigil config reference` prints it (config/reference.h), and docs/configuration.md is made from it.
//
// Paths use dots for maps and `[]` for list items: "watchers[].verify.scheme".
#pragma once

#include <string>
#include <vector>

namespace vigil {

enum class KeyType {
  kSection,   // a map whose children are listed in the table
  kList,      // a list of maps whose children are listed under "path[]"
  kString,
  kSecret,    // a string that may also come from "<key>_file: PATH"; never logged
  kEnum,      // one of `choices`
  kInt,
  kFloat,
  kBool,
  kDuration,  // "90s", "5m", "1h", "1d"
  kSize,      // "64KiB", "1MiB"
  kListen,    // "host:port"
  kStringList,
  kAny,       // an opaque subtree validated by the module that reads it
};

struct KeySpec {
  std::string path;
  KeyType type;
  std::string default_value;  // as it would be written in YAML; empty = no default
  bool reloadable;
  std::string help;
  double min = 0;
  double max = 0;  // min == max == 0: no bounds
  std::vector<std::string> choices = {};
  // The source file (from the checkout's root) of the module that reads this key and applies it;
  // "" only for a section, which holds keys and is applied by none. A test holds every entry to a
  // file that names the key.
  std::string applied_by = {};
};

// The whole table, in documentation order.
const std::vector<KeySpec>& ConfigTable();

// The spec for a normalised path ("watchers[].name"), or nullptr.
const KeySpec* FindKeySpec(const std::string& path);

const char* KeyTypeName(KeyType type);

// The keys the table lists directly under a section or list path ("" for the top level,
// "watchers[]" for a watcher), in table order: the valid keys an unknown-key error names.
std::vector<std::string> ChildKeys(const std::string& spec_path);

// For a key vigil no longer reads ("database.pool_size"): why, and what to do; nullptr otherwise.
// The loader answers such a key with this instead of "unknown key".
const char* RemovedKeyHint(const std::string& path);

}  // namespace vigil
