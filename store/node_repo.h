// vigil_nodes (each daemon's row: host name, process id, version, heartbeat) and the hand-back of
// running jobs whose worker stopped: a lease run out, or a daemon on this host whose process is
// gone. The job engine's maintainer keeps the row and does both (job_engine_maintenance.cpp).
//
// Threads: stateless functions; each call uses the connection it is given.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "store/sql.h"

namespace vigil {

// A node's heartbeat: its row inserted, or its heartbeat_at set (and stopped_at: null, or `at`
// when it is stopping).
struct NodeBeat {
  std::string node_id;
  std::string hostname;
  int64_t pid = 0;
  std::string version;
  TimePoint at{};
  bool stopping = false;
};
Status RecordNodeBeat(SqlConnection& db, const NodeBeat& beat);

// A daemon that registered in vigil_nodes and never recorded its stop.
struct UnstoppedNode {
  std::string node_id;
  int64_t pid = 0;
  int64_t heartbeat_us = 0;
};

// A heartbeat round: the beat; running jobs whose lease ran out before `beat.at` (any node's) go
// back to retryable (or discarded when out of attempts); then the unstopped nodes on the beat's
// host other than itself are read, for the maintainer to look for gone daemons among. On
// PostgreSQL one statement (the upsert and the hand-back in a WITH), so that an idle daemon's
// heartbeat is one round trip; on SQLite three.
struct HeartbeatSeen {
  int64_t rescued = 0;  // jobs handed back for their expired lease
  std::vector<UnstoppedNode> others_on_host;
};
Result<HeartbeatSeen> HeartbeatRound(SqlConnection& db, const NodeBeat& beat);

// A node known to be gone (its process no longer runs): its running jobs go back to retryable
// (or discarded when out of attempts) at once, as an expired lease would, and the node is marked
// stopped. Returns how many jobs were handed back.
Result<int64_t> RescueJobsOfGoneNode(SqlConnection& db, const std::string& node_id, TimePoint now);

}  // namespace vigil
