// `vigil cron next EXPR|--watcher NAME [-n|--count N] [--tz ZONE] [--from TIME] [--json]`: the next
// fire times of a cron expression or of a watcher's own schedule (its `schedule:` cron or its
// `every:` interval), like `systemd-analyze calendar`: the expression as given and normalised
// (CronExpr::Normalized), the zone, and each time in that zone, in UTC and how far from the start
// (--from, default now).
#include <iostream>
#include <set>
#include <sstream>

#include "common/iso8601.h"
#include "common/local_time.h"
#include "config/config.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "jobs/engine/cron.h"
#include "jobs/schedule_config.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

struct CronNextArgs {
  std::string expr;
  std::string watcher;
  std::string tz;
  std::string from;
  int n = 5;
  bool json = false;
};

// A schedule as the verb shows it. `spec` fires; `zone` is where its times are shown.
struct ScheduleView {
  std::string expression;
  std::string normalized;
  std::string zone_name = "UTC";
  const date::time_zone* zone = nullptr;
  ScheduleSpec spec;
};

Result<ScheduleView> ViewOfExpression(const std::string& expr, const std::string& tz) {
  auto cron = CronExpr::Parse(expr);
  if (!cron.ok()) return Status::Error("\"" + expr + "\": " + cron.error());
  auto zone = FindTimeZone(tz);
  if (!zone.ok()) return Status::Error("--tz: " + zone.error());
  ScheduleView v{expr, cron->Normalized(), tz.empty() ? "UTC" : tz, tz.empty() ? nullptr : *zone, {}};
  v.spec.cron = *cron;
  v.spec.zone = *zone;
  return v;
}

std::string IntervalText(const IntervalSchedule& interval) {
  std::string out = "every " + cli::HumanDuration(interval.every);
  if (interval.jitter.count() > 0) out += " + jitter up to " + cli::HumanDuration(interval.jitter);
  return out + ", slots from the Unix epoch";
}

// The names of the watchers that have a schedule, for the error that lists them.
std::string ScheduledWatcherNames(const std::vector<ScheduleSpec>& schedules) {
  std::set<std::string> names;
  for (const auto& s : schedules) {
    if (s.name.rfind("watcher:", 0) == 0) names.insert(s.name.substr(8));
  }
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

// A watcher's schedule, as the daemon derives it from the config at `config_path`. Its cron keeps
// its own zone (`tz:`); --tz only changes where the times are shown.
Result<ScheduleView> ViewOfWatcher(const std::string& config_path, const std::string& name, const std::string& tz) {
  auto config = LoadConfig(config_path);
  if (!config.ok()) return config.status();
  auto schedules = SchedulesFrom(**config);
  if (!schedules.ok()) return schedules.status();
  for (const auto& s : *schedules) {
    if (s.name != "watcher:" + name) continue;
    ScheduleView v;
    v.spec = s;
    v.zone = s.zone;
    if (s.zone != nullptr) v.zone_name = std::string(s.zone->name());
    if (s.cron) {
      v.expression = s.cron->text();
      v.normalized = s.cron->Normalized();
    } else if (s.interval) {
      v.expression = "every: " + cli::HumanDuration(s.interval->every);
      v.normalized = IntervalText(*s.interval);
    }
    if (!tz.empty()) {
      auto zone = FindTimeZone(tz);
      if (!zone.ok()) return Status::Error("--tz: " + zone.error());
      v.zone = *zone;
      v.zone_name = tz;
    }
    return v;
  }
  return Status::Error("--watcher: no enabled watcher named \"" + name + "\"; watchers with a schedule: " +
                       ScheduledWatcherNames(*schedules));
}

std::vector<TimePoint> NextTimes(const ScheduleSpec& spec, TimePoint from, int n) {
  std::vector<TimePoint> out;
  for (TimePoint after = from; static_cast<int>(out.size()) < n;) {
    auto next = Scheduler::NextFire(spec, after);
    if (!next) break;
    out.push_back(*next);
    after = *next;
  }
  return out;
}

// "Mon 2026-03-30T09:00:00+02:00".
std::string LocalText(TimePoint t, const date::time_zone* zone) {
  std::ostringstream day;
  day << date::weekday(date::floor<date::days>(ToLocalTime(t, zone)));
  return day.str() + " " + FormatIso8601(t, zone);
}

int64_t SecondsBetween(TimePoint from, TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t - from).count();
}

void PrintJson(const ScheduleView& v, const std::vector<TimePoint>& times, TimePoint from, const std::string& watcher) {
  nlohmann::json next = nlohmann::json::array();
  for (TimePoint t : times) {
    next.push_back({{"local", FormatIso8601(t, v.zone)}, {"utc", cli::JsonTime(t)}, {"in_seconds", SecondsBetween(from, t)}});
  }
  nlohmann::json out = {{"expression", v.expression}, {"normalized", v.normalized}, {"timezone", v.zone_name},
                        {"from", cli::JsonTime(from)}, {"next", next}};
  if (!watcher.empty()) out["watcher"] = watcher;
  std::cout << out.dump(2) << "\n";
}

void PrintHuman(const ScheduleView& v, const std::vector<TimePoint>& times, TimePoint from, bool from_now) {
  std::cout << "  Original form: " << v.expression << "\n"
            << "Normalized form: " << v.normalized << "\n"
            << "      Time zone: " << v.zone_name << "\n"
            << "           From: " << (from_now ? "now, " : "") << FormatIso8601(from, v.zone) << "\n\n";
  cli::Table table({"#", "LOCAL", "UTC"});
  for (size_t i = 0; i < times.size(); ++i) table.Add({std::to_string(i + 1), LocalText(times[i], v.zone), cli::HumanTime(times[i], from)});
  table.Print(std::cout);
}

Result<TimePoint> StartOf(const CronNextArgs& a, const date::time_zone* zone) {
  if (a.from.empty()) return std::chrono::system_clock::now();
  auto parsed = ParseIso8601(a.from, zone);
  if (!parsed.ok()) return Status::Error("--from: " + parsed.error());
  return *parsed;
}

int RunCronNext(const CronNextArgs& a, const std::string& config_path) {
  if (a.expr.empty() == a.watcher.empty()) return cli::Fail("cron next: give a cron expression or --watcher NAME (one of them)", 2);
  auto view = a.watcher.empty() ? ViewOfExpression(a.expr, a.tz) : ViewOfWatcher(config_path, a.watcher, a.tz);
  if (!view.ok()) return cli::Fail(view.error(), 2);
  auto from = StartOf(a, view->zone);
  if (!from.ok()) return cli::Fail(from.error(), 2);
  auto times = NextTimes(view->spec, *from, a.n);
  if (times.empty()) {
    return cli::Fail("\"" + view->expression + "\" never fires within " + std::to_string(CronExpr::kSearchYears) +
                     " years after " + cli::JsonTime(*from), 1);
  }
  if (a.json) PrintJson(*view, times, *from, a.watcher);
  else PrintHuman(*view, times, *from, a.from.empty());
  return 0;
}

}  // namespace

void RegisterCronVerbs(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* cron = app.add_subcommand("cron", "schedule tools");
  cron->require_subcommand(1);
  auto* next = cron->add_subcommand("next", "the next fire times of a cron expression or of a watcher's schedule");
  auto args = std::make_shared<CronNextArgs>();
  next->add_option("expr", args->expr, "cron expression: 5 fields, or 6 with leading seconds, or @daily ...");
  next->add_option("--watcher,-w", args->watcher, "a watcher's own schedule (`schedule:` or `every:`), from the config");
  AddConfigOption(next, config_path, "config file for --watcher");
  next->add_option("--tz", args->tz, "IANA time zone of EXPR (default UTC); with --watcher, the zone the times are shown in");
  next->add_option("--from", args->from, "start (exclusive), ISO 8601; without an offset it is read in the zone (default: now)");
  next->add_option("-n,--count", args->n, "how many fire times (default 5)")->check(CLI::Range(1, 10000));
  next->add_flag("--json", args->json, "machine-readable output");
  out.emplace_back(next, [args, &config_path] { return RunCronNext(*args, config_path); });
}

}  // namespace vigil
