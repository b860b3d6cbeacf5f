#include "store/console_session_repo.h"

#include <openssl/rand.h>

#include "common/hex.h"
#include "store/db_time.h"

namespace vigil {

Result<std::string> DaemonKey(SqlConnection& db, const std::string& name, TimePoint now) {
  auto r = db.Query("SELECT secret FROM vigil_daemon_keys WHERE name = $1", {name});
  if (!r.ok()) return r.status();
  if (!r->rows.empty()) return r->rows[0].Text(0);
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Status::Error("no random bytes for the daemon's " + name + " key");
  auto insert = db.Query("INSERT INTO vigil_daemon_keys (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
                         {name, HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes)), ToMicros(now)});
  if (!insert.ok()) return insert.status();
  r = db.Query("SELECT secret FROM vigil_daemon_keys WHERE name = $1", {name});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::Error("the daemon's " + name + " key was not stored");
  return r->rows[0].Text(0);
}

Status EndConsoleSession(SqlConnection& db, const std::string& session_id, TimePoint expires_at, TimePoint now) {
  return InTransaction(db, true, [&]() -> Status {
    auto gone = db.Query("DELETE FROM vigil_console_signouts WHERE expires_at < $1", {ToMicros(now)});
    if (!gone.ok()) return gone.status();
    return db.Query("INSERT INTO vigil_console_signouts (session_id, ended_at, expires_at) VALUES ($1, $2, $3)"
                    " ON CONFLICT (session_id) DO NOTHING",
                    {session_id, ToMicros(now), ToMicros(expires_at)})
        .status();
  });
}

Result<bool> ConsoleSessionEnded(SqlConnection& db, const std::string& session_id) {
  auto r = db.Query("SELECT 1 FROM vigil_console_signouts WHERE session_id = $1", {session_id});
  if (!r.ok()) return r.status();
  return !r->rows.empty();
}

}  // namespace vigil
