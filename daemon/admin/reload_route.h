// POST /api/v1/reload: re-reads the daemon's config file, as SIGHUP does, and answers with what
// came of it once the reload has ended (the loop never waits for it):
//   200 {"ok": true, "config": PATH, "changes": ["watcher \"x\" added", ...]}   (config_changes.h)
//   422 {"ok": false, "config": PATH, "error": "...", "kept": "the running config"}
//   409 {"ok": false, "error": "a reload is already under way"}, 503 while the daemon stops.
// `vigil reload` (daemon/cli/cli_reload.cpp) is its client.
//
// Threads: the route's function and the outcome's callback run on the loop thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "daemon/admin/admin_api.h"

namespace vigil {

// How a reload ended.
struct ReloadOutcome {
  enum class Kind { kApplied, kRefused, kBusy, kStopping };
  Kind kind = Kind::kApplied;
  std::string config_path;
  std::vector<std::string> changes;  // kApplied: ConfigChanges of the old and new file
  std::string error;                 // otherwise: why nothing changed
};

using ReloadDone = std::function<void(const ReloadOutcome&)>;

// The route; `reload` starts a reload on the loop and calls its argument when it ends.
ApiRoute ReloadRoute(std::function<void(ReloadDone)> reload);

// The route's answer for an outcome.
HttpResponse ReloadAnswer(const ReloadOutcome& outcome);

}  // namespace vigil
