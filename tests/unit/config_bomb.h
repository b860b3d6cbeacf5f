// A "billion laughs" config for the tests of the YAML expansion budget: nine levels of anchors,
// each a list of ten aliases to the level before, under a watcher's free-form `config:` (10^9
// strings once expanded, a few hundred bytes as written).
#pragma once

#include <string>

namespace vigil::testing {

// `head` comes first (database, http, ...); the bomb is the last watcher.
inline std::string AliasBombConfig(const std::string& head = "") {
  std::string yaml = head + "watchers:\n  - name: laughs\n    type: log\n    paths: [/var/log/laughs.log]\n    config:\n";
  yaml += "      a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char level = 'b'; level <= 'i'; ++level) {
    std::string previous(1, static_cast<char>(level - 1));
    yaml += std::string("      ") + level + ": &" + level + " [";
    for (int i = 0; i < 10; ++i) yaml += (i ? ", *" : "*") + previous;
    yaml += "]\n";
  }
  return yaml;
}

// The 1-based line of the first line of `text` that starts with `prefix` (after indentation).
inline int LineStarting(const std::string& text, const std::string& prefix) {
  int line = 1;
  for (size_t at = 0; at < text.size(); at = text.find('\n', at) + 1, ++line) {
    size_t first = text.find_first_not_of(' ', at);
    if (text.compare(first, prefix.size(), prefix) == 0) return line;
    if (text.find('\n', at) == std::string::npos) break;
  }
  return 0;
}

}  // namespace vigil::testing
