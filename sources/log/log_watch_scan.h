// What a log watcher's change notification watches, and what its fallback check compares: one
// look at the file system (glob(3) and stat), done off the loop thread (it blocks on slow disks
// and network file systems).
//
// - Watched: every file the watcher's globs match (a write to it), the directory each lies in, and
//   the directory each glob's future matches would appear in (a new file, a rename rotation, a file
//   created after a rotation). A glob whose directory does not exist yet watches its nearest
//   existing ancestor, so the directory's creation is seen too. Rotated files in those directories
//   are covered by the directory watch.
// - The fingerprint: path, inode, size and modification time of every file a pass looks at (the
//   globs' matches, their PATH.1, the `rotated` globs). Two equal fingerprints: nothing was
//   written in between that a pass would read (the fallback check enqueues no pass).
//
// Threads: any; no shared state.
#pragma once

#include <string>
#include <vector>

#include "sources/log/log_watcher_spec.h"

namespace vigil {

struct LogWatchScan {
  std::vector<std::string> files;        // the globs' matches, sorted
  std::vector<std::string> directories;  // where they lie and where matches would appear, sorted, each once
  std::string fingerprint;         // FNV-1a of the files' identities, sizes and mtimes
};

LogWatchScan ScanLogWatch(const LogWatcherSpec& spec);

// The directory a glob's matches appear in: the pattern up to the last '/' before its first
// wildcard, or the nearest existing ancestor of that directory.
std::string GlobDirectory(const std::string& pattern);

}  // namespace vigil
