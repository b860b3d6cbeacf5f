// Threads: the loop thread runs everything in this file except the closures handed to db_, which
// run on the request-path DbThread and come back through poster_.
#include "daemon/daemon.h"

#include <spdlog/spdlog.h>
#include <uv.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "common/http/curl_http_client.h"
#include "common/logging.h"
#include "common/memory_trim.h"
#include "common/metrics.h"
#include "config/http_client_config.h"
#include "daemon/admin/admin_api.h"
#include "daemon/admin/reload_route.h"
#include "daemon/admin/thread_approval.h"
#include "daemon/admin/watcher_test_route.h"
#include "daemon/admin/watcher_row_routes.h"
#include "daemon/console/ui_routes.h"
#include "daemon/daemon_impl.h"
#include "daemon/http/hook_routes.h"
#include "daemon/http/http_server.h"
#include "daemon/http/loop_poster.h"
#include "daemon/http/router.h"
#include "daemon/loop_timers.h"
#include "daemon/platform_watchers.h"
#include "daemon/sd_notify.h"
#include "jobs/engine/job_engine.h"
#include "jobs/engine/runtime.h"
#include "jobs/job_kinds.h"
#include "jobs/maintenance/crash_sentinel.h"
#include "jobs/schedule_config.h"
#include "jobs/triage/triage_config.h"
#include "jobs/triage/triage_job.h"
#include "sources/watcher_checks.h"
#include "sources/watcher_decls.h"
#include "sources/watcher_requirements.h"
#include "store/connection_count.h"
#include "store/db_thread.h"
#include "store/http_cache.h"
#include "store/migrator.h"
#include "store/sql.h"
#include "store/sqlite/sqlite_connection.h"
#include "jobs/engine/database_target.h"

namespace vigil {

HttpLimits LimitsFrom(const Config& c) {
  HttpLimits l;
  l.max_header_bytes = static_cast<size_t>(c.GetInt("http.max_header_bytes"));
  l.max_body_bytes = static_cast<size_t>(c.GetInt("http.max_body_bytes"));
  l.header_timeout_ms = static_cast<uint64_t>(c.GetInt("http.header_timeout"));
  l.body_timeout_ms = static_cast<uint64_t>(c.GetInt("http.body_timeout"));
  l.keepalive_timeout_ms = static_cast<uint64_t>(c.GetInt("http.keepalive_timeout"));
  return l;
}

spdlog::level::level_enum LevelFrom(const Config& c) { return spdlog::level::from_str(c.GetString("logging.level")); }

Status DeclareCommunities(SqlConnection& conn, const Config& config) {
  auto settings = ParseTriageSettings(config);
  if (!settings.ok()) return settings.status();
  return ReplaceCommunityDecls(conn, CommunityDeclsOf(*settings));
}

namespace {

void DescribeMetrics() {
  auto& m = Metrics::Global();
  m.Describe("vigil_build_info", "gauge", "Build information; the value is always 1.");
  m.Describe("vigil_uptime_seconds", "gauge", "Seconds since the daemon started.");
  m.Describe("vigil_loop_lag_seconds", "gauge", "How late the event loop's last 10-second timer fired.");
  m.Describe("vigil_http_requests_total", "counter", "HTTP requests answered, by route and status code.");
  m.Describe("vigil_http_request_duration_seconds", "histogram", "Time from request to response, by route.");
  m.Describe("vigil_config_reloads_total", "counter", "Config reloads, by result.");
  m.Describe("vigil_database_connections", "gauge", "Database connections the daemon has open (idle job workers close theirs).");
  m.Describe("vigil_sqlite_heap_bytes", "gauge", "Memory SQLite holds in this process, every connection's (0 on PostgreSQL).");
  m.Describe("vigil_sqlite_page_cache_bytes", "gauge", "The part of vigil_sqlite_heap_bytes that is page cache, up to each connection's cache_size.");
  m.Set("vigil_build_info", {{"version", VIGIL_VERSION}}, 1);
  HookRoutes::DescribeMetrics();
}

// The conditional-GET cache's connection of the calling thread (the cache is used from worker
// threads: one connection per thread); a job worker closes it when it goes idle.
std::unique_ptr<SqlConnection>& HttpCacheConnection() {
  thread_local std::unique_ptr<SqlConnection> conn;
  return conn;
}

}  // namespace

Daemon::Daemon(std::shared_ptr<const Config> config, DaemonOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), options)) {
  impl_->yaml = impl_->config;
}

Daemon::~Daemon() = default;

// Migrates and syncs watchers before the loop starts: nothing is served yet, so blocking is fine.
Status Daemon::Impl::Prepare() {
  std::string url = config->DatabaseUrl();
  auto conn = OpenSqlConnection(DatabaseTarget(*config));
  if (!conn.ok()) return conn.status();
  auto migrated = Migrate(**conn);
  if (!migrated.ok()) return migrated.status().WithContext("migrating " + RedactUrl(url));
  for (const auto& name : migrated->applied) spdlog::info("applied migration {}", name);
  if (Status s = DeclareCommunities(**conn, *yaml); !s.ok()) return s;
  auto synced = SyncWatchers(**conn, WatcherDeclsFrom(*yaml), std::chrono::system_clock::now());
  if (!synced.ok()) return synced.status();
  spdlog::info("watchers synced: {} created, {} updated, {} disabled", synced->created, synced->updated, synced->disabled);
  // Events a killed daemon left in the triage queue are taken at once, not when its job's lease is
  // handed back. Not fatal: the daily retention job looks again.
  if (Status q = ResumeQueuedTriage(**conn, std::chrono::system_clock::now()); !q.ok()) spdlog::warn("triage queue: {}", q.message());
  auto set = LoadWatcherSet(yaml, **conn, &rows_digest);
  if (!set.ok()) return set.status();
  LogRowChanges({}, set->rows);
  rows = set->rows;
  config = set->config;
  initial = std::make_shared<const WatcherSet>(std::move(*set));
  return Status::Ok();
}

// The registry is built once, before the loop runs, and only read afterwards (from any thread).
Status Daemon::Impl::CheckJobKinds(const std::vector<ScheduleSpec>& schedules) const {
  for (const auto& s : schedules) {
    if (!registry.Find(s.job.kind)) return Status::Error(s.name + ": unknown job kind \"" + s.job.kind + "\"");
  }
  return Status::Ok();
}

Status Daemon::Impl::StartEngine() {
  std::vector<ScheduleSpec> schedules = initial->schedules;
  runtime = std::make_unique<Runtime>(config);
  http_cache = std::make_unique<HttpCache>([target = DatabaseTarget(*config)]() -> SqlConnection* {
    auto& conn = HttpCacheConnection();
    if (!conn || !conn->healthy()) {
      auto opened = OpenSqlConnection(target);
      if (!opened.ok()) return nullptr;
      conn = std::move(opened.value());
    }
    return conn.get();
  });
  auto options = HttpClientOptionsFrom(*config);
  if (!options.ok()) return options.status();
  HttpClientOptions http_options = *options;
  http_options.cache = http_cache.get();
  // The platform's watcher rows are data: their requests go through the address guard, which
  // lets these hosts through (only from_data requests meet the guard on this client).
  for (const auto& host : config->Get("platform_watchers.allow_hosts")) http_options.guard.allow_hosts.push_back(host);
  runtime->set_http(std::make_unique<CurlHttpClient>(http_options));
  registry = BuildJobRegistry(*runtime);
  Status s = CheckJobKinds(schedules);
  if (!s.ok()) return s;
  auto engine_options = JobEngineOptionsFrom(*config);
  if (!engine_options.ok()) return engine_options.status();
  engine_options->on_worker_idle = [] { HttpCacheConnection().reset(); };
  engine = std::make_unique<JobEngine>(*engine_options, registry, std::move(schedules));
  s = engine->Start();
  if (s.ok()) spdlog::info("job engine started as node {}", engine->node_id());
  return s;
}

void Daemon::Impl::AddRoutes() {
  admin_api = std::make_unique<AdminApi>(*db, *poster, [this] { return runtime->config(); }, engine.get());
  admin_api->AddRoute(ThreadApprovalRoute(*runtime, *outbound_db, outbound_stop));
  admin_api->AddRoute(WatcherTestRoute([this] { return runtime->config(); }, *dry_poll_db, outbound_stop));
  admin_api->AddRoute(ReloadRoute([this](ReloadDone done) { Reload(std::move(done)); }));
  streams = std::make_unique<StreamHub>(&loop, *feed_db, *poster);
  admin_api->AddRoute(streams->Route());
  for (auto& route : WatcherRowRoutes([this] {
         std::lock_guard<std::mutex> lock(yaml_mu);
         return yaml;
       }))
    admin_api->AddRoute(std::move(route));
  admin_api->Register(router);
  AddConsoleRoutes(router);
  router.Add("GET", "/healthz", [](HttpRequest&&, Responder respond) { respond(HttpResponse::Text(200, "ok\n")); });
  router.Add("GET", "/readyz", [this](HttpRequest&&, Responder respond) {
    if (stopping) return respond(HttpResponse::Text(503, "stopping\n"));
    db->Submit([this, respond = std::move(respond)](SqlConnection* conn) mutable {
      bool ok = conn != nullptr && conn->Query("SELECT 1").ok();
      poster->Post([ok, respond = std::move(respond)] {
        respond(ok ? HttpResponse::Text(200, "ready\n") : HttpResponse::Text(503, "database unavailable\n"));
      });
    });
  });
  hooks->AddTo(router);
  router.Add("GET", "/metrics", [this](HttpRequest&&, Responder respond) {
    double up = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Metrics::Global().Set("vigil_uptime_seconds", {}, up);
    Metrics::Global().Set("vigil_database_connections", {}, static_cast<double>(ConnectionCount::Open()));
    SqliteHeap sqlite = SqliteHeapNow();
    Metrics::Global().Set("vigil_sqlite_heap_bytes", {}, static_cast<double>(sqlite.used_bytes));
    Metrics::Global().Set("vigil_sqlite_page_cache_bytes", {}, static_cast<double>(sqlite.page_cache_bytes));
    HttpResponse res;
    res.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    res.body = Metrics::Global().Render();
    respond(std::move(res));
  });
}

Status Daemon::Impl::StartServing() {
  server = std::make_unique<HttpServer>(&loop, LimitsFrom(*config),
                                        [this](HttpRequest&& req, Responder respond) { router.Handle(std::move(req), std::move(respond)); });
  int fds = SdListenFds();
  Status s = fds > 0 ? server->ListenFd(3) : server->Listen(config->ListenHost(), config->ListenPort());
  if (!s.ok()) return s;
  spdlog::info("listening on {}", fds > 0 ? std::string("the socket systemd passed") : config->GetString("http.listen"));
  return Status::Ok();
}

// `done`, when set, hears how it ended (the admin API's POST /api/v1/reload waits for it).
void Daemon::Impl::Shutdown(const char* why) {
  if (stopping) return;
  stopping = true;
  outbound_stop.Cancel();
  spdlog::info("{}: stopping", why);
  SdNotify("STOPPING=1\nSTATUS=stopping");
  auto deadline = config->GetDuration("jobs.shutdown_timeout");
  streams->Close();  // open streams end now, so the server's close does not wait on them
  server->Close([this, deadline] {
    // The engine drains on its own thread; the loop closes its handles when it is done.
    engine_stopper = std::thread([this, deadline] {
      engine->Stop(deadline);
      poster->Post([this] { CloseHandles(); });
    });
  });
}

void Daemon::Impl::CloseHandles() {
  timers.Close();
  log_wakeups->Close();
  uv_timer_stop(&rows_timer);
  for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&sigterm), reinterpret_cast<uv_handle_t*>(&sigint),
                         reinterpret_cast<uv_handle_t*>(&sighup), reinterpret_cast<uv_handle_t*>(&rows_timer)}) {
    if (!uv_is_closing(h)) uv_close(h, nullptr);
  }
  // Answers still queued on the DbThread and the event writer are posted back before the poster closes.
  hooks->Stop();
  db->Stop();
  outbound_db->Stop();
  feed_db->Stop();
  dry_poll_db->Stop();
  poster->Close();
}

// The crash sentinel, the webhook intake and the routes, then the listening socket.
Status Daemon::Impl::StartIntake() {
  auto started = CrashSentinel::Start(*config, engine->node_id());
  if (started.ok()) sentinel = std::move(*started);
  else spdlog::warn("crash sentinel not started: {}", started.error());
  EventWriterOptions writer;
  writer.database = DatabaseTarget(*config);
  hooks = std::make_unique<HookRoutes>(*poster, writer, "http://" + config->GetString("http.listen"));
  hooks->Install(initial->hooks);
  initial.reset();
  AddRoutes();
  return StartServing();
}

// Log watchers' passes: LogWakeups decides when, the DbThread enqueues (its commit wakes the
// engine's fetcher at once), and each pass, as it begins, tells LogWakeups through the runtime.
void Daemon::Impl::StartLogWakeups() {
  log_wakeups = std::make_unique<LogWakeups>(&loop, [this](const std::string& watcher, const std::string& key,
                                                           std::function<void(bool)> done) {
    db->Submit([this, watcher, key, done = std::move(done)](SqlConnection* conn) {
      JobSpec job{.kind = "log_tail", .args = {{"watcher", watcher}}, .priority = kWatcherJobPriority, .max_attempts = 3,
                  .unique_key = key};
      Status s = conn == nullptr ? Status::Error("database unavailable") : engine->Enqueue(*conn, {job}).status();
      if (!s.ok()) spdlog::warn("log watcher {}: a pass not enqueued: {}", watcher, s.message());
      poster->Post([done, ok = s.ok()] { done(ok); });
    });
  });
  runtime->set_log_pass_observer([this](const std::string& watcher, std::chrono::steady_clock::time_point started) {
    poster->Post([this, watcher, started] { log_wakeups->PassStarted(watcher, started); });
  });
  log_wakeups->Apply(*config);
}

void Daemon::Impl::InstallSignals() {
  for (auto [sig, handle] : {std::pair{SIGTERM, &sigterm}, std::pair{SIGINT, &sigint}, std::pair{SIGHUP, &sighup}}) {
    uv_signal_init(&loop, handle);
    handle->data = this;
    uv_signal_start(handle, [](uv_signal_t* h, int signum) {
      auto* self = static_cast<Impl*>(h->data);
      if (signum == SIGHUP) self->Reload();
      else self->Shutdown(signum == SIGTERM ? "SIGTERM" : "SIGINT");
    }, sig);
  }
}

// A start that failed after the loop existed: close what was opened, let the loop drain, exit 1.
int Daemon::Impl::AbandonStart(const Status& why) {
  spdlog::critical("cannot start: {}", why.message());
  if (engine) engine->Stop(std::chrono::milliseconds(0));
  if (streams) streams->Close();
  auto close = [this] {
    if (hooks) hooks->Stop();
    db->Stop();
    outbound_db->Stop();
    feed_db->Stop();
    dry_poll_db->Stop();
    poster->Close();
  };
  if (server) server->Close(close);
  else close();
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return 1;
}

// After the loop ended: the engine's stopper joined, then everything in reverse order of start.
int Daemon::Impl::Finish() {
  if (engine_stopper.joinable()) engine_stopper.join();
  engine.reset();
  sentinel.reset();
  runtime.reset();
  http_cache.reset();
  server.reset();
  streams.reset();
  hooks.reset();
  log_wakeups.reset();
  poster.reset();
  int rc = uv_loop_close(&loop);
  if (rc != 0) spdlog::warn("event loop closed with handles still open");
  spdlog::info("stopped");
  return exit_code;
}

int Daemon::Run() {
  Impl& d = *impl_;
  DescribeMetrics();
  for (const auto& warning : WatcherWarnings(*d.config)) spdlog::warn("{}", warning);
  SdNotify("STATUS=migrating database");
  Status s = d.Prepare();
  if (!s.ok()) {
    spdlog::critical("cannot start: {}", s.message());
    return 1;
  }
  uv_loop_init(&d.loop);
  d.poster = std::make_unique<LoopPoster>(&d.loop);
  d.db = std::make_unique<DbThread>(DatabaseTarget(*d.config), "http-db");
  d.outbound_db = std::make_unique<DbThread>(DatabaseTarget(*d.config), "api-outbound");
  d.feed_db = std::make_unique<DbThread>(DatabaseTarget(*d.config), "stream-feed");
  d.dry_poll_db = std::make_unique<DbThread>(DatabaseTarget(*d.config), "api-dry-poll");
  s = d.StartEngine();
  if (!s.ok()) return d.AbandonStart(s);
  s = d.StartIntake();
  if (!s.ok()) return d.AbandonStart(s);
  d.StartLogWakeups();
  d.InstallSignals();
  d.timers.Start(&d.loop);
  uv_timer_init(&d.loop, &d.rows_timer);
  d.rows_timer.data = &d;
  d.StartRowsTimer();
  SdNotify("READY=1\nSTATUS=serving\nMAINPID=" + std::to_string(getpid()));
  spdlog::info("vigil {} ready", VIGIL_VERSION);
  // What start-up parsed and freed (the config, the watcher sync, migrations), and the code that
  // did it: an idle daemon keeps only what it uses (common/memory_trim.h).
  ReturnIdleMemory();
  uv_run(&d.loop, UV_RUN_DEFAULT);
  return d.Finish();
}

}  // namespace vigil
