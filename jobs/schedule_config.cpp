#include "jobs/schedule_config.h"

#include "common/json_fields.h"
#include "common/local_time.h"
#include "config/key_hint.h"
#include "config/units.h"
#include "jobs/maintenance/maintenance_kinds.h"
#include "jobs/triage/triage_config.h"
#include "jobs/watcher_schedules.h"

#include <set>

namespace vigil {
namespace {

// Bounds of a declared schedule's job: priorities are small offsets around 0 (kWatcherJobPriority
// is -10), and past a thousand attempts a job is not retrying, it is failing.
constexpr int64_t kMinPriority = -1000;
constexpr int64_t kMaxPriority = 1000;
constexpr int64_t kMaxAttempts = 1000;

Result<std::chrono::seconds> DurationField(const nlohmann::json& j, const char* key) {
  auto d = DurationValue(j.at(key));
  if (!d.ok()) return d.status();
  return std::chrono::duration_cast<std::chrono::seconds>(*d);
}

}  // namespace

Result<ScheduleSpec> ParseScheduleSpec(const Config& config, const nlohmann::json& j, const std::string& at) {
  auto fail = [&](const std::string& key, const std::string& msg) {
    std::string path = key.empty() ? at : at + "." + key;
    return config.ErrorAt(path, msg);
  };
  static const std::set<std::string> kKeys = {"name", "kind", "args", "queue", "schedule", "every", "jitter", "tz",
                                              "catch_up", "priority", "max_attempts"};
  if (!j.is_object()) return fail("", "expected a map");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!kKeys.count(it.key()))
      return fail(it.key(), UnknownKeyMessage(it.key(), {"name", "kind", "args", "queue", "schedule", "every", "jitter", "tz",
                                                        "catch_up", "priority", "max_attempts"}));
  }
  ScheduleSpec s;
  auto name = StringField(j, "name", ""), kind = StringField(j, "kind", ""), queue = StringField(j, "queue", "default");
  auto tz = StringField(j, "tz", "UTC"), catch_up = StringField(j, "catch_up", "one");
  for (const auto& [key, value] : {std::pair{"name", &name}, {"kind", &kind}, {"queue", &queue}, {"tz", &tz}, {"catch_up", &catch_up}}) {
    if (!*value) return fail(key, "expected a string");
  }
  s.name = *name;
  s.job.kind = *kind;
  if (s.name.empty()) return fail("name", "is required");
  if (s.job.kind.empty()) return fail("kind", "is required");
  s.job.args = j.value("args", nlohmann::json::object());
  s.job.queue = *queue;
  auto priority = IntField(j, "priority", 0, kMinPriority, kMaxPriority);
  if (!priority) return fail("priority", "expected an integer from " + std::to_string(kMinPriority) + " to " + std::to_string(kMaxPriority));
  s.job.priority = static_cast<int>(*priority);
  auto attempts = IntField(j, "max_attempts", 5, 1, kMaxAttempts);
  if (!attempts) return fail("max_attempts", "expected an integer from 1 to " + std::to_string(kMaxAttempts));
  s.job.max_attempts = static_cast<int>(*attempts);
  auto zone = FindTimeZone(*tz);
  if (!zone.ok()) return fail("tz", zone.error());
  s.zone = *zone;
  if (*catch_up != "one" && *catch_up != "skip") return fail("catch_up", "\"" + *catch_up + "\" is not one of one, skip");
  s.catch_up = *catch_up == "one" ? CatchUp::kOne : CatchUp::kSkip;
  if (j.contains("schedule") == j.contains("every")) return fail("", "give exactly one of schedule (cron) or every (interval)");
  if (j.contains("schedule")) {
    auto cron = CronExpr::Parse(j["schedule"].is_string() ? j["schedule"].get<std::string>() : "");
    if (!cron.ok()) return fail("schedule", cron.error());
    s.cron = *cron;
    return s;
  }
  IntervalSchedule interval{};
  auto every = DurationField(j, "every");
  if (!every.ok()) return fail("every", every.error());
  interval.every = *every;
  if (j.contains("jitter")) {
    auto jitter = DurationField(j, "jitter");
    if (!jitter.ok()) return fail("jitter", jitter.error());
    interval.jitter = *jitter;
  }
  Status v = interval.Validate();
  if (!v.ok()) return fail("every", v.message());
  s.interval = interval;
  return s;
}

namespace {

void AddWatcherSchedules(const Config& config, std::vector<ScheduleSpec>* out) {
  for (const auto& w : config.tree().value("watchers", nlohmann::json::array())) {
    if (w.value("type", "") != "literature" || !w.value("enabled", true)) continue;
    ScheduleSpec s;
    s.name = "watcher:" + w.value("name", "");
    s.job.kind = "literature_poll";
    s.job.args = {{"watcher", w.value("name", "")}};
    s.job.max_attempts = 3;
    s.job.priority = kWatcherJobPriority;
    auto every = std::chrono::milliseconds(w.contains("every") ? w["every"].get<int64_t>() : DefaultFor("watchers[].every").get<int64_t>());
    auto jitter = std::chrono::milliseconds(w.value("jitter", int64_t(0)));
    s.interval = IntervalSchedule{std::chrono::duration_cast<std::chrono::seconds>(every),
                                  std::chrono::duration_cast<std::chrono::seconds>(jitter)};
    s.first_fire_at_once = true;  // a new watcher polls now, not at its next slot (up to `every` away)
    out->push_back(std::move(s));
  }
}

// One "digest:<community>" schedule per community with `rules.digest`, in its time zone; the
// settings' parser validated the cron expression and the zone.
void AddDigestSchedules(const TriageSettings& settings, std::vector<ScheduleSpec>* out) {
  for (const auto& c : settings.communities) {
    if (!c.digest) continue;
    ScheduleSpec s;
    s.name = "digest:" + c.name;
    s.job.kind = "digest";
    s.job.args = {{"community", c.name}};
    s.job.max_attempts = 8;
    s.cron = *CronExpr::Parse(c.digest->schedule);
    s.zone = *FindTimeZone(c.digest->tz);
    s.catch_up = CatchUp::kOne;  // after downtime, one digest with everything that waited
    out->push_back(std::move(s));
  }
}

// "job:watcher_health" every jobs.watcher_health.every, only when notify.ops_channels names a channel:
// without one there is nobody to alert, and the API classifies health itself.
void AddWatcherHealthSchedule(const Config& config, const TriageSettings& settings, std::vector<ScheduleSpec>* out) {
  if (settings.ops_channels.empty()) return;
  ScheduleSpec s;
  s.name = "job:watcher_health";
  s.job.kind = "watcher_health";
  s.job.max_attempts = 3;
  auto every = std::chrono::duration_cast<std::chrono::seconds>(config.GetDuration("jobs.watcher_health.every"));
  s.interval = IntervalSchedule{std::max(every, std::chrono::seconds(1)), std::chrono::seconds(0)};
  s.catch_up = CatchUp::kSkip;  // a look now says all a missed one would have
  out->push_back(std::move(s));
}

// The retention job of triage data and the communities' digests; parsing the triage settings
// here also validates `communities:`, `triage:` and `notify:` at start, on reload and in `vigil check`.
Status AddTriageSchedules(const Config& config, std::vector<ScheduleSpec>* out) {
  auto settings = ParseTriageSettings(config);
  if (!settings.ok()) return settings.status();
  AddDigestSchedules(*settings, out);
  AddWatcherHealthSchedule(config, *settings, out);
  ScheduleSpec s;
  s.name = "job:triage_retention";
  s.job.kind = "triage_retention";
  s.job.max_attempts = 3;
  s.cron = *CronExpr::Parse(settings->retention.schedule);
  s.catch_up = CatchUp::kOne;
  out->push_back(std::move(s));
  return Status::Ok();
}

// One schedule per configured maintenance job ("job:<kind>"); its block is validated here so a
// bad block stops a start or a reload with file:line. A block with `enabled: false`, or without
// `schedule:`/`every:` for a kind that has no default, schedules nothing.
Status AddMaintenanceSchedules(const Config& config, std::vector<ScheduleSpec>* out) {
  for (const auto& kind : MaintenanceKinds()) {
    std::string at = "jobs." + kind.kind;
    auto block = config.Get(at);
    if (block.is_null()) continue;
    Status valid = kind.validate(config);
    if (!valid.ok()) return valid;
    if (!block.value("enabled", true)) continue;
    nlohmann::json j = {{"name", kind.kind}, {"kind", kind.kind}, {"max_attempts", 20}};
    for (const auto& key : kScheduleKeys) {
      if (block.contains(key)) j[key] = block[key];
    }
    if (!j.contains("schedule") && !j.contains("every")) {
      if (!kind.default_schedule.empty()) j["schedule"] = kind.default_schedule;
      else if (kind.default_every.count() > 0) j["every"] = FormatDuration(kind.default_every);
      else continue;  // by hand only
    }
    auto s = ParseScheduleSpec(config, j, at);
    if (!s.ok()) return s.status();
    s->name = "job:" + kind.kind;
    out->push_back(std::move(*s));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<ScheduleSpec>> SchedulesFrom(const Config& config) {
  std::vector<ScheduleSpec> out;
  // A schedule per watcher at most, a few for the jobs, and the listed ones: reserved, as ten
  // thousand watchers' specs would otherwise be copied through the vector's doublings (the peak
  // of a start: 13 MB).
  auto watcher_list = config.tree().find("watchers");
  auto list = config.Get("jobs.schedules");
  out.reserve((watcher_list != config.tree().end() && watcher_list->is_array() ? watcher_list->size() : 0) + 16 +
              (list.is_array() ? list.size() : 0));
  AddWatcherSchedules(config, &out);
  Status triage = AddTriageSchedules(config, &out);
  if (!triage.ok()) return triage;
  Status maintenance = AddMaintenanceSchedules(config, &out);
  if (!maintenance.ok()) return maintenance;
  Status watchers = AddLogAndScheduledWatcherSchedules(config, &out);
  if (!watchers.ok()) return watchers;
  if (list.is_null()) return out;
  if (!list.is_array()) return config.ErrorAt("jobs.schedules", "expected a list");
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string at = "jobs.schedules[" + std::to_string(i) + "]";
    auto s = ParseScheduleSpec(config, list[i], at);
    if (!s.ok()) return s.status();
    if (!names.insert(s->name).second) return config.ErrorAt(at + ".name", "duplicate schedule name");
    s->name = "schedule:" + s->name;
    out.push_back(std::move(*s));
  }
  return out;
}

}  // namespace vigil
