-- Maintenance jobs embedding_backfill and citation_verification (docs/maintenance-embeddings-citations.md).
-- Which model embedded a row, for destinations without a model column of their own.
CREATE TABLE vigil_embedding_records (
  target TEXT NOT NULL,
  row_id TEXT NOT NULL,
  model TEXT NOT NULL,
  dimension INTEGER NOT NULL,
  embedded_at_us BIGINT NOT NULL,
  PRIMARY KEY (target, row_id)
);
-- Rows the provider keeps refusing; skipped once attempts reach the job's max_row_attempts.
CREATE TABLE vigil_embedding_failures (
  target TEXT NOT NULL,
  row_id TEXT NOT NULL,
  model TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  updated_at_us BIGINT NOT NULL,
  PRIMARY KEY (target, row_id)
);
-- Where an interrupted pass over a target stopped (the last source id it finished), per model.
CREATE TABLE vigil_embedding_cursors (
  target TEXT NOT NULL,
  model TEXT NOT NULL,
  last_id TEXT NOT NULL,
  updated_at_us BIGINT NOT NULL,
  PRIMARY KEY (target, model)
);
-- What a citation identifier resolved to, so a DOI cited a hundred times is fetched once.
CREATE TABLE vigil_citation_cache (
  identifier TEXT PRIMARY KEY,          -- "doi:10.1037/...", "pmid:9997", "arxiv:1707.08567", "url:https://..."
  found INTEGER NOT NULL,
  record TEXT NOT NULL,                 -- JSON: title, authors, year, retracted, final_url, status, error
  fetched_at_us BIGINT NOT NULL
);
