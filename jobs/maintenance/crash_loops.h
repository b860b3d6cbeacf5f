// Crash loops: more than `threshold` reports of one error_type within an hour are sent as one
// report that stands for all of them (their count, first and last times, ids), instead of a
// flood. Reports are ordered by time (the report's own, from its context, else when vigil first
// saw it); a window opens at a report and holds the reports of its type within the hour after.
//
// Threads: pure; any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vigil {

struct QueuedReport {
  std::string id, type, message, traceback, context;
  double at = 0;  // Unix seconds
};

// What is sent: one report, standing for `members` (its own id alone, or a loop's reports).
struct ReportToSend {
  QueuedReport report;
  std::vector<std::string> members;
  bool loop() const { return members.size() > 1; }
};

// The report's time: its context's started_at, detected_at or timestamp (ISO 8601 or Unix
// seconds), else `first_seen` (Unix seconds).
double ReportTime(const std::string& context, double first_seen);

// `reports` as they are to be sent, in time order; loops folded into one report each
// (id "loop-<first member's id>", so a repeat of the same loop is recognisably the same).
std::vector<ReportToSend> FoldCrashLoops(std::vector<QueuedReport> reports, int threshold, double window_s = 3600);

}  // namespace vigil
