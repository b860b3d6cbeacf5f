-- Triage's epoch (docs/triage.md "Batches"): one row whose count goes up with every stored triage
-- batch on SQLite. A batch decides its events outside the write lock, reading the epoch first, and
-- stores its decisions only if the epoch has not moved by then (no other triage stored anything
-- its decisions read); else it decides again inside the lock. PostgreSQL leaves it at 0.
CREATE TABLE vigil_triage_epoch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL
);
INSERT INTO vigil_triage_epoch (id, n) VALUES (1, 0);
