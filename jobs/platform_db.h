// The platform's database as a maintenance job sees it: the job's own `database.url`, or vigil's
// database when it has none; and the rule that a job whose tables are missing says so once per
// process (not on every scheduled run) and waits.
//
// Threads: PlatformDb belongs to the calling thread. LogMissingTableOnce may be called from any
// thread (a mutex guards the set of things already said).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"
#include "store/sql.h"

namespace vigil {

class PlatformDb {
 public:
  // `url` "" means `vigil_db` itself; otherwise a connection is opened and owned.
  static Result<PlatformDb> Open(const std::string& url, SqlConnection& vigil_db);
  SqlConnection& get() { return owned_ ? *owned_ : *shared_; }

 private:
  std::unique_ptr<SqlConnection> owned_;
  SqlConnection* shared_ = nullptr;
};

// Logs "<job>: <what>; waiting" at warning level the first time this process sees it.
void LogMissingTableOnce(const std::string& job, const std::string& what);

// How long a job waits before looking for its tables again.
inline constexpr std::chrono::minutes kMissingTableWait{5};

}  // namespace vigil
