-- PostgreSQL's 0023 makes watcher_events.raw_data and source_metadata `json`, as the platform's
-- schema has them (seeds/000). SQLite keeps JSON as TEXT either way: nothing changes here. The
-- migration exists so that both dialects stand at the same schema version (`vigil db copy`
-- refuses to copy between different versions).
SELECT 1;
