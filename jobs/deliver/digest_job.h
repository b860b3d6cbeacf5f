// The `digest` job kind (args {community}, the community's subreddits.name): sends the community's
// digest of waiting items (low signals, and notifications the cooldown held back; see
// jobs/triage/triage_job.h). Scheduled by `communities[].rules.digest: {schedule, tz}` as
// "digest:<community>" (jobs/schedule_config.cpp), or enqueued by hand.
//
// In ONE transaction it claims every waiting item of the community into a new vigil_digests row
// (with a snapshot of the items) and enqueues a `deliver {digest_id, channel}` job per channel of
// the community. So an item is in exactly one digest, and a digest is never without its
// deliveries: a crash before the commit leaves the items waiting for the next run; a crash after
// it (before the job's own outcome is recorded) makes the job run again, and that run finds the
// digest its job id already made and does nothing more. Nothing waiting: no digest, nothing sent.
//
// Notifications in a digest stay `pending` for people to read and act on; vigil_digest_items
// records which digest each went out in. Waiting notifications a person dismissed are dropped
// from the digest.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "jobs/triage/triage_config.h"
#include "store/sql.h"

namespace vigil {

KindSpec DigestKind(const Runtime& runtime);

struct DigestOutcome {
  std::string digest_id;      // "" when nothing was waiting
  size_t items = 0;
  size_t deliveries = 0;      // deliver jobs enqueued
  bool already_made = false;  // an earlier run of the same job made it (and enqueued its deliveries)
};

// The job's work. `job_id` names the run (0: not a job; no retry protection).
Result<DigestOutcome> MakeDigest(const TriageSettings& settings, SqlConnection& db, const std::string& community, int64_t job_id,
                                 TimePoint now);

// The channels a community's digest goes to: the community's (all when it names none), less
// platform channels while notify.platform.digests_path is unset.
std::vector<std::string> DigestChannels(const TriageSettings& settings, const CommunitySettings& community);

// The job `vigil digests send` and POST /api/v1/digests/send enqueue: the community's digest now.
JobSpec DigestNowJob(const std::string& community);

// Ok when a digest may go to `community`: the config's `communities:` declare it or the database
// has a subreddits row of that name. Else the error naming both (and the nearest declared name);
// a database error is returned as it is (`*unknown` tells them apart: true for an unknown name).
Status CheckDigestCommunity(const Config& config, SqlConnection& db, const std::string& community, bool* unknown);

}  // namespace vigil
