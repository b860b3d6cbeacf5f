// `vigil cron next EXPR [--tz ZONE] [--from ISO8601] [-n N]`: the next fire times of a cron
// expression, one per line, in ISO 8601 with the zone's offset (like systemd-analyze calendar).
#include <iostream>

#include "common/iso8601.h"
#include "common/local_time.h"
#include "daemon/cli/cli_verbs.h"
#include "jobs/engine/cron.h"

namespace vigil {

struct CronNextArgs {
  std::string expr;
  std::string tz = "UTC";
  std::string from;
  int n = 5;
};

int RunCronNext(const CronNextArgs& a) {
  auto zone = FindTimeZone(a.tz);
  if (!zone.ok()) {
    std::cerr << "vigil: --tz: " << zone.error() << "\n";
    return 2;
  }
  TimePoint from = std::chrono::system_clock::now();
  if (!a.from.empty()) {
    auto parsed = ParseIso8601(a.from, *zone);
    if (!parsed.ok()) {
      std::cerr << "vigil: --from: " << parsed.error() << "\n";
      return 2;
    }
    from = *parsed;
  }
  auto fires = NextFires(a.expr, a.tz, from, a.n);
  if (!fires.ok()) {
    std::cerr << "vigil: \"" << a.expr << "\": " << fires.error() << "\n";
    return 2;
  }
  for (const auto& t : *fires) std::cout << FormatIso8601(t, *zone) << "\n";
  return 0;
}

void RegisterCronVerbs(CLI::App& app, std::vector<std::pair<CLI::App*, std::function<int()>>>& out) {
  auto* cron = app.add_subcommand("cron", "schedule tools");
  cron->require_subcommand(1);
  auto* next = cron->add_subcommand("next", "print the next fire times of a cron expression");
  auto args = std::make_shared<CronNextArgs>();
  next->add_option("expr", args->expr, "cron expression: 5 fields, or 6 with leading seconds, or @daily ...")->required();
  next->add_option("--tz", args->tz, "IANA time zone (default UTC)");
  next->add_option("--from", args->from, "start (exclusive), ISO 8601; without an offset it is read in --tz (default: now)");
  next->add_option("-n", args->n, "how many fire times (default 5)")->check(CLI::Range(1, 10000));
  out.emplace_back(next, [args] { return RunCronNext(*args); });
}

}  // namespace vigil
