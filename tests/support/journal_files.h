// Real journal files for tests, without a running journald: entries written in the journal export
// format (systemd.io/JOURNAL_EXPORT_FORMATS) and piped to `systemd-journal-remote --output=FILE -`,
// which writes (or appends to) a journal file. A directory of such files is what
// sd_journal_open_directory reads, as it reads journald's rotated files.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace vigil::testing {

// One entry's fields; MESSAGE may hold any bytes (a value with a newline or a byte below 0x20 is
// written in the export format's binary form). __REALTIME_TIMESTAMP, __MONOTONIC_TIMESTAMP and
// _BOOT_ID are added when absent (the realtime timestamp: now).
using JournalFields = std::map<std::string, std::string>;

// The entries in the export format.
std::string JournalExport(const std::vector<JournalFields>& entries);

// Appends `entries` to the journal file `file` (created if missing; its name must end in
// ".journal"). Returns "" or what systemd-journal-remote said when it failed.
std::string AppendJournal(const std::string& file, const std::vector<JournalFields>& entries);

}  // namespace vigil::testing
