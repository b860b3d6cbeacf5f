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
};

Result<std::optional<WatcherState>> GetWatcherState(SqlConnection& db, const std::string& name);
Status RecordPollSuccess(SqlConnection& db, const std::string& name, TimePoint now, const std::string& cursor);
Status RecordPollFailure(SqlConnection& db, const std::string& name, TimePoint now, const std::string& error,
                         TimePoint next_allowed);

}  // namespace vigil
