// Reloads (SIGHUP, POST /api/v1/reload) and the platform's watcher rows read again: each builds a
// plan on the request-path DbThread, where everything that can fail is done, and applies it whole
// on the loop thread.
#include <spdlog/spdlog.h>

#include "common/logging.h"
#include "common/metrics.h"
#include "config/http_client_config.h"
#include "daemon/config_changes.h"
#include "daemon/daemon_impl.h"
#include "daemon/sd_notify.h"
#include "jobs/schedule_config.h"
#include "sources/watcher_checks.h"
#include "sources/watcher_decls.h"
#include "sources/watcher_requirements.h"
#include "store/watcher_repo.h"

namespace vigil {

void Daemon::Impl::Reload(ReloadDone done) {
  using Kind = ReloadOutcome::Kind;
  if (stopping || reloading) {
    if (done) done({stopping ? Kind::kStopping : Kind::kBusy, config->path(), {}, stopping ? "the daemon is stopping" : "a reload is already under way"});
    return;
  }
  reloading = true;
  auto mono = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch());
  SdNotify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(mono.count()) + "\nSTATUS=reloading configuration");
  // Reading the file and syncing watchers block: both run on the DbThread. The sync is the last
  // step that can fail, so a config it refuses leaves the database as it was too (the community
  // declarations written before it are put back).
  db->Submit([this, path = config->path(), running = yaml, done](SqlConnection* conn) {
    Result<std::shared_ptr<ReloadPlan>> plan = Status::Error("database unavailable");
    if (conn != nullptr) plan = PlanReload(*conn, path, *running);
    Status status = plan.status();
    if (status.ok()) status = DeclareCommunities(*conn, *(*plan)->yaml);
    if (status.ok()) {
      status = SyncWatchers(*conn, WatcherDeclsFrom(*(*plan)->yaml), std::chrono::system_clock::now()).status();
      if (!status.ok()) (void)DeclareCommunities(*conn, *running);  // the running config's, as they were
    }
    poster->Post([this, status, path, done, next = plan.ok() ? *plan : nullptr] {
      reloading = false;
      if (!status.ok()) {
        spdlog::error("reload failed, keeping the running config: {}", status.message());
        Metrics::Global().Inc("vigil_config_reloads_total", {{"result", "failed"}});
        SdNotify("READY=1\nSTATUS=serving (last reload failed: see the log)");
        if (done) done({Kind::kRefused, path, {}, status.message()});
        return;
      }
      ApplyConfig(*next);
      if (done) done({Kind::kApplied, path, next->changes, ""});
    });
  });
}

// On the DbThread; reads only the registry, which is not written after start.
Result<std::shared_ptr<ReloadPlan>> Daemon::Impl::PlanReload(SqlConnection& conn, const std::string& path,
                                                             const Config& running) const {
  auto loaded = LoadConfig(path);
  if (!loaded.ok()) return loaded.status();
  if ((*loaded)->DatabaseUrl() != running.DatabaseUrl())
    spdlog::warn("reload: database.url changed; the change takes effect at the next restart");
  auto schedules = SchedulesFrom(**loaded);
  if (!schedules.ok()) return schedules.status();
  if (Status s = CheckJobKinds(*schedules); !s.ok()) return s;
  // Restart-only settings too: a file `vigil check` refuses is not applied in part.
  for (const Status& s : {JobEngineOptionsFrom(**loaded).status(), HttpClientOptionsFrom(**loaded).status()}) {
    if (!s.ok()) return s;
  }
  auto plan = std::make_shared<ReloadPlan>();
  auto set = LoadWatcherSet(*loaded, conn, &plan->rows_digest);
  if (!set.ok()) return set.status();
  plan->yaml = *loaded;
  plan->watchers = std::move(*set);
  plan->changes = ConfigChanges(running, **loaded);
  return plan;
}

// Nothing here can fail: everything that could was built into the plan.
void Daemon::Impl::ApplyConfig(const ReloadPlan& plan) {
  for (const auto& warning : WatcherWarnings(*plan.yaml)) spdlog::warn("{}", warning);
  ApplyWatchers(plan);
  if (!options.log_format_overridden) {
    LogOptions lo;
    ParseLogFormat(config->GetString("logging.format"), &lo.format);
    lo.level = LevelFrom(*config);
    InitLogging(lo);
  } else {
    spdlog::set_level(LevelFrom(*config));
  }
  server->SetLimits(LimitsFrom(*config));
  streams->EndAll();  // clients reconnect under the new configuration (api.token) and resume
  Metrics::Global().Inc("vigil_config_reloads_total", {{"result", "applied"}});
  for (const auto& change : plan.changes) spdlog::info("reload: {}", change);
  spdlog::info("configuration reloaded from {}", config->path());
  SdNotify("READY=1\nSTATUS=serving");
}

void Daemon::Impl::ApplyWatchers(const ReloadPlan& plan) {
  bool same_timer = yaml->GetDuration("platform_watchers.check_interval") ==
                    plan.yaml->GetDuration("platform_watchers.check_interval");
  LogRowChanges(rows, plan.watchers.rows);
  {
    std::lock_guard<std::mutex> lock(yaml_mu);
    yaml = plan.yaml;
  }
  config = plan.watchers.config;
  rows = plan.watchers.rows;
  rows_digest = plan.rows_digest;
  runtime->set_config(config);
  engine->SetSchedules(plan.watchers.schedules);
  hooks->Install(plan.watchers.hooks);
  log_wakeups->Apply(*config);
  if (!same_timer) StartRowsTimer();
}

// The platform's watcher rows, read again every platform_watchers.check_interval: a row added,
// changed, disabled or deleted runs (or stops) within that, without a reload.
void Daemon::Impl::StartRowsTimer() {
  auto every = static_cast<uint64_t>(yaml->GetDuration("platform_watchers.check_interval").count());
  uv_timer_start(&rows_timer, [](uv_timer_t* t) { static_cast<Impl*>(t->data)->CheckRows(); }, every, every);
}

void Daemon::Impl::CheckRows() {
  if (stopping || reloading || rows_checking || !yaml->GetBool("platform_watchers.enabled")) return;
  rows_checking = true;
  db->Submit([this, seen_yaml = yaml, seen_digest = rows_digest, had_error = !rows_error.empty()](SqlConnection* conn) {
    std::shared_ptr<ReloadPlan> plan;
    Status status = conn == nullptr ? Status::Error("database unavailable") : Status::Ok();
    if (conn != nullptr) {
      auto read = ListPlatformWatcherRows(*conn);
      status = read.status();
      if (read.ok() && WatcherRowsDigest(*read) != seen_digest) {
        auto set = BuildWatcherSet(seen_yaml, *read);
        status = set.status();
        if (set.ok()) plan = std::make_shared<ReloadPlan>(ReloadPlan{seen_yaml, std::move(*set), WatcherRowsDigest(*read)});
      }
    }
    // The usual answer, nothing changed and nothing to log, does not wake the loop: an idle
    // daemon reads the rows every check_interval and that is all it does.
    if (status.ok() && plan == nullptr && !had_error) {
      rows_checking = false;
      return;
    }
    poster->Post([this, status, plan, seen_yaml] {
      rows_checking = false;
      if (!status.ok()) {
        if (status.message() != rows_error) spdlog::warn("platform watcher rows not read: {}", status.message());
        rows_error = status.message();
        return;
      }
      rows_error.clear();
      // A reload applied meanwhile carries rows as new as these, with its own config.
      if (plan == nullptr || stopping || seen_yaml != yaml) return;
      ApplyWatchers(*plan);
    });
  });
}

}  // namespace vigil
