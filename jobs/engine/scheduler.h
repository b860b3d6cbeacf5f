// Scheduler: turns cron and interval schedules into jobs, exactly once per fire however many
// daemons share the database, with no leader. Each daemon computes the next fire; the first to
// insert (schedule, fire time) into vigil_schedule_fires enqueues the job, in the same
// transaction; the others' inserts conflict and do nothing. Fire rows outlive their jobs (the
// newest per schedule is kept forever, older ones for 30 days), so a fire is never run twice.
//
// After downtime a schedule fires once for what it missed (catch_up: one, like systemd's
// Persistent=true) or skips what it missed (catch_up: skip). A pause of its job kind or queue is
// downtime for it alone (see Tick).
//
// A schedule that has never fired (no row in vigil_schedule_fires) waits for its next fire after
// this process first saw it, unless it is an interval schedule with `first_fire_at_once`: then it
// fires at once, for the latest fire time at or before now (IntervalSchedule::Latest), whatever
// its catch_up. Every daemon computes that same fire time until the next one comes, so the
// unique (schedule, fire time) still lets exactly one of them run it.
//
// Threads: used by the job engine's maintainer thread only.
#pragma once

#include <date/tz.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/engine/cron.h"
#include "jobs/engine/interval_schedule.h"
#include "store/job_pause_repo.h"
#include "store/job_repo.h"
#include "store/sql.h"

namespace vigil {

enum class CatchUp { kOne, kSkip };

struct ScheduleSpec {
  std::string name;  // unique among schedules: "job:context_backup_coverage", "watcher:kras-pubmed"
  JobSpec job;       // what each fire enqueues (unique_key is set per fire)
  std::optional<CronExpr> cron;
  const date::time_zone* zone = nullptr;  // for cron; null = UTC
  std::optional<IntervalSchedule> interval;
  CatchUp catch_up = CatchUp::kOne;
  // Interval schedules only (cron schedules keep their slots): never fired -> fire at once. The
  // watchers' schedules set it, so a new watcher polls when it is added, not up to `every` later.
  bool first_fire_at_once = false;
  // Non-empty: the fires of schedules with the same key that one tick enqueues together become one
  // job of their kind, args {"batch": [each fire's args]}, whose handler runs them in turn (timed
  // watchers that only emit: one worker and one claim for the twenty fires of a minute, not twenty
  // workers meeting at SQLite's write lock). Only for kinds whose handler takes a batch.
  std::string batch;
};

class Scheduler {
 public:
  explicit Scheduler(std::vector<ScheduleSpec> schedules) : schedules_(std::move(schedules)) {}

  // Fires every schedule that is due at `now`, except those whose job kind or queue is `paused`:
  // their fires are not recorded while paused, so the first tick after the resume finds them
  // missed and follows catch_up (one: fire once, for the latest; skip: only a fire at most
  // kSkipGrace late runs, and the rest wait for the next). Returns the earliest next fire of the
  // schedules not paused (or nullopt if none), so the caller knows when to call again. The fires
  // due together are recorded and their jobs enqueued in one transaction: twenty watchers on the
  // same `every` cost one commit, and their jobs are claimed together (or are one job, for
  // schedules sharing a `batch` key).
  Result<std::optional<TimePoint>> Tick(SqlConnection& db, TimePoint now, const PausedWork& paused = {});
  // Deletes fire rows older than `before`, keeping the newest of each schedule.
  Result<int64_t> PruneFires(SqlConnection& db, TimePoint before);

  size_t size() const { return schedules_.size(); }

  // Exposed for tests: the next fire of `s` strictly after `after`.
  static std::optional<TimePoint> NextFire(const ScheduleSpec& s, TimePoint after);

 private:
  // A fire found due: recorded (won or lost to another daemon); run when `run` and won.
  struct DueFire {
    const ScheduleSpec* schedule;
    TimePoint fire_at;
    bool run = true;  // false: catch_up skip passed it over
  };
  // The last recorded fire of each of `some` that has one (a statement per 500 schedules).
  static Result<std::map<std::string, TimePoint>> LastFires(SqlConnection& db, const std::vector<const ScheduleSpec*>& some);
  // The schedule's fire due at `now`, if any, to `fires`; its next fire to `next` (applied to
  // next_ once the transaction committed).
  void FindDue(const ScheduleSpec& s, std::optional<TimePoint> last, TimePoint now, std::map<std::string, TimePoint>* next,
               std::vector<DueFire>* fires);
  // Records `fires` (a statement per 500) inside the caller's transaction; returns those this
  // process won and runs.
  static Result<std::vector<DueFire>> RecordFiresInTx(SqlConnection& db, const std::vector<DueFire>& fires, TimePoint now);
  // Enqueues the jobs of `won` (a batch's fires as one job) and notes each job on its fire rows.
  static Status EnqueueFiresInTx(SqlConnection& db, const std::vector<DueFire>& won, TimePoint now);
  std::vector<ScheduleSpec> schedules_;
  std::map<std::string, TimePoint> next_;        // cached next fire per schedule
  std::map<std::string, TimePoint> first_seen_;  // when this process first saw a never-fired schedule
};

// The skip policy fires a due fire only when it is at most this late.
inline constexpr std::chrono::seconds kSkipGrace{60};

}  // namespace vigil
