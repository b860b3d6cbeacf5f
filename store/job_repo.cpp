#include "store/job_repo.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "common/iso8601.h"
#include "common/json_depth.h"
#include "common/metrics.h"
#include "common/utf8_cut.h"
#include "store/db_time.h"
#include "store/sql_filter.h"

namespace vigil {
namespace {

constexpr const char* kColumns =
    "id, kind, queue, args, state, priority, run_at, attempt, max_attempts, unique_key, locked_by, locked_until,"
    " last_error, created_at, updated_at, finished_at";
constexpr const char* kUnfinished = "('available', 'running', 'retryable')";

JobRow ToJob(const SqlRow& r) {
  JobRow j;
  j.id = r.Int(0);
  j.kind = r.Text(1);
  j.queue = r.Text(2);
  j.args = r.Text(3);
  j.state = r.Text(4);
  j.priority = static_cast<int>(r.Int(5));
  j.run_at_us = r.Int(6);
  j.attempt = static_cast<int>(r.Int(7));
  j.max_attempts = static_cast<int>(r.Int(8));
  j.unique_key = r.Text(9);
  j.locked_by = r.Text(10);
  j.locked_until_us = r.Int(11);
  j.last_error = r.Text(12);
  j.created_at_us = r.Int(13);
  j.updated_at_us = r.Int(14);
  j.finished_at_us = r.Int(15);
  return j;
}

// " IN <the ids>" as one bound parameter, $`index`, appended to `params`: the statement's text is
// the same whatever the ids, so each connection prepares it once (inlined lists made every batch a
// statement of its own: hundreds of one-off statements held by each connection's cache).
std::string IdsIn(const SqlConnection& db, const std::vector<int64_t>& ids, std::vector<SqlValue>* params) {
  bool pg = db.dialect() == "postgres";
  std::string list = pg ? "{" : "[";
  for (size_t i = 0; i < ids.size(); ++i) list += (i ? "," : "") + std::to_string(ids[i]);
  list += pg ? "}" : "]";
  params->push_back(std::move(list));
  std::string at = "$" + std::to_string(params->size());
  return pg ? " = ANY(" + at + "::bigint[])" : " IN (SELECT value FROM json_each(" + at + "))";
}

Status Notify(SqlConnection& db, const std::set<std::string>& queues) {
  if (db.dialect() != "postgres") return Status::Ok();
  for (const auto& q : queues) {
    auto r = db.Query("SELECT pg_notify('vigil_jobs', $1)", {q});
    if (!r.ok()) return r.status();
  }
  return Status::Ok();
}

std::mutex observers_mu;
std::map<int, EnqueueObserver>& Observers() {
  static auto* observers = new std::map<int, EnqueueObserver>();  // never destroyed: used at exit
  return *observers;
}

void Enqueued(const std::vector<EnqueuedJob>& jobs) {
  for (const auto& j : jobs) Metrics::Global().Inc("vigil_jobs_enqueued_total", {{"kind", j.kind}, {"queue", j.queue}});
  std::lock_guard<std::mutex> lock(observers_mu);
  for (const auto& [token, observer] : Observers()) observer(jobs);
}

// On PostgreSQL (read committed) the job the INSERT conflicted with can finish before the SELECT
// looks for it: a triage job completing while the event writer queues the next event (seen under
// 8 steady webhook senders, the event answered 503). Then no unfinished job holds the key and the
// INSERT, tried again, takes it.
Result<EnqueueResult> EnqueueUnique(SqlConnection& db, const JobSpec& job, int64_t now_us) {
  constexpr int kTries = 5;
  int64_t run_at = job.run_at ? ToMicros(*job.run_at) : now_us;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    auto ins = db.Query(
        "INSERT INTO vigil_jobs (kind, queue, args, priority, run_at, max_attempts, unique_key, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
        " ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('available', 'running', 'retryable')"
        " DO NOTHING RETURNING id",
        {job.kind, job.queue, job.args.dump(), int64_t(job.priority), run_at, int64_t(job.max_attempts), job.unique_key,
         now_us});
    if (!ins.ok()) return ins.status();
    if (!ins->rows.empty()) return EnqueueResult{ins->rows[0].Int(0), true};
    auto existing = db.Query(std::string("SELECT id FROM vigil_jobs WHERE unique_key = $1 AND state IN ") + kUnfinished,
                             {job.unique_key});
    if (!existing.ok()) return existing.status();
    if (!existing->rows.empty()) return EnqueueResult{existing->rows[0].Int(0), false};
  }
  return Status::Error("unique job " + job.unique_key + " kept finishing while enqueueing (" + std::to_string(kTries) +
                       " tries)");
}

// Jobs without a unique key go in multi-row INSERTs of up to 500 rows.
Status EnqueuePlain(SqlConnection& db, const std::vector<const JobSpec*>& jobs, int64_t now_us, std::vector<int64_t>* ids) {
  constexpr size_t kChunk = 500;
  for (size_t start = 0; start < jobs.size(); start += kChunk) {
    size_t n = std::min(kChunk, jobs.size() - start);
    std::string sql = "INSERT INTO vigil_jobs (kind, queue, args, priority, run_at, max_attempts, created_at, updated_at) VALUES ";
    std::vector<SqlValue> params = {now_us};
    for (size_t i = 0; i < n; ++i) {
      const JobSpec& j = *jobs[start + i];
      size_t b = params.size();
      sql += (i ? ", (" : "(") + ("$" + std::to_string(b + 1)) + ", $" + std::to_string(b + 2) + ", $" + std::to_string(b + 3) +
             ", $" + std::to_string(b + 4) + ", $" + std::to_string(b + 5) + ", $" + std::to_string(b + 6) + ", $1, $1)";
      params.insert(params.end(), {j.kind, j.queue, j.args.dump(), int64_t(j.priority),
                                   j.run_at ? ToMicros(*j.run_at) : now_us, int64_t(j.max_attempts)});
    }
    auto r = db.Query(sql + " RETURNING id", params);
    if (!r.ok()) return r.status();
    std::vector<int64_t> chunk;
    for (const auto& row : r->rows) chunk.push_back(row.Int(0));
    std::sort(chunk.begin(), chunk.end());  // ids are assigned in insertion order
    ids->insert(ids->end(), chunk.begin(), chunk.end());
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<EnqueueResult>> EnqueueJobsInTx(SqlConnection& db, const std::vector<JobSpec>& jobs, TimePoint now) {
  int64_t now_us = ToMicros(now);
  std::vector<EnqueueResult> out(jobs.size());
  std::vector<const JobSpec*> plain;
  std::vector<size_t> plain_index;
  std::set<std::string> queues;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].unique_key.empty()) {
      plain.push_back(&jobs[i]);
      plain_index.push_back(i);
      continue;
    }
    auto r = EnqueueUnique(db, jobs[i], now_us);
    if (!r.ok()) return r.status();
    out[i] = *r;
  }
  std::vector<int64_t> ids;
  Status s = EnqueuePlain(db, plain, now_us, &ids);
  if (!s.ok()) return s;
  for (size_t k = 0; k < ids.size(); ++k) out[plain_index[k]] = EnqueueResult{ids[k], true};
  // Only queues that got a job are notified: a unique job that was waiting already (the triage
  // job of a burst of events) wakes nobody.
  std::vector<EnqueuedJob> inserted;
  queues.clear();
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!out[i].inserted) continue;
    inserted.push_back({jobs[i].kind, jobs[i].queue});
    queues.insert(jobs[i].queue);
  }
  s = Notify(db, queues);
  if (!s.ok()) return s;
  if (!inserted.empty()) db.AfterCommit([inserted = std::move(inserted)] { Enqueued(inserted); });
  return out;
}

int AddEnqueueObserver(EnqueueObserver observer) {
  static int next_token = 0;
  std::lock_guard<std::mutex> lock(observers_mu);
  Observers().emplace(++next_token, std::move(observer));
  return next_token;
}

void RemoveEnqueueObserver(int token) {
  std::lock_guard<std::mutex> lock(observers_mu);
  Observers().erase(token);
}

Result<std::vector<EnqueueResult>> EnqueueJobs(SqlConnection& db, const std::vector<JobSpec>& jobs, TimePoint now) {
  std::vector<EnqueueResult> out;
  Status s = InTransaction(db, true, [&]() -> Status {
    auto r = EnqueueJobsInTx(db, jobs, now);
    if (!r.ok()) return r.status();
    out = std::move(*r);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<JobRow>> ClaimJobs(SqlConnection& db, const std::string& queue, int limit, const std::string& worker,
                                      TimePoint now, Duration lease, const std::set<std::string>& skip_kinds) {
  bool pg = db.dialect() == "postgres";
  std::vector<SqlValue> params = {worker, ToMicros(now + lease), ToMicros(now), queue, int64_t(limit)};
  std::string skip;  // empty when nothing is paused: the common claim stays as it was
  for (const auto& kind : skip_kinds) {
    params.push_back(kind);
    skip += (skip.empty() ? " AND kind NOT IN ($" : ", $") + std::to_string(params.size());
  }
  if (!skip.empty()) skip += ")";
  std::string sql = std::string("UPDATE vigil_jobs SET state = 'running', attempt = attempt + 1, locked_by = $1,") +
                    " locked_until = $2, updated_at = $3 WHERE id " + (pg ? "= ANY(ARRAY(" : "IN (") +
                    "SELECT id FROM vigil_jobs WHERE queue = $4" +
                    " AND state IN ('available', 'retryable') AND run_at <= $3" + skip + " ORDER BY priority, run_at, id LIMIT $5" +
                    // ANY(ARRAY(...)) keeps PostgreSQL from planning a hash join over the whole table.
                    (pg ? " FOR UPDATE SKIP LOCKED))" : ")") + " RETURNING " + kColumns;
  std::vector<JobRow> jobs;
  auto run = [&]() -> Status {
    auto r = db.Query(sql, params);
    if (!r.ok()) return r.status();
    for (const auto& row : r->rows) jobs.push_back(ToJob(row));
    return Status::Ok();
  };
  Status s = pg ? run() : InTransaction(db, true, run);
  if (!s.ok()) return s;
  std::sort(jobs.begin(), jobs.end(), [](const JobRow& a, const JobRow& b) {
    return std::tie(a.priority, a.run_at_us, a.id) < std::tie(b.priority, b.run_at_us, b.id);
  });
  return jobs;
}

Result<std::optional<TimePoint>> NextRunAt(SqlConnection& db, const std::string& queue, TimePoint now) {
  auto r = db.Query("SELECT MIN(run_at) FROM vigil_jobs WHERE queue = $1 AND state IN ('available', 'retryable')"
                    " AND run_at > $2",
                    {queue, ToMicros(now)});
  if (!r.ok()) return r.status();
  if (r->rows.empty() || r->rows[0].IsNull(0)) return std::optional<TimePoint>{};
  return std::optional<TimePoint>{FromMicros(r->rows[0].Int(0))};
}

Result<std::optional<TimePoint>> EarliestRunAt(SqlConnection& db, const std::string& queue) {
  auto r = db.Query("SELECT MIN(run_at) FROM vigil_jobs WHERE queue = $1 AND state IN ('available', 'retryable')", {queue});
  if (!r.ok()) return r.status();
  if (r->rows.empty() || r->rows[0].IsNull(0)) return std::optional<TimePoint>{};
  return std::optional<TimePoint>{FromMicros(r->rows[0].Int(0))};
}

Result<int64_t> FinishJobs(SqlConnection& db, const std::vector<JobOutcome>& outcomes, const std::string& worker,
                           TimePoint now) {
  int64_t now_us = ToMicros(now);
  int64_t changed = 0;
  std::vector<int64_t> done;
  for (const auto& o : outcomes) {
    if (o.ok) done.push_back(o.id);
  }
  Status s = InTransaction(db, true, [&]() -> Status {
    if (!done.empty()) {
      std::vector<SqlValue> params = {now_us, worker};
      std::string in = IdsIn(db, done, &params);
      auto r = db.Query("UPDATE vigil_jobs SET state = 'completed', finished_at = $1, updated_at = $1, locked_by = NULL,"
                        " locked_until = NULL WHERE locked_by = $2 AND state = 'running' AND id" + in,
                        params);
      if (!r.ok()) return r.status();
      changed += r->affected;
    }
    for (const auto& o : outcomes) {
      if (o.ok) continue;
      auto r = db.Query(std::string("UPDATE vigil_jobs SET state = $1, run_at = $2, last_error = $3, finished_at = $4, updated_at = $5,") +
                        (o.uncount_attempt ? " attempt = attempt - 1," : "") +
                        " locked_by = NULL, locked_until = NULL WHERE id = $6 AND locked_by = $7 AND state = 'running'",
                        {std::string(o.discard ? "discarded" : "retryable"), o.discard ? now_us : o.retry_at_us,
                         std::string(CutUtf8(o.error, 4000)), o.discard ? SqlValue(now_us) : SqlValue(SqlNull{}), now_us, o.id, worker});
      if (!r.ok()) return r.status();
      changed += r->affected;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return changed;
}

Status ExtendLeases(SqlConnection& db, const std::vector<int64_t>& ids, const std::string& worker, TimePoint until) {
  if (ids.empty()) return Status::Ok();
  std::vector<SqlValue> params = {ToMicros(until), worker};
  std::string in = IdsIn(db, ids, &params);
  auto r = db.Query("UPDATE vigil_jobs SET locked_until = $1 WHERE locked_by = $2 AND state = 'running' AND id" + in, params);
  return r.status();
}

Status ReleaseJobs(SqlConnection& db, const std::vector<int64_t>& ids, const std::string& worker, TimePoint now,
                   bool count_attempt) {
  if (ids.empty()) return Status::Ok();
  std::vector<SqlValue> params = {ToMicros(now), worker};
  std::string in = IdsIn(db, ids, &params);
  auto r = db.Query(std::string("UPDATE vigil_jobs SET state = 'available', ") + (count_attempt ? "" : "attempt = attempt - 1, ") +
                        "locked_by = NULL, locked_until = NULL, updated_at = $1 WHERE locked_by = $2 AND state = 'running'"
                        " AND id" + in,
                    params);
  return r.status();
}

Result<int64_t> PruneJobs(SqlConnection& db, TimePoint before) {
  auto r = db.Query("DELETE FROM vigil_jobs WHERE state IN ('completed', 'discarded', 'cancelled') AND finished_at < $1",
                    {ToMicros(before)});
  if (!r.ok()) return r.status();
  return r->affected;
}

Result<std::vector<JobRow>> ListJobs(SqlConnection& db, const JobFilter& f) {
  SqlFilter where;
  if (!f.state.empty()) where.Add("state = ?", f.state);
  if (!f.kind.empty()) where.Add("kind = ?", f.kind);
  if (!f.queue.empty()) where.Add("queue = ?", f.queue);
  if (f.after_id > 0) where.Add("id < ?", f.after_id);
  std::string sql = std::string("SELECT ") + kColumns + " FROM vigil_jobs" + where.Sql() + " ORDER BY id DESC LIMIT " +
                    where.Bind(int64_t(std::clamp(f.limit, 1, 1000)));
  auto r = db.Query(sql, where.params());
  if (!r.ok()) return r.status();
  std::vector<JobRow> out;
  for (const auto& row : r->rows) out.push_back(ToJob(row));
  return out;
}

Result<std::optional<JobRow>> GetJob(SqlConnection& db, int64_t id) {
  auto r = db.Query(std::string("SELECT ") + kColumns + " FROM vigil_jobs WHERE id = $1", {id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<JobRow>();
  return std::optional<JobRow>(ToJob(r->rows[0]));
}

Status RetryJob(SqlConnection& db, int64_t id, TimePoint now) {
  auto job = GetJob(db, id);
  if (!job.ok()) return job.status();
  if (!*job) return Status::Error("no job " + std::to_string(id));
  const std::string& state = (*job)->state;
  if (state == "running" || state == "completed" || state == "available")
    return Status::Error("job " + std::to_string(id) + " is " + state + "; only discarded, cancelled or retryable jobs can be retried");
  auto r = db.Query("UPDATE vigil_jobs SET state = 'available', run_at = $1, updated_at = $1, finished_at = NULL,"
                    " max_attempts = CASE WHEN attempt >= max_attempts THEN attempt + 1 ELSE max_attempts END WHERE id = $2",
                    {ToMicros(now), id});
  if (!r.ok() && r.status().kind() == ErrorKind::kAlreadyExists)
    return Status::Error("job " + std::to_string(id) + ": another unfinished job holds its unique key");
  return r.status();
}

Status CancelJob(SqlConnection& db, int64_t id, TimePoint now) {
  auto r = db.Query(std::string("UPDATE vigil_jobs SET state = 'cancelled', finished_at = $1, updated_at = $1,") +
                        " locked_by = NULL, locked_until = NULL WHERE id = $2 AND state IN " + kUnfinished,
                    {ToMicros(now), id});
  if (!r.ok()) return r.status();
  if (r->affected == 0) {
    auto job = GetJob(db, id);
    if (!job.ok()) return job.status();
    if (!*job) return Status::Error("no job " + std::to_string(id));
    return Status::Error("job " + std::to_string(id) + " is already " + (*job)->state);
  }
  return Status::Ok();
}

nlohmann::json JobToJson(const JobRow& j) {
  auto time = [](int64_t us) { return us ? nlohmann::json(FormatUtcZ(FromMicros(us))) : nlohmann::json(nullptr); };
  nlohmann::json args = ParseJsonOrDiscarded(j.args);
  return {{"id", j.id}, {"kind", j.kind}, {"queue", j.queue}, {"args", args.is_discarded() ? nlohmann::json(j.args) : args},
          {"state", j.state}, {"priority", j.priority}, {"run_at", time(j.run_at_us)}, {"attempt", j.attempt},
          {"max_attempts", j.max_attempts}, {"unique_key", j.unique_key.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.unique_key)},
          {"locked_by", j.locked_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.locked_by)},
          {"locked_until", time(j.locked_until_us)}, {"last_error", j.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.last_error)},
          {"created_at", time(j.created_at_us)}, {"updated_at", time(j.updated_at_us)}, {"finished_at", time(j.finished_at_us)}};
}

Status ReleaseUniqueKey(SqlConnection& db, int64_t id) {
  // A write transaction of its own: on SQLite it waits its turn with the process's other writers
  // (write_gate.h) instead of meeting their lock and sleeping in the busy handler (18 ms a call
  // under a webhook burst).
  return InTransaction(db, true, [&] {
    return db.Query("UPDATE vigil_jobs SET unique_key = NULL WHERE id = $1 AND unique_key IS NOT NULL", {id}).status();
  });
}

}  // namespace vigil
