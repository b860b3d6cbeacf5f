-- The change feed of the live stream (GET /api/v1/stream, docs/api.md "Live stream"): one row per
-- new event, new or changed notification and job state change, numbered in order, so that every
-- daemon sharing the database can send what any of them wrote, and a client can resume after the
-- last number it saw. Jobs and events are recorded by triggers on vigil's own tables (never on the
-- platform's: docs/design-notes.md); notifications by the store's functions that write them. Rows
-- older than a day are pruned with the finished jobs. A sequence number is taken before its
-- transaction commits, so numbers can become visible out of order: the reader waits briefly for a
-- gap to fill (daemon/admin/feed_cursor.h).
CREATE TABLE vigil_changes (
  seq BIGSERIAL PRIMARY KEY,
  topic TEXT NOT NULL CHECK (topic IN ('event', 'notification', 'job')),
  ref TEXT NOT NULL,
  at BIGINT NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000000)::BIGINT
);
CREATE INDEX vigil_changes_at ON vigil_changes (at);

CREATE FUNCTION vigil_changes_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR OLD.state IS DISTINCT FROM NEW.state THEN
    INSERT INTO vigil_changes (topic, ref) VALUES ('job', NEW.id::TEXT);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER vigil_changes_job AFTER INSERT OR UPDATE OF state ON vigil_jobs
  FOR EACH ROW EXECUTE PROCEDURE vigil_changes_job();

-- vigil_event_sources gets one row per new event, in the event's transaction.
CREATE FUNCTION vigil_changes_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO vigil_changes (topic, ref) VALUES ('event', NEW.event_id::TEXT);
  RETURN NULL;
END
$$;
CREATE TRIGGER vigil_changes_event AFTER INSERT ON vigil_event_sources
  FOR EACH ROW EXECUTE PROCEDURE vigil_changes_event();
