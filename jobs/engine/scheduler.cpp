#include "jobs/engine/scheduler.h"

#include <spdlog/spdlog.h>

#include <set>

#include "common/iso8601.h"
#include "store/db_time.h"

namespace vigil {

std::optional<TimePoint> Scheduler::NextFire(const ScheduleSpec& s, TimePoint after) {
  if (s.cron) return s.cron->Next(after, s.zone);
  if (s.interval) return s.interval->Next(after, s.name);
  return std::nullopt;
}

Result<std::optional<TimePoint>> Scheduler::Tick(SqlConnection& db, TimePoint now, const PausedWork& paused) {
  std::vector<const ScheduleSpec*> due;
  for (const auto& s : schedules_) {
    if (paused.Holds(s.job.kind, s.job.queue)) continue;  // its missed fires wait for the resume
    auto it = next_.find(s.name);
    if (it == next_.end() || it->second <= now) due.push_back(&s);
  }
  auto fire = [&](const std::vector<const ScheduleSpec*>& some) {
    std::map<std::string, TimePoint> next;
    Status st = InTransaction(db, true, [&]() -> Status {
      auto last = LastFires(db, some);
      if (!last.ok()) return last.status();
      std::vector<DueFire> fires;
      for (const ScheduleSpec* s : some) {
        auto it = last->find(s->name);
        FindDue(*s, it == last->end() ? std::nullopt : std::optional<TimePoint>(it->second), now, &next, &fires);
      }
      auto won = RecordFiresInTx(db, fires, now);
      if (!won.ok()) return won.status();
      return EnqueueFiresInTx(db, *won, now);
    });
    if (st.ok()) {
      for (auto& [name, at] : next) next_[name] = at;
    }
    return st;
  };
  if (due.size() > 1 && !fire(due).ok()) {
    // One schedule's failure must not hold the others back: each in a transaction of its own.
    Status first = Status::Ok();
    for (const ScheduleSpec* s : due) {
      Status st = fire({s});
      if (!st.ok() && first.ok()) first = st.WithContext("schedule " + s->name);
    }
    if (!first.ok()) return first;
  } else if (due.size() == 1) {
    Status st = fire(due);
    if (!st.ok()) return st.WithContext("schedule " + due[0]->name);
  }
  std::optional<TimePoint> earliest;
  for (const auto& s : schedules_) {
    if (paused.Holds(s.job.kind, s.job.queue)) continue;
    auto it = next_.find(s.name);
    if (it != next_.end() && (!earliest || it->second < *earliest)) earliest = it->second;
  }
  return earliest;
}

namespace {

// The latest fire of `s` in (base, now], if any.
std::optional<TimePoint> LatestDueAfter(const ScheduleSpec& s, TimePoint base, TimePoint now) {
  auto next = Scheduler::NextFire(s, base);
  if (!next || *next > now) return std::nullopt;
  TimePoint latest = *next;
  for (int guard = 0; guard < 1000000; ++guard) {
    auto after = Scheduler::NextFire(s, latest);
    if (!after || *after > now) break;
    latest = *after;
  }
  return latest;
}

}  // namespace

// At most this many schedules or fires in one statement (3 parameters a fire: well under SQLite's
// 32,766 and PostgreSQL's 65,535).
constexpr size_t kRowsPerStatement = 500;
// At most this many fires in one batch job: a burst of thousands of timed watchers is several
// jobs, each well within the kind's timeout and its fire rows' UPDATE within the parameter limits.
constexpr size_t kFiresPerBatch = 200;

Result<std::map<std::string, TimePoint>> Scheduler::LastFires(SqlConnection& db, const std::vector<const ScheduleSpec*>& some) {
  std::map<std::string, TimePoint> last;
  for (size_t from = 0; from < some.size(); from += kRowsPerStatement) {
    size_t to = std::min(some.size(), from + kRowsPerStatement);
    std::string sql = "SELECT schedule, MAX(fire_at) FROM vigil_schedule_fires WHERE schedule IN (";
    std::vector<SqlValue> params;
    for (size_t i = from; i < to; ++i) {
      sql += (i > from ? ", $" : "$") + std::to_string(params.size() + 1);
      params.emplace_back(some[i]->name);
    }
    auto r = db.Query(sql + ") GROUP BY schedule", params);
    if (!r.ok()) return r.status();
    for (const auto& row : r->rows) last[row.Text(0)] = FromMicros(row.Int(1));
  }
  return last;
}

// Finds the latest fire of `s` due at `now` after its last recorded one (`last`), adds it to
// `fires` and caches the fire after it; when none is due, caches the next one.
void Scheduler::FindDue(const ScheduleSpec& s, std::optional<TimePoint> last, TimePoint now,
                        std::map<std::string, TimePoint>* next_fires, std::vector<DueFire>* fires) {
  std::optional<TimePoint> due;
  bool run = true;
  TimePoint base;
  if (!last && s.first_fire_at_once && s.interval) {
    due = s.interval->Latest(now, s.name);
  } else {
    // Never fired anywhere: start from when this process first saw it (such a schedule does not
    // fire for the past).
    base = last ? *last : first_seen_.emplace(s.name, now).first->second;
    due = LatestDueAfter(s, base, now);
    if (due) run = s.catch_up == CatchUp::kOne || now - *due <= kSkipGrace;
  }
  std::optional<TimePoint> following = NextFire(s, due ? *due : base);
  (*next_fires)[s.name] = following ? *following : TimePoint::max();
  if (due) fires->push_back({&s, *due, run});
}

Result<std::vector<Scheduler::DueFire>> Scheduler::RecordFiresInTx(SqlConnection& db, const std::vector<DueFire>& fires, TimePoint now) {
  std::set<std::pair<std::string, int64_t>> inserted;
  for (size_t from = 0; from < fires.size(); from += kRowsPerStatement) {
    size_t to = std::min(fires.size(), from + kRowsPerStatement);
    std::string sql = "INSERT INTO vigil_schedule_fires (schedule, fire_at, created_at) VALUES ";
    std::vector<SqlValue> params;
    for (size_t i = from; i < to; ++i) {
      size_t n = params.size();
      sql += (i > from ? ", ($" : "($") + std::to_string(n + 1) + ", $" + std::to_string(n + 2) + ", $" + std::to_string(n + 3) + ")";
      params.emplace_back(fires[i].schedule->name);
      params.emplace_back(ToMicros(fires[i].fire_at));
      params.emplace_back(ToMicros(now));
    }
    auto r = db.Query(sql + " ON CONFLICT (schedule, fire_at) DO NOTHING RETURNING schedule, fire_at", params);
    if (!r.ok()) return r.status();
    for (const auto& row : r->rows) inserted.emplace(row.Text(0), row.Int(1));
  }
  // The fires this process recorded and runs: another daemon's insert won the others, and a
  // skipped fire is recorded but not run.
  std::vector<DueFire> won;
  for (const DueFire& f : fires) {
    if (f.run && inserted.count({f.schedule->name, ToMicros(f.fire_at)})) won.push_back(f);
  }
  return won;
}

namespace {

nlohmann::json FireArgs(const ScheduleSpec& s, TimePoint fire_at) {
  nlohmann::json args = s.job.args.is_object() ? s.job.args : nlohmann::json::object();
  args["fire_at"] = FormatIso8601(fire_at, s.zone);
  return args;
}

}  // namespace

Status Scheduler::EnqueueFiresInTx(SqlConnection& db, const std::vector<DueFire>& won, TimePoint now) {
  // Each job, with the fires it runs: a fire of its own, or the fires of one batch key, in order.
  std::vector<JobSpec> jobs;
  std::vector<std::vector<const DueFire*>> fires_of;
  std::map<std::string, size_t> batch_job;  // batch key -> index in jobs
  for (const DueFire& f : won) {
    const ScheduleSpec& s = *f.schedule;
    std::string key = s.batch.empty() ? "" : s.batch + "\n" + s.job.kind + "\n" + s.job.queue;
    auto open = key.empty() ? batch_job.end() : batch_job.find(key);
    if (open != batch_job.end() && fires_of[open->second].size() < kFiresPerBatch) {
      JobSpec& job = jobs[open->second];
      std::vector<const DueFire*>& fires = fires_of[open->second];
      if (fires.size() == 1) {  // a second fire: the job becomes a batch
        job.args = {{"batch", nlohmann::json::array({job.args})}};
      }
      job.args["batch"].push_back(FireArgs(s, f.fire_at));
      job.priority = std::min(job.priority, s.job.priority);
      job.max_attempts = std::max(job.max_attempts, s.job.max_attempts);
      fires.push_back(&f);
      continue;
    }
    JobSpec job = s.job;
    // Unique per fire; a batch keeps its first fire's key (that fire is in no other job).
    job.unique_key = "fire:" + s.name + ":" + std::to_string(ToMicros(f.fire_at));
    job.args = FireArgs(s, f.fire_at);
    if (!key.empty()) batch_job[key] = jobs.size();
    jobs.push_back(std::move(job));
    fires_of.push_back({&f});
  }
  if (jobs.empty()) return Status::Ok();
  auto enq = EnqueueJobsInTx(db, jobs, now);
  if (!enq.ok()) return enq.status();
  // Each job's id on its fire rows: a statement per job (a batch's fires in one).
  for (size_t i = 0; i < jobs.size(); ++i) {
    std::string sql = "UPDATE vigil_schedule_fires SET job_id = $1 WHERE ";
    std::vector<SqlValue> params = {(*enq)[i].id};
    for (const DueFire* f : fires_of[i]) {
      size_t n = params.size();
      sql += (n > 1 ? " OR " : "") + std::string("(schedule = $") + std::to_string(n + 1) + " AND fire_at = $" + std::to_string(n + 2) + ")";
      params.emplace_back(f->schedule->name);
      params.emplace_back(ToMicros(f->fire_at));
      spdlog::debug("schedule {} fired for {}", f->schedule->name, FormatIso8601(f->fire_at, f->schedule->zone));
    }
    auto upd = db.Query(sql, params);
    if (!upd.ok()) return upd.status();
  }
  return Status::Ok();
}

Result<int64_t> Scheduler::PruneFires(SqlConnection& db, TimePoint before) {
  auto r = db.Query("DELETE FROM vigil_schedule_fires WHERE created_at < $1 AND fire_at < "
                    "(SELECT MAX(f2.fire_at) FROM vigil_schedule_fires f2 WHERE f2.schedule = vigil_schedule_fires.schedule)",
                    {ToMicros(before)});
  if (!r.ok()) return r.status();
  return r->affected;
}

}  // namespace vigil
