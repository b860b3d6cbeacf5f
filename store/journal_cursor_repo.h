// Where each journal log watcher has read the systemd journal to: vigil_journal_cursors, one row
// per watcher holding the cursor of the last entry whose record was stored ("" : from the oldest
// entry). A file watcher's offsets (store/log_offset_repo.h) are per file, keyed by path and inode;
// a journal position is one opaque string per watcher, so it has a table of its own. The row
// changes only inside the transaction that stores the events read up to it (the caller holds
// LockLogWatcher), so a crash neither loses nor repeats an entry.
//
// Threads: each caller passes its own connection.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

// The watcher's cursor; nullopt when it has none yet (it has never read the journal).
Result<std::optional<std::string>> LoadJournalCursor(SqlConnection& db, const std::string& watcher);

// Sets the watcher's cursor (call inside the caller's transaction).
Status SaveJournalCursor(SqlConnection& db, const std::string& watcher, const std::string& cursor, TimePoint now);

}  // namespace vigil
