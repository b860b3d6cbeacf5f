// Running a helper program (pg_dump, pg_restore) from a worker thread: argv only (no shell), the
// parent's environment plus `env`, so a secret such as PGPASSWORD never appears on a command
// line; stdout and stderr read into bounded buffers (the first 64 KiB of each); the child killed
// (SIGTERM, then SIGKILL after 2 s) when `timeout` passes or `cancel` fires.
//
// Threads: blocking; call it on a worker thread, never on the loop.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/cancel.h"
#include "common/status.h"

namespace vigil {

struct ProcessResult {
  int exit_code = -1;       // the child's exit status; 128 + N when signal N ended it
  std::string out, err;     // the first 64 KiB of each
  bool timed_out = false;
  bool cancelled = false;
};

// An error only when the program cannot be started at all (not found, not executable).
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 const std::vector<std::pair<std::string, std::string>>& env,
                                 std::chrono::milliseconds timeout, const CancelToken* cancel = nullptr);

}  // namespace vigil
