// A journal log watcher's change signals (`journal:`), for LogWakeups: the journal's own wait fd
// (sd_journal_get_fd: inotify on the journal's directories and files) polled with uv_poll, and a
// signal only when the JournalWaiter finds an entry the watcher's matches select, so journalling
// by other units wakes the loop for a moment and asks for no pass. Where sd-journal cannot be
// woken by inotify (it then asks to be called on a timeout), notification counts as unavailable
// and the fallback check (the waiter asked again every `every`, 2 s by default) does the work.
//
// Threads: the loop thread only. Opening the journal maps its files' headers: done on the loop at
// start and reload, like the file watcher's first scan of a directory.
#pragma once

#include <uv.h>

#include <memory>

#include "daemon/log_watch_target.h"
#include "sources/log/journal_waiter.h"

namespace vigil {

class JournalWatchTarget : public LogWatchTarget {
 public:
  JournalWatchTarget(uv_loop_t* loop, LogWatcherSpec spec) : loop_(loop), spec_(std::move(spec)) {}
  ~JournalWatchTarget() override;

  void Start(Changed changed, Ready ready) override;
  // Asks the waiter (a missed notification shows as an entry past its place); without a waiter,
  // tries to open one again and meanwhile says "changed" so the pass polls.
  void Check(std::function<void(bool changed)> done) override;
  void Close() override;

 private:
  // The waiter and its poll handle; "" or why notification is unavailable.
  std::string Arm();

  uv_loop_t* loop_;
  LogWatcherSpec spec_;
  Changed changed_;
  std::unique_ptr<JournalWaiter> waiter_;
  uv_poll_t* poll_ = nullptr;  // freed in its close callback
};

}  // namespace vigil
