-- Hands off the platform's tables (docs/design-notes.md "Shared database"): the uniqueness vigil
-- relies on lives in its own tables, written in the same transactions as the rows they guard,
-- instead of unique indexes on `watchers` and `watcher_events`, which Alembic owns in a shared
-- database. Which of the platform tables vigil created itself, and the form its ids are stored
-- in, are recorded in vigil_settings by the step that follows the migrations (store/shared_tables.cpp).
CREATE TABLE vigil_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per watcher that vigil syncs from its YAML: one watcher per name among those.
CREATE TABLE vigil_watcher_names (
  name TEXT PRIMARY KEY,
  watcher_id UUID NOT NULL
);
INSERT INTO vigil_watcher_names (name, watcher_id)
  SELECT name, MIN(id::text)::uuid FROM watchers
  WHERE (config::jsonb) ->> 'managed_by' = 'vigil'
  GROUP BY name;

-- One event per watcher and source id.
CREATE TABLE vigil_event_sources (
  watcher_id UUID NOT NULL,
  source_id TEXT NOT NULL,
  event_id UUID NOT NULL,
  PRIMARY KEY (watcher_id, source_id)
);
CREATE INDEX vigil_event_sources_event ON vigil_event_sources (event_id);
INSERT INTO vigil_event_sources (watcher_id, source_id, event_id)
  SELECT watcher_id, source_id, MIN(id::text)::uuid FROM watcher_events
  WHERE watcher_id IS NOT NULL AND source_id IS NOT NULL
  GROUP BY watcher_id, source_id;

DROP INDEX IF EXISTS watchers_name_key;
DROP INDEX IF EXISTS watcher_events_source_key;
