// The SQLite driver of SqlConnection: WAL journal, a commit on disk when it returns (the WAL is
// synced after each commit, once the process's other writers may go on; synchronous=FULL where
// the file cannot be in WAL mode), a busy timeout (waiting in short sleeps, so a lock is taken soon after its release),
// and a cache of prepared statements (statement_cache.h). One connection per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "store/sql.h"

namespace vigil {

// Opens (creating if needed) the database file at `path` (":memory:" for tests). Creates the
// file's folder if it is missing.
Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(const std::string& path, int busy_timeout_ms);
// Opens the existing database file at `path` for reading only (SQLITE_OPEN_READONLY and
// query_only): creates no file or folder and changes no setting of the file (its journal mode
// stays what its owner chose). A missing file is an error.
Result<std::unique_ptr<SqlConnection>> OpenSqliteReadOnly(const std::string& path, int busy_timeout_ms);

// Attaches again the WAL checkpointer of a SQLite connection that has one (wal_checkpointer.h),
// after a PRAGMA wal_autocheckpoint replaced its hook; nothing for other connections.
void ReattachWalCheckpointer(SqlConnection& db);

// RelaxCommitSync's and RestoreCommitSync's SQLite half: in WAL mode, whether the WAL is synced
// after each commit (synchronous = NORMAL either way); nothing in another journal mode (FULL).
Status SyncSqliteCommits(SqlConnection& db, bool on);

// SQLite's heap in this process, every connection's together (sqlite3_memory_used), and the part
// of it that is page cache: each connection's pages, up to its cache_size (2 MB by default), so it
// grows as connections read more of a growing file and then stays. For /metrics.
struct SqliteHeap {
  int64_t used_bytes = 0;
  int64_t page_cache_bytes = 0;
};
SqliteHeap SqliteHeapNow();

// Rewrites `$1` placeholders as SQLite's `?1`, leaving quoted text alone.
std::string SqliteTranslatePlaceholders(std::string_view sql);

}  // namespace vigil
