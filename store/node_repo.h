// vigil_nodes: each daemon's row (host name, process id, version, heartbeat), which the job
// engine's maintainer keeps and reads to hand back the jobs of a daemon on its host that is gone.
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
// The beat, and then the unstopped nodes on its host other than itself (where the maintainer
// looks for gone daemons). On PostgreSQL one statement, the upsert in a WITH, so that the idle
// daemon's heartbeat round is one round trip; on SQLite two.
Result<std::vector<UnstoppedNode>> BeatAndListHostNodes(SqlConnection& db, const NodeBeat& beat);

}  // namespace vigil
