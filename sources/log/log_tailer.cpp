#include "sources/log/log_tailer.h"

#include <algorithm>
#include <optional>
#include <set>

#include "sources/log/log_files.h"
#include "sources/log/log_gzip.h"
#include "sources/log/log_gzip_rotation.h"

namespace vigil {
namespace {

struct Followed {
  LogOffset offset;
  LogFileStat file;
  bool in_glob = false;
};

bool IsIn(const std::vector<LogFileStat>& files, const std::string& path) {
  return std::any_of(files.begin(), files.end(), [&](const LogFileStat& f) { return f.path == path; });
}

// Where the file a row follows lies now: its own path, else wherever its inode moved.
std::optional<LogFileStat> Locate(const LogOffset& row, const std::vector<LogFileStat>& candidates) {
  auto here = StatLogFile(row.path);
  if (here && here->inode == row.inode) return here;
  for (const auto& c : candidates) {
    if (c.inode == row.inode) return c;
  }
  return std::nullopt;
}

std::vector<LogFileStat> Candidates(const LogWatcherSpec& spec, const std::vector<LogOffset>& offsets,
                                    const std::vector<LogFileStat>& matches) {
  std::vector<std::string> patterns = spec.rotated;
  for (const auto& o : offsets) patterns.push_back(o.path + ".1");
  std::vector<LogFileStat> out = matches;
  for (auto& f : GlobLogFiles(patterns)) {
    if (!IsGzipPath(f.path)) out.push_back(std::move(f));  // compressed: log_gzip_rotation.h
  }
  return out;
}

// The rows that still name a file, moved to where it lies. Rows whose file is gone, replaced or
// truncated, and rows that follow a .gz, go to `lost`: their unread bytes may lie in a .gz.
std::vector<Followed> Resolve(const LogWatcherSpec& spec, const std::vector<LogOffset>& offsets,
                              const std::vector<LogFileStat>& matches, const TailOptions& options,
                              std::vector<LogOffset>* lost) {
  std::vector<LogFileStat> candidates = Candidates(spec, offsets, matches);
  std::vector<Followed> out;
  std::set<int64_t> inodes;
  for (const auto& row : offsets) {
    auto file = IsGzipPath(row.path) ? std::nullopt : Locate(row, candidates);
    // Truncated in place (copytruncate), or the inode reused by a new file after a compressed
    // rotation deleted the old one: a glob match is read as new from its start, and the bytes past
    // the position may lie in a .gz.
    bool restarted = file && file->size < row.position && IsIn(matches, file->path);
    if (!file || !LogHeadMatches(*file, row.head_hash) || restarted) {
      lost->push_back(row);
      continue;
    }
    if (!inodes.insert(file->inode).second) continue;
    Followed f{row, *file, IsIn(matches, file->path)};
    f.offset.path = file->path;
    if (file->size < row.position) f.offset.position = 0;  // truncated in place (copytruncate)
    out.push_back(std::move(f));
  }
  bool at_end = options.first_run && spec.start_at_end;
  for (const auto& m : matches) {
    if (!inodes.insert(m.inode).second) continue;
    out.push_back({LogOffset{m.path, m.inode, at_end ? m.size : 0, ""}, m, true});
  }
  std::stable_sort(out.begin(), out.end(), [](const Followed& a, const Followed& b) { return !a.in_glob && b.in_glob; });
  return out;
}

// Reads one file from its offset within `*budget`, appending records to `result`.
void ReadFollowed(const LogWatcherSpec& spec, Followed& f, TimePoint now, size_t* budget, TailResult* result) {
  int64_t available = f.file.size - f.offset.position;
  bool idle = now - f.file.mtime >= kRotatedIdle;              // a rotated file's writer is done with it
  bool settled = now - f.file.mtime >= spec.flush_after;      // the pending multi-line record is complete
  size_t want = static_cast<size_t>(std::max<int64_t>(available, 0));
  if (want > *budget) {
    want = *budget;
    result->more = true;
  }
  if (want == 0) return;
  auto bytes = ReadLogRange(f.file.path, f.file.inode, f.offset.position, want);
  if (!bytes.ok()) return;
  *budget -= bytes->size();
  bool whole = static_cast<int64_t>(bytes->size()) == available;
  SplitOptions split{spec.start.get(), settled && whole, !f.in_glob && idle && whole};
  SplitResult s = SplitRecords(*bytes, f.offset.position, split);
  if (s.records.empty() && !whole && bytes->size() >= kMaxRecordBytes) {
    split.take_partial = split.emit_pending = true;  // one record longer than the budget: take it in pieces
    s = SplitRecords(*bytes, f.offset.position, split);
  }
  for (auto& r : s.records) result->records.push_back({f.file.path, f.file.inode, std::move(r)});
  f.offset.position += s.consumed;
}

}  // namespace

TailResult TailLogFiles(const LogWatcherSpec& spec, const std::vector<LogOffset>& offsets, TimePoint now,
                        const TailOptions& options) {
  std::vector<LogFileStat> matches = GlobLogFiles(spec.paths);
  std::erase_if(matches, [](const LogFileStat& f) { return IsGzipPath(f.path); });  // never tailed as text
  std::vector<LogOffset> lost;
  std::vector<Followed> followed = Resolve(spec, offsets, matches, options, &lost);
  TailResult result;
  size_t budget = options.budget;
  ReadCompressedRotations(spec, lost, now, &budget, &result);
  std::set<std::string> paths;
  for (const auto& o : result.offsets) paths.insert(o.path);
  for (auto& f : followed) {
    ReadFollowed(spec, f, now, &budget, &result);
    bool done = f.offset.position >= f.file.size && now - f.file.mtime >= kRotatedIdle;
    if (!f.in_glob && done) continue;  // a rotated file read to its end: stop following it
    if (!paths.insert(f.offset.path).second) continue;  // renamed between two stats: one row per path
    f.offset.head_hash = LogHeadHash(f.file);  // the file may have grown past the bytes hashed before
    result.offsets.push_back(f.offset);
  }
  return result;
}

}  // namespace vigil
