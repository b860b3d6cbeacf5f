// CrashSentinel: vigil's own crash detection, in vigil's database (crash_sentinel,
// pending_error_reports). Start() writes this session's row as 'running', turns leftovers of
// earlier vigil sessions into one report each (crash_reports.h, kVigilNodes), enqueues a
// crash_report_flush job when that job is configured, and starts a thread that writes the last
// log lines into the row's snippets every `snippet_interval`, so a crash leaves its recent log
// behind. Destroying the sentinel (a graceful stop) writes the snippets once more and marks the
// row 'clean'; a crash never runs the destructor, so its row stays 'running'.
//
// Threads: Start and the destructor on the daemon's thread; the snippet writer has its own thread
// and its own connection, and waits on a condition variable so the destructor ends it at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config/config.h"
#include "store/sql.h"

namespace vigil {

class CrashSentinel {
 public:
  // `session_id` is the job engine's node id, so that vigil_nodes tells whether it still lives.
  static Result<std::unique_ptr<CrashSentinel>> Start(const Config& config, const std::string& session_id,
                                                      std::chrono::milliseconds snippet_interval = std::chrono::seconds(30));
  ~CrashSentinel();  // graceful stop: snippets written, status 'clean'
  CrashSentinel(const CrashSentinel&) = delete;
  CrashSentinel& operator=(const CrashSentinel&) = delete;

  // Writes the snippets now (also done by the writer thread), unless they are what was last written.
  Status WriteSnippets();

 private:
  CrashSentinel(std::unique_ptr<SqlConnection> db, std::string session_id, std::chrono::milliseconds interval);
  void WriterLoop();

  std::unique_ptr<SqlConnection> db_;
  std::mutex db_mu_;  // the writer thread and the destructor share db_ and written_
  std::string written_ = std::string(1, '\0');  // the snippets last written: unchanged ones are not written again (an idle daemon writes nothing)
  std::string session_id_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread writer_;
};

// How old a vigil node's heartbeat may be while the node still counts as alive: three leases
// (the engine heartbeats every third of a lease).
std::chrono::seconds HeartbeatFreshness(const Config& config);

}  // namespace vigil
