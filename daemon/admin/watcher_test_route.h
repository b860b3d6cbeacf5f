// POST /api/v1/watchers/<name>/test: a dry poll (daemon/watcher_dry_poll.h), what `vigil watchers
// test` does for a literature or scheduled watcher: it fetches as the watcher would and stores
// nothing.
//   200  {"watcher", "fetched": N, "would_store": [{"title", "url", "published_at", "external_id",
//        "duplicate"}], "error": null or why the poll failed (a failed poll is an answer too), "took_ms"}
//        `duplicate`: the watcher has stored an event with this external id already.
//   404  no running watcher of that name (a YAML name, a platform row's id or name)
//   409  a webhook watcher (it answers requests: `vigil watchers test --payload`) or a log watcher
//        (it reads files: `vigil watchers test --line|--file`)
//
// Threads: the handler runs on `tester`, a DbThread of its own, because it waits on the network:
// the API's other routes and /readyz never wait behind it. A poll is stopped after kDryPollLimit,
// or when `stopping` is cancelled (the daemon stops), by a watchdog thread that cancels its
// transfers.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "common/cancel.h"
#include "config/config.h"
#include "daemon/admin/admin_api.h"
#include "store/db_thread.h"

namespace vigil {

inline constexpr std::chrono::seconds kDryPollLimit{30};

ApiRoute WatcherTestRoute(std::function<std::shared_ptr<const Config>()> config, DbThread& tester, const CancelToken& stopping,
                          std::chrono::milliseconds limit = kDryPollLimit);

}  // namespace vigil
