// When a log watcher's change signals (file notifications, the fallback check, the multi-line
// flush timer) ask for one more `log_tail` pass. Pure logic; the daemon's LogWakeups owns one per
// watcher and enqueues the keys it returns.
//
// - A burst of changes queues at most one pass: until that pass begins reading, a change needs
//   nothing more (the pass reads what the change wrote).
// - A pass that has begun may already have read past the point a later write lands: a change seen
//   at or after a pass began reading asks for one more pass. The queued pass and the running one
//   have different unique keys ("tail:<name>:<generation>", the generation moving on each time a
//   pass begins), so the queue holds the next pass while one runs.
// - A pass this process never hears begin (claimed by another daemon sharing the database, or
//   lost) stops holding changes back after kQueuedPatience.
//
// Threads: one thread (the loop's) calls all methods.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace vigil {

class PassCoalescer {
 public:
  using Time = std::chrono::steady_clock::time_point;
  explicit PassCoalescer(std::string watcher) : watcher_(std::move(watcher)) {}

  // Something may have been written at or before `now`. Returns the unique key of a pass to
  // enqueue, or "" when a queued pass will read it.
  std::string OnChange(Time now);
  // A pass of this watcher began reading at `started`. Returns the key of one more pass when a
  // change was seen at or after `started` (that pass may have missed it), else "".
  std::string OnPassStarted(Time started, Time now);
  // The enqueue of the last key failed: the next change enqueues again.
  void OnEnqueueFailed() { queued_ = false; }

  bool queued() const { return queued_; }

  static constexpr std::chrono::seconds kQueuedPatience{10};

 private:
  std::string Key() const { return "tail:" + watcher_ + ":" + std::to_string(generation_); }

  std::string watcher_;
  uint64_t generation_ = 0;
  bool queued_ = false;
  Time queued_at_{};
  std::optional<Time> last_change_;
};

}  // namespace vigil
