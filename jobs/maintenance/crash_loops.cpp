#include "jobs/maintenance/crash_loops.h"

#include <algorithm>
#include <map>

#include "common/iso8601.h"
#include "common/json_depth.h"
#include "jobs/maintenance/maintenance_job.h"

namespace vigil {
namespace {

constexpr size_t kListedIds = 50;  // ids a loop report names; the count says how many in all

std::string IsoOf(double unix_seconds) {
  return FormatIso8601(std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(unix_seconds))));
}

ReportToSend LoopReport(const std::vector<QueuedReport>& members) {
  const QueuedReport& first = members.front();
  const QueuedReport& last = members.back();
  nlohmann::json ids = nlohmann::json::array();
  std::vector<std::string> all;
  for (const auto& m : members) {
    if (ids.size() < kListedIds) ids.push_back(m.id);
    all.push_back(m.id);
  }
  auto last_context = ParseJsonOrDiscarded(last.context);
  nlohmann::json context = {{"crash_loop",
                             {{"count", members.size()},
                              {"first_at", IsoOf(first.at)},
                              {"last_at", IsoOf(last.at)},
                              {"report_ids", ids}}},
                            {"last_context", last_context.is_discarded() ? nlohmann::json(last.context) : last_context}};
  QueuedReport r{"loop-" + first.id,
                 first.type,
                 std::to_string(members.size()) + " " + first.type + " reports between " + IsoOf(first.at) + " and " +
                     IsoOf(last.at) + " (a crash loop, sent as one report); the last: " + last.message,
                 last.traceback,
                 context.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                 first.at};
  return {std::move(r), std::move(all)};
}

}  // namespace

double ReportTime(const std::string& context, double first_seen) {
  auto j = ParseJsonOrDiscarded(context);
  if (!j.is_object()) return first_seen;
  for (const char* key : {"started_at", "detected_at", "timestamp"}) {
    if (!j.contains(key)) continue;
    const auto& v = j[key];
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
      auto t = ParseIso8601(v.get<std::string>());
      if (t.ok()) return UnixSeconds(*t);
    }
  }
  return first_seen;
}

std::vector<ReportToSend> FoldCrashLoops(std::vector<QueuedReport> reports, int threshold, double window_s) {
  std::stable_sort(reports.begin(), reports.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  std::map<std::string, std::vector<std::vector<QueuedReport>>> windows;  // by type
  for (auto& r : reports) {
    auto& of_type = windows[r.type];
    if (of_type.empty() || r.at - of_type.back().front().at > window_s) of_type.emplace_back();
    of_type.back().push_back(std::move(r));
  }
  std::vector<ReportToSend> out;
  for (auto& [type, list] : windows) {
    for (auto& window : list) {
      if (static_cast<int>(window.size()) > threshold) {
        out.push_back(LoopReport(window));
        continue;
      }
      for (auto& r : window) out.push_back({r, {r.id}});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.report.at < b.report.at; });
  return out;
}

}  // namespace vigil
