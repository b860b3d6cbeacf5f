// ISO 8601 timestamps as vigil prints and reads them (CLI --from, `cron next` output, logs).
//
// Output is one fixed form, seconds precision, with a numeric offset, never "Z":
//   2026-03-30T09:00:00+02:00     2026-03-30T07:00:00+00:00
// Input is lenient about the common spellings:
//   2026-03-30T09:00   2026-03-30T09:00:00   2026-03-30 09:00:00   2026-03-30T09:00:00.250
// each optionally followed by Z, +02:00, +0200 or +02. A time without an offset is a wall time
// in the default zone, resolved by the DST rule of common/local_time.h (gap: the first valid
// instant after it; repeat: the earliest). A null zone pointer means UTC. Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/local_time.h"
#include "common/status.h"

namespace vigil {

// `instant` (truncated to whole seconds) as wall time in `zone` with that zone's offset.
std::string FormatIso8601(TimePoint instant, const date::time_zone* zone = nullptr);

// `instant` (truncated to whole seconds) in UTC with "Z": "2026-12-01T20:00:00Z". The form of
// every time in the CLI's and the admin API's JSON.
std::string FormatUtcZ(TimePoint instant);

// Error: text that is not one of the forms above, or a field out of range ("2026-02-30", a year
// before 1678 or after 2261, which a TimePoint cannot hold); the message names the text and the
// position (1-based) where reading failed.
Result<TimePoint> ParseIso8601(std::string_view text, const date::time_zone* default_zone = nullptr);

}  // namespace vigil
