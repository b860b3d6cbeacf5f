-- Batched triage (docs/triage.md "Batches"): a new event is queued here, in its own transaction,
-- instead of getting a triage job of its own; one `triage` job (deduplicated while it waits)
-- triages the queued events in batches, each batch one transaction that writes the verdicts and
-- deletes the batch's rows, so an event is triaged exactly once, across kills. A row that fails
-- on its own (the batch's transaction failed, then the event's alone) counts an attempt.
CREATE TABLE vigil_triage_pending (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  queued_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
