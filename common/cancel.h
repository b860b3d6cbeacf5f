// CancelToken: a cancellation flag a job's owner sets and the job's blocking waits observe.
// A job handler passes it down (e.g. to HttpClient::Send) so a graceful stop or a cancelled job
// ends sleeps and transfers promptly instead of after their full duration.
//
// Threads: Cancel() may be called from any thread; cancelled() and WaitFor() from any thread,
// typically the worker running the job. WaitFor blocks only its caller.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace vigil {

class CancelToken {
 public:
  // Sets the flag and wakes every WaitFor. Idempotent.
  void Cancel() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_all();
  }

  bool cancelled() const { return cancelled_.load(); }

  // Sleeps up to `d`; returns early when cancelled. Returns true if cancelled (before or during).
  template <class Rep, class Period>
  bool WaitFor(std::chrono::duration<Rep, Period> d) const {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, d, [this] { return cancelled_.load(); });
  }

 private:
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
};

// Sleeps `d`, or until `cancel` (which may be null) is set. Returns false if cancelled.
template <class Rep, class Period>
bool SleepUnlessCancelled(const CancelToken* cancel, std::chrono::duration<Rep, Period> d) {
  if (cancel == nullptr) {
    std::this_thread::sleep_for(d);
    return true;
  }
  return !cancel->WaitFor(d);
}

}  // namespace vigil
