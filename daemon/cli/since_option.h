// The `--since` of the verbs that look back (events list, triage replay): a duration back from now
// ("7d", "24h", "90m", "1h30m") or a time (ISO 8601, "2026-12-01T20:00Z").
#pragma once

#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace vigil::cli {

// The time `text` names; an error that shows both spellings when it is neither.
Result<TimePoint> ParseSince(std::string_view text, TimePoint now);

}  // namespace vigil::cli
