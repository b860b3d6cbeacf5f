-- Embeddings that stay in sync (docs/maintenance-embeddings-citations.md "Keeping in sync").
-- The hash of the text each row was embedded from, so an edited text is embedded again; a record
-- is now kept for every embedded row, also where the destination has a model column.
ALTER TABLE vigil_embedding_records ADD COLUMN text_hash TEXT;
-- Per target and model (with its dimension, "model@1536"): how far the passes that read only new rows have come, in (watermark, id)
-- order, and when the last reconcile pass (the whole source, hashes compared, deleted rows'
-- vectors removed) finished. pending_*: the source's last (watermark, id) when the reconcile
-- pass under way began; the mark moves there when it finishes.
CREATE TABLE vigil_embedding_marks (
  target TEXT NOT NULL,
  model TEXT NOT NULL,
  mark_value TEXT,
  mark_id TEXT,
  pending_value TEXT,
  pending_id TEXT,
  reconciled_at_us BIGINT,
  updated_at_us BIGINT NOT NULL,
  PRIMARY KEY (target, model)
);
