// A log watcher's settings (`type: log`), read and validated from its config block. Errors name
// file:line:col and the key, so `vigil check` and a reload reject a bad pattern before it runs.
#pragma once

#include <re2/re2.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "sources/log/journal_spec.h"
#include "sources/log/log_rules.h"
#include "sources/watcher_decls.h"

namespace vigil {

struct LogWatcherSpec {
  std::string name;
  std::vector<std::string> paths;    // glob(3) patterns of the files to tail
  std::vector<std::string> rotated;  // extra globs where rotated files are looked for (besides PATH.1)
  std::optional<JournalSpec> journal;  // set: the watcher reads the systemd journal, and paths is empty
  std::shared_ptr<const RE2> start;  // multi-line: a record begins at a line matching this; null: one line each
  LogRuleSet rules;
  // The fallback check's interval (stat the files, a pass when they differ): `every` when given,
  // else kDefaultLogEvery, or kDefaultLogEveryPolled where change notification is unavailable.
  std::chrono::milliseconds every{30000};
  bool every_set = false;
  std::chrono::milliseconds flush_after{5000};  // a pending multi-line record is taken after this idle time
  bool start_at_end = true;          // a new watcher's existing files: only lines written from now on
};

// The spec of watchers[index] (which must have type: log).
Result<LogWatcherSpec> ParseLogWatcherSpec(const Config& config, const nlohmann::json& watcher, size_t index);

// Every enabled log watcher, by name (for Runtime::Parsed: its RE2 patterns compiled once per load).
Result<ParsedWatchers<LogWatcherSpec>> ParseLogWatchers(const Config& config);

inline constexpr std::chrono::milliseconds kDefaultLogEvery{30000};
inline constexpr std::chrono::milliseconds kDefaultLogEveryPolled{2000};

}  // namespace vigil
