// Change notification for a journal log watcher, for the daemon's loop: the journal's own wait fd
// (inotify on its directories and files, from sd_journal_get_fd). The loop polls fd() for
// readability (uv_poll), then calls Changed(); true means entries were appended or files were
// added or removed, and a pass of the watcher should run. The periodic pass stays as a fallback.
//
// A waiter opens the journal on its own (the pass opens one per run), with the watcher's matches,
// and keeps its place at the last entry they select: fd() wakes for any change to the journal's
// files, Changed() is true only when an entry the watcher selects came after that place.
//
// Threads: the loop thread only (fd() and Changed() are cheap and never block).
#pragma once

#include <chrono>
#include <memory>

#include "common/status.h"
#include "sources/log/log_watcher_spec.h"

namespace vigil {

class JournalWaiter {
 public:
  // The waiter of a journal watcher (spec.journal set). Error: the journal cannot be opened or
  // watched (sd-journal's message, with the directory).
  static Result<std::unique_ptr<JournalWaiter>> Open(const LogWatcherSpec& spec);
  ~JournalWaiter();
  JournalWaiter(const JournalWaiter&) = delete;
  JournalWaiter& operator=(const JournalWaiter&) = delete;

  // The fd to poll for readability (POLLIN); owned by the waiter, valid until it is destroyed.
  int fd() const;

  // Consumes what made fd() readable (sd_journal_process). True when an entry the watcher's matches
  // select was appended since the last call (in any file: rotations and new files included), or
  // when sd-journal fails to say: run a pass. Costs one step through the journal, not one per entry.
  bool Changed();

  // How long the loop may wait before calling Changed() even though fd() is not readable (some
  // file systems give no inotify events and sd-journal then polls); -1 ms: no limit.
  std::chrono::milliseconds Timeout() const;

 private:
  struct Handle;
  explicit JournalWaiter(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
};

}  // namespace vigil
