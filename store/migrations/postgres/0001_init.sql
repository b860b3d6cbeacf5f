-- vigil's own database (DESIGN.md "Store"). Platform tables (seeds/000, seeds/003) are created
-- only if missing, so vigil can share a platform database that already has them; vigil adds
-- nothing to a platform table it did not create (its indexes on the ones it did are added by
-- store/shared_tables.cpp, which knows which). Times on SQLite have six fractional digits, the
-- microseconds SQLAlchemy reads.
CREATE TABLE IF NOT EXISTS subreddits (
  id UUID PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT,
  description TEXT,
  purpose JSONB,
  output_template JSONB,
  participation_model TEXT,
  engine_overrides JSONB,
  tool_configs JSONB,
  min_agents INTEGER,
  max_agents INTEGER,
  always_include_red_team BOOLEAN DEFAULT false,
  max_cost_per_thread_usd DOUBLE PRECISION,
  monthly_budget_usd DOUBLE PRECISION,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS watchers (
  id UUID PRIMARY KEY,
  watcher_type TEXT NOT NULL CHECK (watcher_type IN ('literature', 'scheduled', 'webhook', 'log')),
  subreddit_id UUID REFERENCES subreddits(id),
  name TEXT NOT NULL,
  description TEXT,
  query TEXT,
  poll_interval_seconds INTEGER,
  enabled BOOLEAN NOT NULL DEFAULT true,
  config JSONB,
  auto_create_thread BOOLEAN NOT NULL DEFAULT false,
  auto_thread_approval_rate DOUBLE PRECISION,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS watcher_events (
  id UUID PRIMARY KEY,
  watcher_id UUID REFERENCES watchers(id),
  subreddit_id UUID REFERENCES subreddits(id),
  title TEXT,
  summary TEXT,
  source_type TEXT,
  source_id TEXT,
  source_url TEXT,
  source_metadata JSONB,
  raw_data JSONB,
  triage_signal TEXT CHECK (triage_signal IN ('low', 'medium', 'high')),
  triage_reasoning TEXT,
  detected_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS notifications (
  id UUID PRIMARY KEY,
  watcher_id UUID REFERENCES watchers(id),
  event_id UUID REFERENCES watcher_events(id),
  subreddit_id UUID REFERENCES subreddits(id),
  title TEXT,
  summary TEXT,
  signal TEXT,
  suggested_hypothesis TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'read', 'acted', 'dismissed')),
  action_taken TEXT,
  thread_id UUID,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  acted_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS crash_sentinel (
  session_id TEXT PRIMARY KEY,
  status TEXT NOT NULL,                    -- running | clean | reported
  started_at DOUBLE PRECISION,
  ended_at DOUBLE PRECISION,
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
  sent_at DOUBLE PRECISION,
  created_at DOUBLE PRECISION
);

-- vigil's own state. Times are microseconds since the Unix epoch (UTC).
CREATE TABLE IF NOT EXISTS vigil_jobs (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL,
  queue TEXT NOT NULL DEFAULT 'default',
  args TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL DEFAULT 'available', -- available | running | retryable | completed | discarded | cancelled
  priority INTEGER NOT NULL DEFAULT 0,     -- lower runs first
  run_at BIGINT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 20,
  unique_key TEXT,
  locked_by TEXT,
  locked_until BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE UNIQUE INDEX IF NOT EXISTS vigil_jobs_unique_key ON vigil_jobs (unique_key)
  WHERE unique_key IS NOT NULL AND state IN ('available', 'running', 'retryable');
CREATE INDEX IF NOT EXISTS vigil_jobs_claim ON vigil_jobs (queue, priority, run_at, id) WHERE state IN ('available', 'retryable');
CREATE INDEX IF NOT EXISTS vigil_jobs_lease ON vigil_jobs (locked_until) WHERE state = 'running';
CREATE INDEX IF NOT EXISTS vigil_jobs_finished ON vigil_jobs (finished_at) WHERE finished_at IS NOT NULL;

-- One row per schedule fire, kept beyond its job so that every fire runs once across daemons.
CREATE TABLE IF NOT EXISTS vigil_schedule_fires (
  schedule TEXT NOT NULL,
  fire_at BIGINT NOT NULL,
  job_id BIGINT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (schedule, fire_at)
);

CREATE TABLE IF NOT EXISTS vigil_nodes (
  node_id TEXT PRIMARY KEY,
  hostname TEXT NOT NULL,
  pid INTEGER NOT NULL,
  version TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  stopped_at BIGINT
);

CREATE TABLE IF NOT EXISTS vigil_http_cache (
  url TEXT PRIMARY KEY,
  etag TEXT,
  last_modified TEXT,
  updated_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS vigil_log_offsets (
  watcher TEXT NOT NULL,
  path TEXT NOT NULL,
  inode BIGINT NOT NULL,
  position BIGINT NOT NULL,
  head_hash TEXT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (watcher, path)
);

CREATE TABLE IF NOT EXISTS vigil_watcher_state (
  watcher_name TEXT PRIMARY KEY,
  last_poll_at BIGINT,
  last_success_at BIGINT,
  next_poll_at BIGINT,
  last_error TEXT,
  last_error_at BIGINT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  cursor TEXT
);
