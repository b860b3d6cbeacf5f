-- vigil's own database (DESIGN.md "Store"). Platform tables (seeds/000, seeds/003) are created
-- only if missing, so vigil can share a platform database that already has them; vigil adds
-- nothing to a platform table it did not create (its indexes on the ones it did are added by
-- store/shared_tables.cpp, which knows which). Times on SQLite have six fractional digits, the
-- microseconds SQLAlchemy reads.
CREATE TABLE IF NOT EXISTS subreddits (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT,
  description TEXT,
  purpose TEXT,
  output_template TEXT,
  participation_model TEXT,
  engine_overrides TEXT,
  tool_configs TEXT,
  min_agents INTEGER,
  max_agents INTEGER,
  always_include_red_team INTEGER DEFAULT 0,
  max_cost_per_thread_usd REAL,
  monthly_budget_usd REAL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);

CREATE TABLE IF NOT EXISTS watchers (
  id TEXT PRIMARY KEY,
  watcher_type TEXT NOT NULL CHECK (watcher_type IN ('literature', 'scheduled', 'webhook', 'log')),
  subreddit_id TEXT REFERENCES subreddits(id),
  name TEXT NOT NULL,
  description TEXT,
  query TEXT,
  poll_interval_seconds INTEGER,
  enabled INTEGER NOT NULL DEFAULT 1,
  config TEXT,
  auto_create_thread INTEGER NOT NULL DEFAULT 0,
  auto_thread_approval_rate REAL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);

CREATE TABLE IF NOT EXISTS watcher_events (
  id TEXT PRIMARY KEY,
  watcher_id TEXT REFERENCES watchers(id),
  subreddit_id TEXT REFERENCES subreddits(id),
  title TEXT,
  summary TEXT,
  source_type TEXT,
  source_id TEXT,
  source_url TEXT,
  source_metadata TEXT,
  raw_data TEXT,
  triage_signal TEXT CHECK (triage_signal IN ('low', 'medium', 'high')),
  triage_reasoning TEXT,
  detected_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);

CREATE TABLE IF NOT EXISTS notifications (
  id TEXT PRIMARY KEY,
  watcher_id TEXT REFERENCES watchers(id),
  event_id TEXT REFERENCES watcher_events(id),
  subreddit_id TEXT REFERENCES subreddits(id),
  title TEXT,
  summary TEXT,
  signal TEXT,
  suggested_hypothesis TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'read', 'acted', 'dismissed')),
  action_taken TEXT,
  thread_id TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
  acted_at TEXT
);

CREATE TABLE IF NOT EXISTS crash_sentinel (
  session_id TEXT PRIMARY KEY,
  status TEXT NOT NULL,                    -- running | clean | reported
  started_at REAL,
  ended_at REAL,
  system_log_snippet TEXT,
  api_log_snippet TEXT
);

CREATE TABLE IF NOT EXISTS pending_error_reports (
  report_id TEXT PRIMARY KEY,
  error_type TEXT,
  error_message TEXT,
  traceback TEXT,
  context TEXT,
  sent INTEGER NOT NULL DEFAULT 0,
  sent_at REAL,
  created_at REAL
);

-- vigil's own state. Times are microseconds since the Unix epoch (UTC).
CREATE TABLE vigil_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  queue TEXT NOT NULL DEFAULT 'default',
  args TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL DEFAULT 'available', -- available | running | retryable | completed | discarded | cancelled
  priority INTEGER NOT NULL DEFAULT 0,     -- lower runs first
  run_at INTEGER NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 20,
  unique_key TEXT,
  locked_by TEXT,
  locked_until INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE UNIQUE INDEX vigil_jobs_unique_key ON vigil_jobs (unique_key)
  WHERE unique_key IS NOT NULL AND state IN ('available', 'running', 'retryable');
CREATE INDEX vigil_jobs_claim ON vigil_jobs (queue, priority, run_at, id) WHERE state IN ('available', 'retryable');
CREATE INDEX vigil_jobs_lease ON vigil_jobs (locked_until) WHERE state = 'running';
CREATE INDEX vigil_jobs_finished ON vigil_jobs (finished_at) WHERE finished_at IS NOT NULL;

-- One row per schedule fire, kept beyond its job so that every fire runs once across daemons.
CREATE TABLE vigil_schedule_fires (
  schedule TEXT NOT NULL,
  fire_at INTEGER NOT NULL,
  job_id INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (schedule, fire_at)
);

CREATE TABLE vigil_nodes (
  node_id TEXT PRIMARY KEY,
  hostname TEXT NOT NULL,
  pid INTEGER NOT NULL,
  version TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  stopped_at INTEGER
);

CREATE TABLE vigil_http_cache (
  url TEXT PRIMARY KEY,
  etag TEXT,
  last_modified TEXT,
  updated_at INTEGER NOT NULL
);

CREATE TABLE vigil_log_offsets (
  watcher TEXT NOT NULL,
  path TEXT NOT NULL,
  inode INTEGER NOT NULL,
  position INTEGER NOT NULL,
  head_hash TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (watcher, path)
);

CREATE TABLE vigil_watcher_state (
  watcher_name TEXT PRIMARY KEY,
  last_poll_at INTEGER,
  last_success_at INTEGER,
  next_poll_at INTEGER,
  last_error TEXT,
  last_error_at INTEGER,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  cursor TEXT
);
