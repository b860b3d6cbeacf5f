// A stand-in `triage` job kind until the triage issue brings real rules: it marks the event
// low-signal with the reasoning "triage rules not configured", so accepted webhook events do not
// sit untriaged (and their jobs are not discarded as an unknown kind). It never overwrites a
// triage already recorded. Registered only when no other `triage` kind is.
#pragma once

#include "daemon/job_types.h"

namespace vigil {

// Args: {event_id}. Done when the row was marked or was already triaged; discarded without an
// event_id; retried when the database is unavailable.
KindSpec TriagePlaceholderKind();

}  // namespace vigil
