// Reading the systemd journal for a log watcher with `journal:`: sd-journal lives behind this
// class and nowhere else. A reader is opened for one pass, positioned from the stored cursor, and
// reads up to a budget of entries that pass the watcher's matches.
//
// Position: the cursor of the last entry whose record was stored ("" : from the journal's oldest
// entry). An entry the journal no longer holds (vacuumed, its file deleted) is reported as lost and
// the read starts at the oldest entry, still filtered by the matches; whether the entry is held is
// tested without the matches, so a watcher whose matches changed carries on after its entry.
//
// Threads: one reader is used by one thread at a time (sd_journal objects are not thread-safe).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sources/log/journal_spec.h"

typedef struct sd_journal sd_journal;  // <systemd/sd-journal.h>

namespace vigil {

// One journal entry, its texts made safe to store: valid UTF-8 with no NUL byte, MESSAGE cut to
// kMaxRecordBytes on a character boundary, the other fields to 256 bytes. Absent fields are "".
struct JournalEntry {
  std::string cursor;
  std::string message;     // MESSAGE
  std::string unit;        // _SYSTEMD_UNIT
  std::string pid;         // _PID
  std::string priority;    // PRIORITY, "0" to "7"
  std::string hostname;    // _HOSTNAME
  std::string identifier;  // SYSLOG_IDENTIFIER
  int64_t realtime_us = 0; // when it was written, microseconds since the epoch
};

struct JournalReadOptions {
  std::optional<std::string> cursor;  // none: the watcher has never stored a position
  bool start_at_end = true;           // with no cursor: begin after the last entry (or at the oldest)
  size_t budget = 10000;              // entries read at most
};

struct JournalRead {
  std::vector<JournalEntry> entries;  // oldest first
  bool more = false;                  // the budget ran out: more may be waiting
  bool cursor_lost = false;           // the cursor's entry is gone: `entries` start at the oldest entry
  std::string tail_cursor;            // start_at end on a first read: the last entry's (no entries then)
};

// Replaces the journal's matches with `matches` (FIELD=VALUE each, as JournalSpec holds them).
// Error: the match sd-journal refused, with its reason.
Status AddJournalMatches(sd_journal* j, const std::vector<std::string>& matches);

class JournalReader {
 public:
  // Opens the journal of `spec` (its directory, or the local system's) with its matches.
  // Error: sd-journal's, with the path (a missing directory, no permission).
  static Result<std::unique_ptr<JournalReader>> Open(const JournalSpec& spec);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  // The entries after `options.cursor`. Error: sd-journal's (a corrupt file it cannot skip).
  Result<JournalRead> Read(const JournalReadOptions& options);

 private:
  struct Handle;
  explicit JournalReader(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
};

// "<s>:<i>" of a cursor "s=<seqnum id>;i=<seqnum>;b=...": the sequence number id and the number
// within it, which name an entry for good in every file that holds it (the other parts, boot id and
// timestamps, add nothing to that); a stable, unique event source_id. The whole cursor when it has
// no s= or i=.
std::string JournalEntryId(const std::string& cursor);

}  // namespace vigil
