// The `literature_poll` job: one poll of a literature watcher, its new events stored with a
// triage job each, the watcher's state updated. A failing watcher backs off (its next allowed
// poll doubles per failure, up to a day) and shows its error in `vigil watchers list`.
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
