// What the console's sessions keep in the database (migration 0014): the daemon's signing keys in
// vigil_daemon_keys, made once by whichever daemon asks first and then shared by every daemon on
// the database, and the sessions ended by sign-out in vigil_console_signouts. The cookie itself
// carries the session (daemon/admin/console_session.h); only a sign-out needs a row.
//
// Threads: each caller passes its own connection.
#pragma once

#include <string>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

// The key named `name` (64 hex digits from 32 random bytes), made and stored on first use. Two
// daemons asking at once agree: the second insert yields to the first and both read its key.
Result<std::string> DaemonKey(SqlConnection& db, const std::string& name, TimePoint now);

// Records that the session `session_id` (which would expire at `expires_at`) was signed out, and
// forgets sign-outs of sessions that have expired by `now`.
Status EndConsoleSession(SqlConnection& db, const std::string& session_id, TimePoint expires_at, TimePoint now);

// True when the session was signed out.
Result<bool> ConsoleSessionEnded(SqlConnection& db, const std::string& session_id);

}  // namespace vigil
