#include "jobs/engine/interval_schedule.h"

#include <algorithm>
#include <string>

namespace vigil {
namespace {

using std::chrono::seconds;

// FNV-1a over the key and the slot's 8 little-endian bytes, then the splitmix64 finalizer to
// spread FNV's weak low bits. Spelled out byte by byte so every build and machine agrees: the
// fire times are shared between daemons, possibly of different versions during an upgrade.
uint64_t SlotHash(std::string_view key, int64_t slot) {
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix_byte = [&h](uint8_t b) {
    h ^= b;
    h *= 0x100000001b3ull;
  };
  for (char c : key) mix_byte(static_cast<uint8_t>(c));
  const auto bits = static_cast<uint64_t>(slot);
  for (int i = 0; i < 8; ++i) mix_byte(static_cast<uint8_t>(bits >> (8 * i)));
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Status IntervalSchedule::Validate() const {
  if (every <= seconds(0)) {
    return Status::Error("every must be positive, got " + std::to_string(every.count()) + "s");
  }
  // Fire times are nanosecond time points (they end in 2262): an interval past ten years could not
  // be added to one (found by interval_schedule_fuzz: every: 17824280014, 565 years).
  if (every > kMaxEvery) {
    return Status::Error("every must be at most " + std::to_string(kMaxEvery.count() / 86400) + "d, got " +
                         std::to_string(every.count()) + "s");
  }
  if (jitter < seconds(0) || jitter > every) {
    return Status::Error("jitter must be between 0 and every (" + std::to_string(every.count()) +
                         "s), got " + std::to_string(jitter.count()) + "s");
  }
  return Status::Ok();
}

seconds IntervalSchedule::JitterOf(int64_t slot, std::string_view key) const {
  const seconds period = std::max(every, seconds(1));
  const seconds window = std::clamp(jitter, seconds(0), period);
  if (window < seconds(1)) return seconds(0);
  return seconds(static_cast<int64_t>(SlotHash(key, slot) % static_cast<uint64_t>(window.count())));
}

TimePoint IntervalSchedule::FireTimeOfSlot(int64_t slot, std::string_view key) const {
  const seconds period = std::max(every, seconds(1));
  return TimePoint(period * slot + JitterOf(slot, key));
}

TimePoint IntervalSchedule::Next(TimePoint after, std::string_view key) const {
  const seconds period = std::max(every, seconds(1));
  const int64_t whole = std::chrono::floor<seconds>(after.time_since_epoch()).count();
  const int64_t slot = FloorDiv(whole, period.count());
  // Slot `slot` starts at or before `after`; its jitter may still put it after. Earlier slots
  // fire before their successor's start, so they are all <= after.
  const TimePoint here = FireTimeOfSlot(slot, key);
  return here > after ? here : FireTimeOfSlot(slot + 1, key);
}

TimePoint IntervalSchedule::Latest(TimePoint at, std::string_view key) const {
  const seconds period = std::max(every, seconds(1));
  const int64_t whole = std::chrono::floor<seconds>(at.time_since_epoch()).count();
  const int64_t slot = FloorDiv(whole, period.count());
  // Slot `slot` starts at or before `at` but its jitter may put its fire after; the slot before
  // it fires before `slot` starts.
  const TimePoint here = FireTimeOfSlot(slot, key);
  return here <= at ? here : FireTimeOfSlot(slot - 1, key);
}

}  // namespace vigil
