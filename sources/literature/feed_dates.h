// Dates as feeds write them, read into UTC instants. Accepts RFC 822 / RFC 1123 / RFC 2822
// ("Sun, 29 Feb 2004 10:00:00 +0000"), RFC 3339 / ISO 8601 / W3CDTF ("2004-02-28T18:14:55-08:00",
// partial "2003-12" and "2003"), asctime ("Sun Jan  4 16:29:06 PST 2004"), and the usual
// breakage: missing seconds, two-digit years, missing or wrong day names, named zones
// (GMT, UT, EST, PDT...), single-letter military zones, offsets written "+hhmm", "+hh:mm" or "+hh".
// Pure functions; any thread may call them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace vigil {

// The instant `text` names, or nullopt when it cannot be read as a date or names an invalid
// one (Feb 30, hour 25, a year before 1678 or after 2261, which a TimePoint cannot hold). Missing time means midnight; missing zone means UTC; partial W3CDTF
// dates take the first day of the month/year. Two-digit years: 00-89 -> 20xx, 90-99 -> 19xx
// (as feedparser reads them).
std::optional<TimePoint> ParseFeedDate(std::string_view text);

// RFC 3339 in UTC with whole seconds: "2004-02-28T18:14:55Z".
std::string FormatRfc3339Utc(TimePoint t);

}  // namespace vigil
