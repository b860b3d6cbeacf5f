// Where a log watcher's change signals come from, on the loop thread.
//
// LogWatchTarget is the seam: LogWakeups (daemon/log_wakeups.h) owns one target per watcher and
// asks nothing of it but change signals and a cheap fallback check. FileWatchTarget serves
// `paths:` with libuv's uv_fs_event (inotify on Linux); JournalWatchTarget
// (daemon/journal_watch_target.h) serves `journal:` with a uv_poll_t on the journal's wait fd.
//
// Threads: the loop thread calls everything and receives every callback. File system scans run on
// libuv's thread pool (uv_queue_work); their after-callbacks come back to the loop.
#pragma once

#include <uv.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "sources/log/log_watch_scan.h"
#include "sources/log/log_watcher_spec.h"

namespace vigil {

class LogWatchTarget {
 public:
  using Changed = std::function<void()>;
  // "" when change notification works, else why it cannot be set up.
  using Ready = std::function<void(const std::string& error)>;
  virtual ~LogWatchTarget() = default;

  // Arms notification, then calls `ready` once; `changed` is called for every signal after that
  // (a burst of writes may call it many times: the caller coalesces).
  virtual void Start(Changed changed, Ready ready) = 0;
  // The fallback check: calls `done(true)` when something a pass reads differs from the last
  // Start or Check (without a database write). Also repairs the watches (new files, missed events).
  virtual void Check(std::function<void(bool changed)> done) = 0;
  // No callback after this; handles are freed in their close callbacks. Call before destroying.
  virtual void Close() = 0;
};

// A `paths:` watcher's files: uv_fs_event on the paths of ScanLogWatch (files, their directories,
// the globs' directories). A change to a file the watcher reads is a signal; other files in its
// directories are not. A rename or create seen re-scans, so new files are watched too.
// Held by shared_ptr: scans in flight keep it alive until their after-callback. The scans of all
// targets asked for in one turn of the loop run together, as one piece of work on libuv's pool.
class FileWatchTarget : public LogWatchTarget, public std::enable_shared_from_this<FileWatchTarget> {
 public:
  FileWatchTarget(uv_loop_t* loop, LogWatcherSpec spec) : loop_(loop), spec_(std::move(spec)) {}
  ~FileWatchTarget() override;

  void Start(Changed changed, Ready ready) override;
  void Check(std::function<void(bool changed)> done) override;
  void Close() override;
  bool closed() const { return closed_; }

  struct Watch;  // one uv_fs_event_t and what it watches

 private:
  using ScanDone = std::function<void(const LogWatchScan&)>;

  void Scan(ScanDone done);
  // Watches exactly the scan's files and directories; the first error other than a path that
  // vanished, or "".
  std::string Rewatch(const LogWatchScan& scan);
  std::string Arm(const std::string& path, bool directory);
  void OnEvent(Watch* w, const char* filename, int events, int status);
  bool Concerns(const std::string& path) const;
  void Rescan();
  void WarnOnce(const std::string& error);

  uv_loop_t* loop_;
  LogWatcherSpec spec_;
  Changed changed_;
  std::map<std::string, Watch*> watches_;  // path -> its handle; freed in the close callback
  std::string baseline_;                   // the fingerprint the fallback check compares with
  bool closed_ = false;
  bool rescanning_ = false, rescan_again_ = false;
  bool warned_ = false;
};

}  // namespace vigil
