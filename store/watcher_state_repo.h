// Per-watcher runtime state in vigil_watcher_state: last poll, last success, last error, failure
// streak and the source's cursor. Read by `vigil watchers list` and the admin API.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

struct WatcherState {
  std::string watcher_name;
  int64_t last_poll_at_us = 0;
  int64_t last_success_at_us = 0;
  int64_t next_poll_at_us = 0;
  std::string last_error;
  int64_t last_error_at_us = 0;
  int consecutive_failures = 0;
  std::string cursor;  // JSON, the source's own
  bool last_error_permanent = false;  // the last error will not heal by waiting (see PollFailure)
  int64_t first_poll_at_us = 0;       // the first poll recorded (0: none, or none since migration 0016)
};

// A failed poll as it is recorded.
struct PollFailure {
  std::string error;
  TimePoint next_allowed{};  // no poll before this (the failure backoff); `now` for none
  bool permanent = false;    // will not heal by waiting (HTTP 404, an invalid query)
  bool counts = true;        // adds to the failure streak (a "run now" does not: it never moves the backoff)
};

Result<std::optional<WatcherState>> GetWatcherState(SqlConnection& db, const std::string& name);
Status RecordPollSuccess(SqlConnection& db, const std::string& name, TimePoint now, const std::string& cursor);
struct PollSuccess {
  std::string name;
  TimePoint at{};
  std::string cursor;
};
// The same for several watchers, one statement per 200 (a watcher named twice: its last).
Status RecordPollSuccesses(SqlConnection& db, const std::vector<PollSuccess>& given);
// Records the failure as the watcher's last error and poll. A failure that does not count keeps
// the streak and the next allowed poll as they were.
Status RecordPollFailure(SqlConnection& db, const std::string& name, TimePoint now, const PollFailure& failure);

}  // namespace vigil
