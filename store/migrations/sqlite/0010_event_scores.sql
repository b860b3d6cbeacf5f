-- The score triage gave each event (docs/triage.md, Seeing why). watcher_events keeps the signal and
-- the reasoning; the score has no column there, and platform tables get none from vigil, so it is
-- kept here, one row per triaged event (event_id: watcher_events.id as text). duplicate_of is the
-- event it was judged a near-duplicate of ('' when new) and scored_by says whose verdict stands
-- ('rules' or 'llm:<model>'), so `vigil triage replay` can tell what the rules alone would change.
-- Rows go with their events (triage_retention).
CREATE TABLE vigil_event_scores (
  event_id TEXT PRIMARY KEY,
  score DOUBLE PRECISION NOT NULL,
  duplicate_of TEXT NOT NULL,
  scored_by TEXT NOT NULL,
  scored_at BIGINT NOT NULL
);
