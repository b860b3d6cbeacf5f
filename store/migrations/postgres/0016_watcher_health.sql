-- Watcher health (docs/watchers-health.md).
--
-- When the daemon first polled a watcher: its silence (no event for longer than expect_every) is
-- counted from the later of its last event and this. Rows polled before this migration start now.
ALTER TABLE vigil_watcher_state ADD COLUMN first_poll_at BIGINT;
UPDATE vigil_watcher_state SET first_poll_at = last_poll_at;

-- What notify.ops_channels were last told of each watcher: '' (nothing wrong, or recovered),
-- 'failing' or 'silent'. The watcher_health job moves a row with a conditional update in the same
-- transaction as the alert it raises, so a restart, or two daemons sharing the database, never
-- raise the same alert twice.
CREATE TABLE vigil_watcher_health (
  watcher_name TEXT PRIMARY KEY,
  alerted TEXT NOT NULL DEFAULT '',
  changed_at BIGINT NOT NULL
);

-- The alerts raised: a notification about vigil itself, with no event and no community, so it
-- has no place in the platform's `notifications` table (event_id, subreddit_id). The `deliver`
-- job sends one to each ops channel (args {"health_alert_id", "channel"}), as it sends digests.
CREATE TABLE vigil_health_alerts (
  id TEXT PRIMARY KEY,
  watcher_name TEXT NOT NULL,
  health TEXT NOT NULL,          -- failing | silent | ok (a recovery)
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX vigil_health_alerts_created ON vigil_health_alerts (created_at);
