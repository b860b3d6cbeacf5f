#include "jobs/maintenance/crash_sentinel.h"

#include "common/thread_name.h"

#include <spdlog/spdlog.h>

#include "jobs/maintenance/crash_reports.h"
#include "jobs/maintenance/maintenance_job.h"
#include "store/job_repo.h"
#include "jobs/engine/database_target.h"

namespace vigil {
namespace {

Status EnqueueStartupFlush(SqlConnection& db, const Config& config, TimePoint now) {
  if (!config.Get("jobs.crash_report_flush").is_object()) return Status::Ok();
  JobSpec job;
  job.kind = "crash_report_flush";
  job.max_attempts = 20;
  job.unique_key = "job:crash_report_flush:start";
  return EnqueueJobs(db, {job}, now).status();
}

}  // namespace

std::chrono::seconds HeartbeatFreshness(const Config& config) {
  return std::max(std::chrono::seconds(3), std::chrono::duration_cast<std::chrono::seconds>(3 * config.GetDuration("jobs.lease")));
}

CrashSentinel::CrashSentinel(std::unique_ptr<SqlConnection> db, std::string session_id, std::chrono::milliseconds interval)
    : db_(std::move(db)), session_id_(std::move(session_id)), interval_(interval) {}

Result<std::unique_ptr<CrashSentinel>> CrashSentinel::Start(const Config& config, const std::string& session_id,
                                                            std::chrono::milliseconds snippet_interval) {
  auto db = OpenSqlConnection(DatabaseTarget(config));
  if (!db.ok()) return db.status();
  auto now = std::chrono::system_clock::now();
  auto t = TableMapping::Defaults(CrashTables());
  auto r = (*db)->Query("INSERT INTO crash_sentinel (session_id, status, started_at) VALUES ($1, 'running', $2)",
                        {session_id, UnixSeconds(now)});
  if (!r.ok()) return r.status().WithContext("crash sentinel");
  LeftoverOptions o{LeftoverRule::kVigilNodes, session_id, HeartbeatFreshness(config), "vigil"};
  auto reported = ReportLeftoverSessions(**db, t, o, now);
  if (!reported.ok()) spdlog::warn("crash sentinel: {}", reported.error());
  Status s = EnqueueStartupFlush(**db, config, now);
  if (!s.ok()) spdlog::warn("crash sentinel: enqueueing crash_report_flush: {}", s.message());
  std::unique_ptr<CrashSentinel> sentinel(new CrashSentinel(std::move(*db), session_id, snippet_interval));
  sentinel->writer_ = std::thread([p = sentinel.get()] {
    NameThisThread("crash-sentinel");
    p->WriterLoop();
  });
  return sentinel;
}

Status CrashSentinel::WriteSnippets() {
  std::lock_guard<std::mutex> lock(db_mu_);
  std::string system = LogSnippet(50, false), api = LogSnippet(50, true);
  std::string both = system + '\0' + api;
  if (both == written_) return Status::Ok();
  Status s = db_->Query("UPDATE crash_sentinel SET system_log_snippet = $2, api_log_snippet = $3 WHERE session_id = $1",
                        {session_id_, system, api})
                 .status();
  if (s.ok()) written_ = std::move(both);
  return s;
}

void CrashSentinel::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
    lock.unlock();
    Status s = WriteSnippets();
    if (!s.ok()) spdlog::debug("crash sentinel: writing snippets: {}", s.message());
    lock.lock();
  }
}

CrashSentinel::~CrashSentinel() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  (void)WriteSnippets();
  std::lock_guard<std::mutex> lock(db_mu_);
  auto r = db_->Query("UPDATE crash_sentinel SET status = 'clean', ended_at = $2 WHERE session_id = $1 AND status = 'running'",
                      {session_id_, UnixSeconds(std::chrono::system_clock::now())});
  if (!r.ok()) spdlog::warn("crash sentinel: marking the session clean: {}", r.error());
}

}  // namespace vigil
