-- watcher_events.raw_data and source_metadata as the platform has them (seeds/000: JSON, which
-- SQLAlchemy's JSON type makes `json`). 0001 made them `jsonb` where vigil created the table: each
-- stored webhook payload was parsed into jsonb's binary form, work nobody read back (vigil and the
-- platform read the whole value). `json` keeps the text as sent, checked for validity only.
-- A platform's own table (already `json`) is not touched. The raw payloads of a table vigil
-- created are compressed with lz4 where the server has it (PostgreSQL 14+ built with lz4, as
-- Debian's is): pglz took as long per payload as the JSON check (bench/webhook_bench.sh, perf).
-- The change rewrites the table once, at the daemon's first start after the upgrade.
DO $$
BEGIN
  IF (SELECT data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'watcher_events' AND column_name = 'raw_data') = 'jsonb' THEN
    ALTER TABLE watcher_events
      ALTER COLUMN raw_data TYPE json USING raw_data::json,
      ALTER COLUMN source_metadata TYPE json USING source_metadata::json;
    BEGIN
      ALTER TABLE watcher_events ALTER COLUMN raw_data SET COMPRESSION lz4;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'raw_data keeps the default compression: %', SQLERRM;
    END;
  END IF;
END
$$;
