#include "store/journal_cursor_repo.h"

#include "store/db_time.h"

namespace vigil {

Result<std::optional<std::string>> LoadJournalCursor(SqlConnection& db, const std::string& watcher) {
  auto r = db.Query("SELECT journal_cursor FROM vigil_journal_cursors WHERE watcher = $1", {watcher});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(r->rows[0].Text(0));
}

Status SaveJournalCursor(SqlConnection& db, const std::string& watcher, const std::string& cursor, TimePoint now) {
  return db.Query("INSERT INTO vigil_journal_cursors (watcher, journal_cursor, updated_at) VALUES ($1, $2, $3)"
                  " ON CONFLICT (watcher) DO UPDATE SET journal_cursor = excluded.journal_cursor, updated_at = excluded.updated_at",
                  {watcher, cursor, ToMicros(now)})
      .status();
}

}  // namespace vigil
