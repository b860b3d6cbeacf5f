#include "sources/log/log_gzip_rotation.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>

#include "sources/log/log_files.h"
#include "sources/log/log_gzip.h"

namespace vigil {
namespace {

using End = GzipRange::End;

// The .gz files the watcher's globs match, newest first (looked for once a pass, and only when a
// followed file went missing).
std::vector<LogFileStat> GlobbedGzipFiles(const LogWatcherSpec& spec) {
  std::vector<std::string> patterns = spec.rotated;
  patterns.insert(patterns.end(), spec.paths.begin(), spec.paths.end());
  std::vector<LogFileStat> out;
  for (auto& f : GlobLogFiles(patterns)) {
    if (IsGzipPath(f.path)) out.push_back(std::move(f));
  }
  std::stable_sort(out.begin(), out.end(), [](const LogFileStat& a, const LogFileStat& b) { return a.mtime > b.mtime; });
  return out;
}

// Where `row`'s file may lie compressed, most likely first. A row that already follows a .gz has
// only that one; a row with no head to check (the file was empty) only the names rotation gives.
std::vector<LogFileStat> Candidates(const LogOffset& row, const std::vector<LogFileStat>& globbed) {
  std::vector<LogFileStat> out;
  std::vector<std::string> names = {row.path};
  if (!IsGzipPath(row.path)) names = {row.path + ".gz", row.path + ".1.gz"};
  for (const auto& name : names) {
    if (auto f = StatLogFile(name)) out.push_back(*f);
  }
  if (IsGzipPath(row.path) || std::strtoll(row.head_hash.c_str(), nullptr, 10) <= 0) return out;
  for (const auto& g : globbed) {
    bool listed = std::any_of(out.begin(), out.end(), [&](const LogFileStat& f) { return f.path == g.path; });
    if (!listed) out.push_back(g);
  }
  return out;
}

// Why a recognised .gz is let go before its end, if it is.
void WarnOfEarlyEnd(const LogWatcherSpec& spec, const LogOffset& row, const LogFileStat& gz, const GzipRange& r) {
  int64_t at = row.position + static_cast<int64_t>(r.bytes.size());
  if (r.end == End::kCorrupt) {
    spdlog::warn("log watcher {}: {} is damaged after decompressed byte {} ({}); read up to there and let go", spec.name,
                 gz.path, at, r.error);
  } else if (r.end == End::kTooFar) {
    spdlog::warn("log watcher {}: {} was rotated at more than {} bytes; lines after byte {} are not read", spec.name, gz.path,
                 kGzipInflateCap, row.position);
  } else if (r.end == End::kTruncated) {
    spdlog::warn("log watcher {}: {} stops short of its end and has not changed for {} s; read up to byte {} and let go",
                 spec.name, gz.path, kIncompleteGzipIdle.count(), at);
  }
}

// Turns what was read from the recognised `gz` into records, and keeps following it if not done.
void Deliver(const LogWatcherSpec& spec, const LogOffset& row, const LogFileStat& gz, const GzipRange& r, TimePoint now,
             size_t* budget, TailResult* result) {
  bool stalled = r.end == End::kTruncated && now - gz.mtime >= kIncompleteGzipIdle;
  bool finished = r.end == End::kComplete || r.end == End::kCorrupt || r.end == End::kTooFar || stalled;
  if (finished && r.end != End::kComplete) WarnOfEarlyEnd(spec, row, gz, r);
  if (!IsGzipPath(row.path))
    spdlog::info("log watcher {}: {} was rotated and compressed; reading {} from byte {}", spec.name, row.path, gz.path,
                 row.position);
  // A stream that ends early cut its last line: that fragment is not a line of the file.
  SplitOptions split{spec.start.get(), finished, r.end == End::kComplete};
  SplitResult s = SplitRecords(r.bytes, row.position, split);
  if (s.records.empty() && r.end == End::kMore && r.bytes.size() >= kMaxRecordBytes) {
    split.take_partial = split.emit_pending = true;  // one record longer than the budget: take it in pieces
    s = SplitRecords(r.bytes, row.position, split);
  }
  *budget -= std::min(*budget, r.bytes.size());
  for (auto& rec : s.records) result->records.push_back({gz.path, row.inode, std::move(rec)});
  if (r.end == End::kMore) result->more = true;
  if (!finished) result->offsets.push_back({gz.path, row.inode, row.position + s.consumed, row.head_hash});
}

// Looks for `row`'s file among `candidates` and reads it; `claimed` keeps two rows off one .gz.
void ReadOne(const LogWatcherSpec& spec, const LogOffset& row, const std::vector<LogFileStat>& candidates, TimePoint now,
             size_t* budget, std::set<std::string>* claimed, TailResult* result) {
  std::optional<LogFileStat> pending;
  for (const auto& c : candidates) {
    if (claimed->count(c.path)) continue;
    GzipRange r = ReadGzipRange(c.path, row.head_hash, row.position, *budget, kGzipInflateCap);
    if (r.end == End::kMismatch || r.end == End::kUnreadable) continue;
    if (r.end == End::kCorrupt && !r.found) {
      spdlog::warn("log watcher {}: {} is not a readable gzip file ({}); skipped", spec.name, c.path, r.error);
      continue;
    }
    if (r.end == End::kUnverified) {
      bool idle = now - c.mtime >= kIncompleteGzipIdle;
      if (!idle && !pending) pending = c;  // gzip may still be writing it: look again next pass
      if (idle && IsGzipPath(row.path))
        spdlog::warn("log watcher {}: {} stops short of byte {} and has not changed for {} s; let go", spec.name, c.path,
                     row.position, kIncompleteGzipIdle.count());
      continue;
    }
    claimed->insert(c.path);
    Deliver(spec, row, c, r, now, budget, result);
    return;
  }
  if (!pending) return;
  claimed->insert(pending->path);
  result->offsets.push_back({pending->path, row.inode, row.position, row.head_hash});
}

}  // namespace

void ReadCompressedRotations(const LogWatcherSpec& spec, const std::vector<LogOffset>& lost, TimePoint now,
                             size_t* budget, TailResult* result) {
  if (lost.empty()) return;
  std::vector<LogFileStat> globbed;
  bool searching = std::any_of(lost.begin(), lost.end(), [](const LogOffset& o) { return !IsGzipPath(o.path); });
  if (searching) globbed = GlobbedGzipFiles(spec);
  std::set<std::string> claimed;
  std::vector<const LogOffset*> order;  // rows already on a .gz first: they hold their claim
  for (const auto& row : lost) {
    if (IsGzipPath(row.path)) order.push_back(&row);
  }
  for (const auto& row : lost) {
    if (!IsGzipPath(row.path)) order.push_back(&row);
  }
  for (const LogOffset* row : order) ReadOne(spec, *row, Candidates(*row, globbed), now, budget, &claimed, result);
}

}  // namespace vigil
