// What a reload changes, as the lines the daemon logs and `vigil reload` prints:
//   watcher "pubmed-onc" changed (every, query)
//   watcher "arxiv-ml" added            watcher "old-feed" removed
//   schedule "schedule:nightly" 0 9 * * * -> 0 8 * * *
//   settings changed: logging.level, notify.slack
//   no change
// A pure function of the running and the new config file (the platform's watcher rows are logged
// by LogRowChanges, daemon/platform_watchers.h). It names keys and schedules, never a setting's
// value, so no secret (a token, a key in a URL) reaches the log.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace vigil {

// The changes from `before` to `after`, in this order: watchers added, removed and changed (by
// name; a changed one lists its changed keys, sorted), schedules changed, added or removed (their
// cron with its zone, or their interval; a watcher's own schedule only when the watcher stays),
// then the other settings that changed (as dotted paths, two levels deep). {"no change"} when
// there is none.
std::vector<std::string> ConfigChanges(const Config& before, const Config& after);

}  // namespace vigil
