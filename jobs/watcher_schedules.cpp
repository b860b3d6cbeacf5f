#include "jobs/watcher_schedules.h"

#include "config/units.h"
#include "jobs/schedule_config.h"
#include "sources/log/log_watcher_spec.h"
#include "sources/scheduled/scheduled_watcher_spec.h"

namespace vigil {
namespace {

constexpr int64_t kMinLiteratureEveryMs = 10000;

Status EveryAtLeast(const Config& config, const nlohmann::json& w, const std::string& at, int64_t min_ms, const char* what) {
  if (!w.contains("every") || w["every"].get<int64_t>() >= min_ms) return Status::Ok();
  return config.ErrorAt(at + ".every", std::string(what) + " watchers poll at most every " + std::to_string(min_ms / 1000) + "s");
}

Result<ScheduleSpec> TimedSchedule(const Config& config, const nlohmann::json& w, size_t i, const std::string& at) {
  auto spec = ParseScheduledWatcherSpec(config, w, i);
  if (!spec.ok()) return spec.status();
  // The schedule keys share their names with jobs.schedules[]: parse them the same way.
  nlohmann::json sched = {{"name", w.value("name", "")}, {"kind", "scheduled_watcher"}};
  for (const char* key : {"schedule", "tz"}) {
    if (w.contains(key)) sched[key] = w[key];
  }
  if (w.contains("every")) sched["every"] = FormatDuration(std::chrono::milliseconds(w["every"].get<int64_t>()));
  auto s = ParseScheduleSpec(config, sched, at);
  // A fire that only emits waits on nothing outside this process: the fires of one moment run as
  // one job. An http or sql check waits on another system (up to its timeout), so it keeps a job
  // of its own and the checks of one moment run side by side.
  if (s.ok() && spec->check == ScheduledCheck::kEmit) s->batch = "emit";
  return s;
}

}  // namespace

Status AddLogAndScheduledWatcherSchedules(const Config& config, std::vector<ScheduleSpec>* out) {
  auto list = config.tree().find("watchers");
  if (list == config.tree().end() || !list->is_array()) return Status::Ok();
  for (size_t i = 0; i < list->size(); ++i) {
    const auto& w = (*list)[i];
    std::string at = "watchers[" + std::to_string(i) + "]";
    std::string type = w.value("type", "");
    Result<ScheduleSpec> s = Status::Error("");
    if (type == "literature") {
      Status st = EveryAtLeast(config, w, at, kMinLiteratureEveryMs, "literature");
      if (!st.ok()) return st;
      continue;
    }
    if (type == "log") {
      // A log watcher has no schedule: the daemon's LogWakeups runs its passes on change
      // notification (files: inotify; the journal: its wait fd) and its fallback check
      // (daemon/log_wakeups.h). A stored "watcher:<name>" fire row of an older version is only
      // history: a schedule fires only while it is in this list.
      Status st = EveryAtLeast(config, w, at, 1000, "log");
      if (!st.ok()) return st;
      auto spec = ParseLogWatcherSpec(config, w, i);
      if (!spec.ok()) return spec.status();
      continue;
    } else if (type == "scheduled") {
      s = TimedSchedule(config, w, i, at);
    } else {
      continue;
    }
    if (!s.ok()) return s.status();
    if (!w.value("enabled", true)) continue;
    s->name = "watcher:" + w.value("name", "");
    s->job.args = {{"watcher", w.value("name", "")}};
    s->job.max_attempts = 3;
    s->job.priority = kWatcherJobPriority;
    s->first_fire_at_once = s->interval.has_value();  // `every:` watchers start now; cron ones keep their slots
    out->push_back(std::move(*s));
  }
  return Status::Ok();
}

}  // namespace vigil
