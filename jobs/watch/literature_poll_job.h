// The `literature_poll` job: one poll of a literature watcher, its new events stored with a
// triage job each, the watcher's state updated. A watcher failing transiently (HTTP 5xx or 429,
// a timeout, a refused connection) backs off (its next allowed poll doubles per failure, up to a
// day); a permanent failure (HTTP 400/401/403/404/410/422, the source's own "invalid query") is
// shown at once as permanent, not retried, and the watcher keeps its normal schedule. Either way
// `vigil watchers list` shows the error. A "run now" never makes the next poll later.
#pragma once

#include "config/config.h"
#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "sources/literature/literature_poller.h"

namespace vigil {

KindSpec LiteraturePollKind(const Runtime& runtime);

// The literature spec of a watcher's config block (secrets resolved).
LiteratureSpec LiteratureSpecFrom(const nlohmann::json& watcher);

}  // namespace vigil
