-- Whether a watcher's last error is permanent (HTTP 404/410/401/403, an invalid query): it will
-- not heal by waiting, so it is shown as such and not retried; 0 for a transient one (a 500, a
-- timeout) and for no error.
ALTER TABLE vigil_watcher_state ADD COLUMN last_error_permanent INTEGER NOT NULL DEFAULT 0;
