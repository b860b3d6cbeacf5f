// A dry poll: what one poll of a literature watcher, or one fire of a scheduled watcher, would
// make now, storing nothing. `vigil watchers test` (daemon/cli/cli_watchers_test.cpp) and
// POST /api/v1/watchers/<name>/test (daemon/admin/watcher_test_route.h) both run it.
//
// Threads: any thread but the loop's: it waits on the network (and, for an sql check, on a
// database). `cancel` ends its transfers early.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cancel.h"
#include "common/http/curl_http_client.h"
#include "config/config.h"
#include "store/event.h"
#include "store/sql.h"

namespace vigil {

struct DryPoll {
  std::vector<Event> events;
  nlohmann::json details = nlohmann::json::object();  // per type: warnings (literature), fire_at (scheduled)
  std::vector<std::string> lines;                      // the same for a person
};

// The HTTP client a poll or a timed check of `config` uses (its http: settings and allowed hosts).
Result<std::unique_ptr<CurlHttpClient>> WatcherHttpClient(const Config& config);

// One poll of the literature watcher `watcher` (a block of config.tree()["watchers"]), as a first
// poll (no cursor). Errors: the poll's (transport, status, parse), the http settings'.
Result<DryPoll> DryPollLiterature(const Config& config, const nlohmann::json& watcher, const CancelToken* cancel);

// One fire now of the scheduled watcher at `index` of config.tree()["watchers"]. An sql check
// reads `vigil_db` (null: vigil's database does not exist yet, an error for it), or the database
// its `database:` names, opened read-only.
Result<DryPoll> DryPollScheduled(const Config& config, const nlohmann::json& watcher, size_t index, SqlConnection* vigil_db,
                                 const CancelToken* cancel);

}  // namespace vigil
