-- Keys of the daemon, shared by every daemon on this database and kept across restarts. The
-- `console_session` key signs the console's session cookies (together with api.token, so a new
-- token ends every session), which is why a session works on any daemon sharing the database.
CREATE TABLE vigil_daemon_keys (
  name TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- Console sessions ended by sign-out before they expired: a cookie naming one is refused even
-- though its signature holds. A row is deleted once its session would have expired anyway.
CREATE TABLE vigil_console_signouts (
  session_id TEXT PRIMARY KEY,
  ended_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
