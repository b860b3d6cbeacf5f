#include "daemon/cli/since_option.h"

#include "common/iso8601.h"
#include "config/units.h"

namespace vigil::cli {

Result<TimePoint> ParseSince(std::string_view text, TimePoint now) {
  if (auto d = ParseDuration(text); d && d->count() >= 0) return now - std::chrono::duration_cast<Duration>(*d);
  if (auto t = ParseIso8601(text); t.ok()) return *t;
  return Status::Error("--since: \"" + std::string(text) +
                       "\" is neither a duration back from now (7d, 24h, 90m) nor a time (2026-12-01T20:00Z)");
}

}  // namespace vigil::cli
