// Interval schedules: `every: 15m`, optionally `jitter: 2m`.
//
// Fire times are slots aligned to multiples of `every` since the Unix epoch (UTC), so they do not
// depend on when a daemon started: every: 15m fires at :00, :15, :30, :45 past each hour. Slot k
// fires at k*every + J(key, k), where the jitter J is a deterministic offset in whole seconds in
// [0, jitter), derived from a hash of (key, k). Every daemon computing the same schedule (same
// key, normally the schedule name) gets the same fire times, which is what lets them dedupe fires
// by the unique key schedule:<name>:<fire time>; different schedules spread out over the window.
// Because jitter <= every, fire times stay strictly increasing. Pure value; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace vigil {

// The longest interval: ten years (fire times are nanosecond time points, which end in 2262).
inline constexpr std::chrono::seconds kMaxEvery{3650LL * 86400};

struct IntervalSchedule {
  std::chrono::seconds every{0};
  std::chrono::seconds jitter{0};

  // Error unless 0 < every <= kMaxEvery and 0 <= jitter <= every; each message names the
  // offending value.
  Status Validate() const;

  // The first fire time strictly after `after`. Requires Validate().ok(); otherwise every is
  // taken as at least 1 s and jitter is clamped into [0, every], so it never divides by zero.
  TimePoint Next(TimePoint after, std::string_view key) const;

  // The last fire time at or before `at`: the slot a schedule that has never fired takes when it
  // fires at once (every daemon computing it at any moment until the next fire gets the same
  // time). Same requirements and clamping as Next.
  TimePoint Latest(TimePoint at, std::string_view key) const;

  // Start of slot k (k * every since the epoch) plus its jitter.
  TimePoint FireTimeOfSlot(int64_t slot, std::string_view key) const;

  // The jitter of slot k for this key, in [0, jitter); zero when jitter < 1 s.
  std::chrono::seconds JitterOf(int64_t slot, std::string_view key) const;
};

}  // namespace vigil
