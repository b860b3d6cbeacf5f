// What a log watcher with `journal:` reads of the systemd journal: field matches as journalctl
// takes them (FIELD=VALUE), the `units` and `priority` shorthands expanded into such matches, and
// the journal directory (empty: the system's journal). Parsed once per config load; validated
// here so that `vigil check` rejects a match sd_journal_add_match would refuse.
//
// Combining, as sd_journal_add_match and journalctl do: matches on one field OR together, matches
// on different fields AND (`units: [ssh]` with `priority: warning` is "_SYSTEMD_UNIT=ssh.service
// AND PRIORITY in 0..4"). Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace vigil {

struct JournalSpec {
  std::vector<std::string> matches;  // FIELD=VALUE each, in the order they are added to sd_journal
  std::string directory;             // sd_journal_open_directory; empty: sd_journal_open(LOCAL_ONLY)
};

// Whether `field` is a journal field name sd_journal_add_match takes: 1 to 64 of A-Z, 0-9 and _,
// not starting with a digit.
bool IsJournalFieldName(std::string_view field);

// The _SYSTEMD_UNIT match of `unit`, with ".service" added when it has no unit-type suffix (as
// `journalctl -u` does). Error: an empty name or a glob.
Result<std::string> UnitMatch(const std::string& unit);

// The PRIORITY matches of "that level and above": "warning" -> PRIORITY=0 ... PRIORITY=4. Takes the
// names emerg alert crit err warning notice info debug, and 0 to 7. Error: anything else.
Result<std::vector<std::string>> PriorityMatches(const std::string& priority);

// The spec of the `journal:` map at config key `at` ("watchers[0].journal"). Errors name the key.
Result<JournalSpec> ParseJournalSpec(const Config& config, const nlohmann::json& journal, const std::string& at);

}  // namespace vigil
