// LogWakeups: when a log watcher's `log_tail` pass runs. There is no schedule: a pass is enqueued
// when the watcher's files change (LogWatchTarget: inotify through uv_fs_event), when the fallback
// check every `every` finds them different (a stat of each, for network file systems and missed
// notifications; it writes nothing to the database), `flush_after` after the last change of a
// watcher with multi-line records (so a pending record is taken), and once when the watcher starts
// (catching up on what was written while the daemon was down). An idle watcher costs one stat per
// file every `every` and no database write.
//
// Each watcher's passes are coalesced by a PassCoalescer (sources/log/log_pass_coalescer.h): a
// burst of writes queues at most one pass, and a change seen after a pass began reading queues one
// more. A pass tells the daemon it began through Runtime::NoteLogPass, which reaches PassStarted.
//
// `every` defaults to kDefaultLogEvery (30 s) where notification works and kDefaultLogEveryPolled
// (2 s) where it cannot be set up (logged once, with the reason).
//
// Threads: the loop thread calls everything and runs every callback; `enqueue` must not block (the
// daemon hands it to its DbThread) and calls its `done` on the loop.
#pragma once

#include <uv.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "daemon/log_watch_target.h"
#include "sources/log/log_pass_coalescer.h"

namespace vigil {

class LogWakeups {
 public:
  using Time = std::chrono::steady_clock::time_point;
  // Enqueues a log_tail pass of `watcher` with `unique_key`; `done(ok)` on the loop afterwards.
  using Enqueue = std::function<void(const std::string& watcher, const std::string& unique_key, std::function<void(bool ok)> done)>;

  LogWakeups(uv_loop_t* loop, Enqueue enqueue);
  ~LogWakeups();  // Close() must have been called and the loop run until its handles closed
  LogWakeups(const LogWakeups&) = delete;
  LogWakeups& operator=(const LogWakeups&) = delete;

  // Watches the enabled log watchers of `config` (the running config: at start and after each
  // reload): a watcher added starts (with its first pass), one removed stops, one whose block
  // changed starts again.
  void Apply(const Config& config);
  // A pass of `watcher` began reading at `started` (Runtime::NoteLogPass, posted to the loop).
  void PassStarted(const std::string& watcher, Time started);
  // Stops every watcher; nothing is enqueued after this.
  void Close();

  size_t size() const { return entries_.size(); }
  // Added to the multi-line flush timer: the tailer compares the file's mtime with the wall clock.
  static constexpr std::chrono::milliseconds kFlushMargin{50};
  static constexpr std::chrono::milliseconds kRetryAfter{2000};  // after a failed enqueue

 private:
  struct Entry;

  void Add(const std::string& name, const LogWatcherSpec& spec, std::string digest);
  void Remove(std::map<std::string, std::unique_ptr<Entry>>::iterator it);
  void OnReady(const std::string& name, const std::string& error);
  void OnChange(const std::string& name);
  void OnFallback(Entry& e);
  void Request(Entry& e);
  void EnqueueKey(Entry& e, const std::string& key);
  Entry* Find(const std::string& name);

  uv_loop_t* loop_;
  Enqueue enqueue_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
  bool closed_ = false;
};

// The interval of a watcher's fallback check: its `every`, or the default for whether change
// notification could be set up for it.
std::chrono::milliseconds FallbackInterval(const LogWatcherSpec& spec, bool notification_works);

}  // namespace vigil
