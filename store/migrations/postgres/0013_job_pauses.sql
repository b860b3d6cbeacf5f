-- Paused job kinds and queues (`vigil jobs pause`, POST /api/v1/pauses). While a row is here no
-- daemon sharing the database claims jobs of that kind or queue (each re-reads this table at most
-- every 500 ms) and schedules of that kind or queue do not fire; enqueueing goes on, so nothing is
-- lost. Resuming deletes the row.
CREATE TABLE vigil_job_pauses (
  scope TEXT NOT NULL CHECK (scope IN ('kind', 'queue')),
  name TEXT NOT NULL,
  paused_at BIGINT NOT NULL,
  paused_by TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (scope, name)
);
