-- The change feed of the live stream (GET /api/v1/stream, docs/api.md "Live stream"): one row per
-- new event, new or changed notification and job state change, numbered in order, so that every
-- daemon sharing the database can send what any of them wrote, and a client can resume after the
-- last number it saw. Jobs and events are recorded by triggers on vigil's own tables (never on the
-- platform's: docs/design-notes.md); notifications by the store's functions that write them. Rows
-- older than a day are pruned with the finished jobs.
CREATE TABLE vigil_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL CHECK (topic IN ('event', 'notification', 'job')),
  ref TEXT NOT NULL,
  at INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER))
);
CREATE INDEX vigil_changes_at ON vigil_changes (at);

CREATE TRIGGER vigil_changes_job_insert AFTER INSERT ON vigil_jobs BEGIN
  INSERT INTO vigil_changes (topic, ref) VALUES ('job', CAST(NEW.id AS TEXT));
END;
CREATE TRIGGER vigil_changes_job_state AFTER UPDATE OF state ON vigil_jobs WHEN OLD.state IS NOT NEW.state BEGIN
  INSERT INTO vigil_changes (topic, ref) VALUES ('job', CAST(NEW.id AS TEXT));
END;
-- vigil_event_sources gets one row per new event, in the event's transaction.
CREATE TRIGGER vigil_changes_event AFTER INSERT ON vigil_event_sources BEGIN
  INSERT INTO vigil_changes (topic, ref) VALUES ('event', NEW.event_id);
END;
