// Process-wide logging on spdlog.
//
// Formats: readable text (default); JSON lines; and under systemd (JOURNAL_STREAM set) text with
// sd-daemon "<N>" priority prefixes and no timestamp, so journald keeps the levels.
// A LogRing keeps the last lines in memory for crash reports (crash_sentinel snippets).
// Threads: all functions are safe to call from any thread once InitLogging has run.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

namespace vigil {

enum class LogFormat { kText, kJson, kJournal };

struct LogOptions {
  LogFormat format = LogFormat::kText;
  spdlog::level::level_enum level = spdlog::level::info;
  size_t ring_lines = 300;
};

// Picks kJournal when JOURNAL_STREAM is set and the requested format is text.
LogFormat EffectiveLogFormat(LogFormat requested);

// Installs the default logger (stderr) with the ring sink. Safe to call again to change options.
void InitLogging(const LogOptions& options);

// Parses "text" | "json"; returns false on anything else.
bool ParseLogFormat(const std::string& text, LogFormat* out);

// The last lines logged (oldest first), at most `max` of them.
std::vector<std::string> RecentLogLines(size_t max);

}  // namespace vigil
