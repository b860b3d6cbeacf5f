-- Triage's epoch (docs/triage.md "Batches"): SQLite's batches decide outside the write lock and
-- check this count before storing. PostgreSQL's batches decide inside their transaction (on rows
-- they lock) and leave it at 0; the table is here so both databases stand at the same version.
CREATE TABLE vigil_triage_epoch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n BIGINT NOT NULL
);
INSERT INTO vigil_triage_epoch (id, n) VALUES (1, 0);
