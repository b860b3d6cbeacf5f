// The clock interface in front of time (STYLE.md 3): the daemon uses SystemClock, unit tests a
// FakeClock they advance by hand. Times are UTC instants in std::chrono::system_clock.
#pragma once

#include <atomic>
#include <chrono>

namespace vigil {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& Instance() {
    static SystemClock clock;
    return clock;
  }
};

// Thread-safe fake: Now() returns what Set/Advance last made it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint{}) : now_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(Duration(now_.load())); }
  void Set(TimePoint t) { now_ = t.time_since_epoch().count(); }
  void Advance(Duration d) { now_ += d.count(); }

 private:
  std::atomic<Duration::rep> now_;
};

// Seconds since the Unix epoch, as the seeds' REAL timestamps store them.
inline double ToUnixSeconds(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace vigil
