#include "common/local_time.h"

#include <exception>

namespace vigil {

Result<const date::time_zone*> FindTimeZone(const std::string& name) {
  const std::string lookup = name.empty() ? std::string("UTC") : name;
  try {
    return date::locate_zone(lookup);
  } catch (const std::exception& e) {
    return Status::Error("unknown time zone \"" + lookup + "\": " + e.what());
  }
}

TimePoint ResolveLocalTime(LocalTime wall, const date::time_zone* zone) {
  if (zone == nullptr) return TimePoint(wall.time_since_epoch());
  const date::local_info info = zone->get_info(date::floor<std::chrono::seconds>(wall));
  if (info.result == date::local_info::nonexistent) return TimePoint(info.second.begin);
  // Unique or ambiguous: `first` is the only, or the earlier, offset in effect.
  return TimePoint(wall.time_since_epoch() - info.first.offset);
}

std::chrono::seconds UtcOffsetAt(TimePoint instant, const date::time_zone* zone) {
  if (zone == nullptr) return std::chrono::seconds(0);
  return zone->get_info(date::floor<std::chrono::seconds>(instant)).offset;
}

LocalTime ToLocalTime(TimePoint instant, const date::time_zone* zone) {
  return LocalTime(instant.time_since_epoch() + UtcOffsetAt(instant, zone));
}

}  // namespace vigil
