// The daemon's state, shared by daemon.cpp (start, serve, stop) and daemon_reload.cpp (reloads
// and the platform's watcher rows read again). Private to daemon/: nothing else includes it.
// Threads: as daemon.cpp says: the loop thread owns every member; closures handed to `db` run on
// the request-path DbThread and come back through `poster`.
#pragma once

#include <spdlog/spdlog.h>
#include <uv.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/cancel.h"
#include "daemon/admin/admin_api.h"
#include "daemon/admin/reload_route.h"
#include "daemon/daemon.h"
#include "daemon/http/hook_routes.h"
#include "daemon/admin/stream_hub.h"
#include "daemon/http/http_server.h"
#include "daemon/http/loop_poster.h"
#include "daemon/http/router.h"
#include "daemon/log_wakeups.h"
#include "daemon/loop_timers.h"
#include "daemon/platform_watchers.h"
#include "jobs/engine/job_engine.h"
#include "jobs/engine/runtime.h"
#include "jobs/maintenance/crash_sentinel.h"
#include "store/db_thread.h"
#include "store/http_cache.h"

namespace vigil {

// A config read for a reload, or the platform's watcher rows read again, with everything derived
// from them that can fail, all built before anything is applied: a change applies whole or not at all.
struct ReloadPlan {
  std::shared_ptr<const Config> yaml;  // the file's config; `watchers.config` adds the rows that run
  WatcherSet watchers;
  uint64_t rows_digest = 0;
  std::vector<std::string> changes;  // from the running file's config (ConfigChanges); empty for rows
};

// The HTTP server's limits from the config's http.* keys.
HttpLimits LimitsFrom(const Config& c);
spdlog::level::level_enum LevelFrom(const Config& c);
// The config's communities go to the database before the watchers are synced: the sync creates
// the communities its watchers name, with what the config declares for them.
Status DeclareCommunities(SqlConnection& conn, const Config& config);

struct Daemon::Impl {
  Impl(std::shared_ptr<const Config> c, DaemonOptions o) : config(std::move(c)), options(o) {}

  std::shared_ptr<const Config> config;  // the running one: the YAML's with the platform rows that run
  std::shared_ptr<const Config> yaml;    // the file's; written on the loop under yaml_mu
  std::mutex yaml_mu;                    // the API's watcher routes read `yaml` on the DbThread
  std::vector<WatcherRowStatus> rows;    // what became of the platform's watcher rows
  uint64_t rows_digest = 0;
  // A check under way; cleared by the DbThread when it found nothing new (no post to the loop).
  std::atomic<bool> rows_checking{false};
  std::string rows_error;  // the last failed read's, logged once
  std::shared_ptr<const WatcherSet> initial;  // from Prepare, until the engine and hooks start
  DaemonOptions options;
  uv_loop_t loop{};
  uv_timer_t rows_timer{};
  uv_signal_t sigterm{}, sigint{}, sighup{};
  LoopTimers timers;  // loop lag and the systemd watchdog
  std::unique_ptr<LoopPoster> poster;
  std::unique_ptr<DbThread> db;
  CancelToken outbound_stop;                // cancels the outbound routes' requests when stopping
  std::unique_ptr<DbThread> outbound_db;    // admin routes that wait on another server (thread approvals)
  std::unique_ptr<DbThread> feed_db;        // the live stream's reads of the change feed
  std::unique_ptr<StreamHub> streams;       // GET /api/v1/stream
  std::unique_ptr<DbThread> dry_poll_db;    // POST /api/v1/watchers/<name>/test: it waits on the network
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<Runtime> runtime;
  std::unique_ptr<HttpCache> http_cache;
  std::unique_ptr<HookRoutes> hooks;  // /hooks/*: webhook watchers and their event writer
  std::unique_ptr<LogWakeups> log_wakeups;  // log watchers' passes, on change and the fallback check
  JobRegistry registry;
  std::unique_ptr<JobEngine> engine;
  std::unique_ptr<AdminApi> admin_api;
  std::unique_ptr<CrashSentinel> sentinel;  // reset after the engine stops: marks this session clean
  std::thread engine_stopper;  // Stop() blocks up to jobs.shutdown_timeout: never on the loop
  Router router;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  bool stopping = false;
  bool reloading = false;
  int exit_code = 0;

  Status Prepare();
  Status CheckJobKinds(const std::vector<ScheduleSpec>& schedules) const;
  Status StartEngine();
  Status StartIntake();
  void StartLogWakeups();
  void InstallSignals();
  int AbandonStart(const Status& why);
  int Finish();
  Status StartServing();
  void AddRoutes();
  void Reload(ReloadDone done = nullptr);
  Result<std::shared_ptr<ReloadPlan>> PlanReload(SqlConnection& conn, const std::string& path,
                                                 const Config& running) const;
  void ApplyConfig(const ReloadPlan& plan);
  void ApplyWatchers(const ReloadPlan& plan);
  void StartRowsTimer();
  void CheckRows();
  void Shutdown(const char* why);
  void CloseHandles();
};

}  // namespace vigil
