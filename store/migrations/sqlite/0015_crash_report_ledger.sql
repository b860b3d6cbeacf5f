-- What vigil knows of the crash reports it has not sent yet, per database it flushes ("vigil" for
-- its own, the redacted URL for the platform's): when it first saw each one (the platform's
-- pending_error_reports has no time column, so this orders them), and when it gave one up because
-- more than jobs.crash_report_flush.max_pending were waiting. A given-up report stays in the
-- platform's table, unsent; its row here is the record. Rows of sent reports are removed.
CREATE TABLE vigil_crash_report_ledger (
  database_label TEXT NOT NULL,
  report_id TEXT NOT NULL,
  first_seen_at BIGINT NOT NULL,
  given_up_at BIGINT,
  PRIMARY KEY (database_label, report_id)
);
