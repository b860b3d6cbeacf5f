// Daemon: the running vigil process. Owns the libuv loop (loop thread), the HTTP server, signal
// handling, sd_notify, the request-path database thread and, as they arrive, the job engine's
// scheduler and workers.
//
// Lifecycle: Run() migrates the database, syncs watchers, binds the listener, reports READY=1 and
// serves until SIGTERM/SIGINT (graceful stop, exit 0). SIGHUP re-reads the config: a valid one is
// applied, a bad one logged and the old one kept.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"

namespace vigil {

struct DaemonOptions {
  bool log_format_overridden = false;  // --log-format given: reloads keep it
};

class Daemon {
 public:
  Daemon(std::shared_ptr<const Config> config, DaemonOptions options);
  ~Daemon();
  // Blocks until stopped. Returns the process exit code.
  int Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil
