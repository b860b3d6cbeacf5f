// YamlBudget: how big a config document may get once its aliases are expanded, measured before
// any tree is built (STYLE.md 13). yaml-cpp keeps an alias as a shared reference, so a small file
// of nested aliases (the "billion laughs") loads cheaply and only blows up when the loader copies
// it into the JSON tree; this pass reads the file's parse events once, remembers each anchored
// node's expanded size, and refuses the file at the first node that crosses a limit.
//
// Pure function of its input; any thread.
#pragma once

#include <yaml-cpp/mark.h>

#include <cstdint>
#include <optional>
#include <string>

namespace vigil {

// The limits a config file is read with (docs/configuration.md states them).
// A million: a config of 10,000 feed watchers is about 100,000 nodes (Miniflux users run thousands
// of feeds), and a billion-laughs file stops at this size, tens of MB once built.
inline constexpr uint64_t kMaxYamlNodes = 1000000;             // scalars, keys and containers, aliases expanded
inline constexpr uint64_t kMaxYamlScalarBytes = 16ull << 20;   // 16 MiB of scalar text, aliases expanded
inline constexpr int kMaxYamlDepth = 64;                       // nested maps and lists, aliases expanded

struct YamlLimits {
  uint64_t max_nodes = kMaxYamlNodes;
  uint64_t max_scalar_bytes = kMaxYamlScalarBytes;
  int max_depth = kMaxYamlDepth;
};

// Why a document was refused and where: the node that crossed the limit, or the syntax error.
struct YamlBudgetError {
  YAML::Mark mark;
  std::string message;
  // A syntax error (yaml-cpp's message in `message`, after "invalid YAML: "), not a limit.
  bool syntax = false;
};

// Reads the first document of `yaml` as events; nullopt when it fits `limits` once expanded.
// An alias to its own enclosing node (a cycle) and invalid YAML are errors too.
std::optional<YamlBudgetError> CheckYamlBudget(const std::string& yaml, const YamlLimits& limits = {});

}  // namespace vigil
