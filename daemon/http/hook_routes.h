// HookRoutes: the daemon's `/hooks/*` route. It keeps the table of webhook watchers by path
// (rebuilt from each applied config, so a reload adds, changes or drops hooks without touching
// the router), lets the watcher decide each request, hands accepted events to the EventWriter and
// answers once the writer reports: 202 {"event_id", "duplicate"} after the commit, 503 with
// Retry-After when the database could not take it or the writer's queue is full.
//
// Threads: Apply, Handle and Stop on the loop thread; the writer's reports come back through the
// LoopPoster. Stop() must run before the poster closes (answers still in flight are posted).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "daemon/http/event_writer.h"
#include "common/http/http_types.h"
#include "daemon/http/loop_poster.h"
#include "daemon/http/router.h"
#include "sources/webhook/webhook_watcher.h"

namespace vigil {

class HookRoutes {
 public:
  HookRoutes(LoopPoster& poster, EventWriterOptions writer_options);

  // Registers "/hooks/*" for every method (a hook answers 405 for the ones it does not take).
  void AddTo(Router& router);
  // Replaces the table with the config's enabled webhook watchers. The config was validated at
  // load, so an error here means a bug; the old table is kept.
  Status Apply(const Config& config);
  void Handle(HttpRequest&& request, Responder respond);
  // Writes and answers what is queued, then stops the writer.
  void Stop();

  static void DescribeMetrics();

 private:
  void Store(const std::shared_ptr<const WebhookWatcher>& hook, Event event, Responder respond);

  LoopPoster& poster_;
  EventWriter writer_;
  std::shared_ptr<const std::map<std::string, std::shared_ptr<const WebhookWatcher>>> table_;
};

}  // namespace vigil
