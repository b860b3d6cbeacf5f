-- Effects of `noop` jobs run with {"mark": true}: one row per job; `runs` counts how often the
-- job's handler ran to completion (a lease rescue after a crash may run a job again).
CREATE TABLE vigil_noop_marks (
  job_id BIGINT PRIMARY KEY,
  node_id TEXT NOT NULL,
  runs INTEGER NOT NULL
);
