// Interval schedules (daemon/interval_schedule.h) as a `jobs.schedules` entry gives them, read by
// ParseScheduleSpec (daemon/schedule_config.h): `every` and `jitter` (durations as text, or whole
// seconds as integers), then the next fire time after a start.
// Input: every \0 jitter \0 schedule name (the jitter key) \0 Unix seconds to search after.
// Besides not crashing (UBSan watches the arithmetic on huge durations): for an accepted schedule
// the next fire time is strictly after the start and at most every + jitter later, it is the fire
// time of a slot, and the fire time of the slot before is not after the start; the last fire at
// or before the start (where a never-fired watcher fires at once) is the one just before that next
// fire: not after the start, and no fire lies between them.
#include <charconv>
#include <cstdint>
#include <string>

#include "config/config.h"
#include "fuzz/fuzz_input.h"
#include "jobs/schedule_config.h"

namespace {

using std::chrono::seconds;
using vigil::TimePoint;

TimePoint StartFrom(std::string_view text) {
  int64_t s = 1767225600;
  std::from_chars(text.data(), text.data() + text.size(), s);
  return TimePoint(seconds(std::clamp<int64_t>(s, -2208988800, 4102444800)));
}

// A duration field as YAML would give it: digits are an integer (seconds), anything else text.
nlohmann::json DurationValue(std::string_view text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return n;
  return std::string(text);
}

void CheckNextFire(const vigil::IntervalSchedule& schedule, std::string_view key, TimePoint after) {
  TimePoint next = schedule.Next(after, key);
  VIGIL_FUZZ_CHECK(next > after, "next fire not after the start");
  VIGIL_FUZZ_CHECK(next - after <= schedule.every + schedule.jitter, "next fire too late");
  int64_t slot = std::chrono::floor<seconds>(next.time_since_epoch()).count() / schedule.every.count();
  bool found = false;
  for (int64_t k = slot - 1; k <= slot && !found; ++k) {
    if (schedule.FireTimeOfSlot(k, key) != next) continue;
    found = true;
    VIGIL_FUZZ_CHECK(schedule.FireTimeOfSlot(k - 1, key) <= after, "an earlier slot fires after the start");
  }
  VIGIL_FUZZ_CHECK(found, "next fire is no slot's fire time");
  TimePoint latest = schedule.Latest(after, key);
  VIGIL_FUZZ_CHECK(latest <= after, "latest fire after the start");
  VIGIL_FUZZ_CHECK(schedule.Next(latest, key) == next, "a fire between the latest fire and the next");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto config = vigil::fuzz::MinimalConfig();
  auto fields = vigil::fuzz::SplitFields(data, size, 4);
  nlohmann::json entry = {{"name", std::string(fields[2])}, {"kind", "noop"}, {"every", DurationValue(fields[0])}};
  if (!fields[1].empty()) entry["jitter"] = DurationValue(fields[1]);
  auto spec = vigil::ParseScheduleSpec(*config, entry, "jobs.schedules[0]");
  if (!spec.ok()) return 0;
  VIGIL_FUZZ_CHECK(spec->interval.has_value(), "an every: schedule without an interval");
  CheckNextFire(*spec->interval, fields[2], StartFrom(fields[3]));
  return 0;
}

