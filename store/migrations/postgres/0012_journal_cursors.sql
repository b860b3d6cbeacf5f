-- How far each journal log watcher (`type: log` with `journal:`) has read the systemd journal: the
-- cursor of the last entry whose record was stored, or '' to read from the journal's oldest entry
-- (the cursor was lost, or the journal held nothing yet). The row changes only in the transaction
-- that stores the events read up to it, so a crash neither loses nor repeats an entry. No row: the
-- watcher has not read the journal yet, and `start_at` decides where it begins.
CREATE TABLE vigil_journal_cursors (
  watcher TEXT PRIMARY KEY,
  journal_cursor TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
