// HookRoutes: the daemon's `/hooks/*` route. It keeps the table of webhook watchers by path
// (rebuilt from each applied config, so a reload adds, changes or drops hooks without touching
// the router), lets the watcher decide each request, hands accepted events to the EventWriter and
// answers once the writer reports: 202 {"event_id", "duplicate"} after the commit, 503 with
// Retry-After when the database could not take it or the writer's queue is full.
//
// Threads: TableFrom on any thread; Install, Handle and Stop on the loop thread; the writer's
// reports come back through the LoopPoster. Stop() must run before the poster closes (answers
// still in flight are posted).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/http/http_types.h"
#include "config/config.h"
#include "daemon/http/event_writer.h"
#include "daemon/http/loop_poster.h"
#include "daemon/http/router.h"
#include "sources/webhook/webhook_watcher.h"

namespace vigil {

// The enabled webhook watchers of a config, by the path each answers on.
using HookTable = std::map<std::string, std::shared_ptr<const WebhookWatcher>>;

class HookRoutes {
 public:
  // `base_url` ("http://127.0.0.1:8470", from http.listen) begins each hook's URL in the log.
  HookRoutes(LoopPoster& poster, EventWriterOptions writer_options, std::string base_url = "");

  // The table a config asks for; an error for a watcher block that does not parse or two watchers
  // on one path (Config::Load refuses both, so a reload meets them only if that check is missed).
  static Result<std::shared_ptr<const HookTable>> TableFrom(const Config& config);

  // Registers "/hooks/*" for every method (a hook answers 405 for the ones it does not take).
  void AddTo(Router& router);
  // Serves `table` from the next request on; requests already decided keep their watcher. Logs
  // each hook's URL (`webhook hook "gh" at http://127.0.0.1:8470/hooks/gh`).
  void Install(std::shared_ptr<const HookTable> table);
  void Handle(HttpRequest&& request, Responder respond);
  // Writes and answers what is queued, then stops the writer.
  void Stop();

  static void DescribeMetrics();

 private:
  void Store(const std::shared_ptr<const WebhookWatcher>& hook, Event event, Responder respond);

  LoopPoster& poster_;
  EventWriter writer_;
  std::shared_ptr<const HookTable> table_;
  std::string base_url_;
};

}  // namespace vigil
