-- Triage's memory (docs/triage.md). Dedupe keys outlive the events they came from, so an item
-- pruned by retention and seen again is never announced again, and near-duplicates from other
-- watchers collapse into the first. `community` is subreddits.id as text ('' for none).
CREATE TABLE vigil_triage_keys (
  community TEXT NOT NULL,
  dedupe_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (community, dedupe_key)
);
CREATE INDEX vigil_triage_keys_recent ON vigil_triage_keys (community, created_at);

-- Notifications and low-signal events waiting for their community's digest.
CREATE TABLE vigil_digest_items (
  community TEXT NOT NULL,
  event_id TEXT NOT NULL,
  notification_id TEXT,
  added_at BIGINT NOT NULL,
  digest_id TEXT,
  PRIMARY KEY (community, event_id)
);
CREATE INDEX vigil_digest_items_open ON vigil_digest_items (community, added_at) WHERE digest_id IS NULL;

-- A digest as sent: its items, so each channel's delivery job can build the same message.
CREATE TABLE vigil_digests (
  id TEXT PRIMARY KEY,
  community TEXT NOT NULL,
  items TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- When each community last had a notification pushed to its channels (the cooldown's clock).
CREATE TABLE vigil_community_pushes (
  community TEXT PRIMARY KEY,
  last_pushed_at BIGINT NOT NULL
);
