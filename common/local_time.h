// Time zones and wall-clock ("local") times, with vigil's one rule for the two DST cases.
//
// A wall time can name no instant (the spring-forward gap) or two (the fall-back repeat). Every
// part of vigil that turns a wall time into an instant (cron schedules, ISO 8601 input without an
// offset) resolves it the same way, here:
//   - a nonexistent wall time resolves to the first valid instant after it, the instant of the
//     transition (02:30 Europe/Berlin on the spring-forward day -> 03:00 CEST);
//   - an ambiguous wall time resolves to its first (earliest) occurrence.
// A null zone pointer means UTC throughout. All functions are pure and thread-safe (date's tz
// database is loaded once, under its own synchronisation).
#pragma once

#include <date/tz.h>

#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace vigil {

using LocalTime = date::local_time<Duration>;

// The IANA zone with this name ("Europe/Berlin", "UTC"). An empty name means UTC. Error: the name
// is unknown, or the system tz database cannot be read.
Result<const date::time_zone*> FindTimeZone(const std::string& name);

// The instant for a wall time in `zone`, by the rule above.
TimePoint ResolveLocalTime(LocalTime wall, const date::time_zone* zone);

// The wall time at `instant` in `zone`.
LocalTime ToLocalTime(TimePoint instant, const date::time_zone* zone);

// UTC offset in effect at `instant` in `zone`.
std::chrono::seconds UtcOffsetAt(TimePoint instant, const date::time_zone* zone);

}  // namespace vigil
