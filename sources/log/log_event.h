// The event a log record makes when a rule matches it: the rule's title template over its
// captures, the record as the summary, and a source_id from the file, offset and content (a
// journal record: from its first entry's cursor). The log_tail job stores these; `vigil watchers
// test` shows them.
//
// Pure function; any thread.
#pragma once

#include "sources/log/journal_records.h"
#include "sources/log/log_rules.h"
#include "sources/log/log_tailer.h"
#include "sources/log/log_watcher_spec.h"
#include "store/event.h"

namespace vigil {

// The event of record `t`, which `m` (one of spec.rules) matched.
Event LogEventFor(const LogWatcherSpec& spec, const TailedRecord& t, const LogRuleMatch& m);

// The event of journal record `r`. Its first entry's fields are template variables and metadata:
// unit, pid, priority, hostname, identifier, timestamp (ISO 8601, UTC, "Z"); source_id is
// JournalEntryId of its cursor.
Event JournalEventFor(const LogWatcherSpec& spec, const JournalRecord& r, const LogRuleMatch& m);

}  // namespace vigil
