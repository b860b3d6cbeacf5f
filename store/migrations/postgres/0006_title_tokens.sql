-- Title words for near-duplicate detection (docs/triage.md). Each triaged event leaves one row per
-- word of its title (stop words left out), with all its words; a new event looks up the newest
-- earlier events sharing one of its rarest words instead of reading every title in the novelty
-- window, which made triage slower with every event stored. The `title:` keys this replaces are
-- dropped: events triaged before this migration are not compared by title (exact keys still are).
CREATE TABLE vigil_triage_title_tokens (
  community TEXT NOT NULL,
  token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  title_tokens TEXT NOT NULL,
  PRIMARY KEY (community, token, created_at, event_id)
);
CREATE INDEX vigil_triage_title_tokens_age ON vigil_triage_title_tokens (created_at);
DELETE FROM vigil_triage_keys WHERE dedupe_key LIKE 'title:%';
