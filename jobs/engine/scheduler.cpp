#include "jobs/engine/scheduler.h"

#include <spdlog/spdlog.h>

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
      std::vector<WonFire> won;
      for (const ScheduleSpec* s : some) {
        Status fired = FireDue(db, *s, now, &next, &won);
        if (!fired.ok()) return fired.WithContext("schedule " + s->name);
      }
      return EnqueueFiresInTx(db, won, now);
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
      if (!st.ok() && first.ok()) first = st;
    }
    if (!first.ok()) return first;
  } else if (due.size() == 1) {
    Status st = fire(due);
    if (!st.ok()) return st;
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

// Finds the latest fire due at `now` after the last recorded one, records it, and caches the fire
// after it; when none is due, caches the next one.
Status Scheduler::FireDue(SqlConnection& db, const ScheduleSpec& s, TimePoint now, std::map<std::string, TimePoint>* next_fires,
                         std::vector<WonFire>* won) {
  auto last = db.Query("SELECT MAX(fire_at) FROM vigil_schedule_fires WHERE schedule = $1", {s.name});
  if (!last.ok()) return last.status();
  bool never_fired = last->rows[0].IsNull(0);
  std::optional<TimePoint> due;
  bool run = true;
  TimePoint base;
  if (never_fired && s.first_fire_at_once && s.interval) {
    due = s.interval->Latest(now, s.name);
  } else {
    // Never fired anywhere: start from when this process first saw it (such a schedule does not
    // fire for the past).
    base = never_fired ? first_seen_.emplace(s.name, now).first->second : FromMicros(last->rows[0].Int(0));
    due = LatestDueAfter(s, base, now);
    if (due) run = s.catch_up == CatchUp::kOne || now - *due <= kSkipGrace;
  }
  if (!due) {
    auto next = NextFire(s, base);
    (*next_fires)[s.name] = next ? *next : TimePoint::max();
    return Status::Ok();
  }
  Status st = RecordFireInTx(db, s, *due, now, run, won);
  if (!st.ok()) return st;
  auto following = NextFire(s, *due);
  (*next_fires)[s.name] = following ? *following : TimePoint::max();
  return Status::Ok();
}

Status Scheduler::RecordFireInTx(SqlConnection& db, const ScheduleSpec& s, TimePoint fire_at, TimePoint now, bool run,
                                 std::vector<WonFire>* won) {
  auto ins = db.Query("INSERT INTO vigil_schedule_fires (schedule, fire_at, created_at) VALUES ($1, $2, $3)"
                      " ON CONFLICT (schedule, fire_at) DO NOTHING",
                      {s.name, ToMicros(fire_at), ToMicros(now)});
  if (!ins.ok()) return ins.status();
  if (ins->affected > 0 && run) won->push_back({&s, fire_at});  // else another daemon fired it, or skipped
  return Status::Ok();
}

namespace {

nlohmann::json FireArgs(const ScheduleSpec& s, TimePoint fire_at) {
  nlohmann::json args = s.job.args.is_object() ? s.job.args : nlohmann::json::object();
  args["fire_at"] = FormatIso8601(fire_at, s.zone);
  return args;
}

}  // namespace

Status Scheduler::EnqueueFiresInTx(SqlConnection& db, const std::vector<WonFire>& won, TimePoint now) {
  // Each job, with the fires it runs: a fire of its own, or the fires of one batch key, in order.
  std::vector<JobSpec> jobs;
  std::vector<std::vector<const WonFire*>> fires_of;
  std::map<std::string, size_t> batch_job;  // batch key -> index in jobs
  for (const WonFire& f : won) {
    const ScheduleSpec& s = *f.schedule;
    std::string key = s.batch.empty() ? "" : s.batch + "\n" + s.job.kind + "\n" + s.job.queue;
    auto open = key.empty() ? batch_job.end() : batch_job.find(key);
    if (open != batch_job.end()) {
      JobSpec& job = jobs[open->second];
      std::vector<const WonFire*>& fires = fires_of[open->second];
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
  for (size_t i = 0; i < jobs.size(); ++i) {
    for (const WonFire* f : fires_of[i]) {
      auto upd = db.Query("UPDATE vigil_schedule_fires SET job_id = $1 WHERE schedule = $2 AND fire_at = $3",
                          {(*enq)[i].id, f->schedule->name, ToMicros(f->fire_at)});
      if (!upd.ok()) return upd.status();
      spdlog::debug("schedule {} fired for {}", f->schedule->name, FormatIso8601(f->fire_at, f->schedule->zone));
    }
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
