// How often SQLite files' WALs were synced to disk, and a look inside each sync: a SQLite VFS
// that passes everything on to the default one ("unix") and counts, per WAL file, the syncs of
// it. CountWalSyncs() makes it the process's default VFS (connections opened afterwards use it);
// its counts start at zero for a file no one synced yet.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace vigil::testing {

// Installs the counting VFS as the default (once; later calls do nothing).
void CountWalSyncs();
// The syncs of the WAL of database `db` so far (a file's path or a "sqlite:" URL; the WAL is the
// file's path + "-wal"), by any thread or by the calling thread only.
int64_t WalSyncs(const std::string& db);
int64_t WalSyncsOnThisThread(const std::string& db);
// Called inside each WAL sync, before it reaches the disk, with the WAL's path; nullptr: none.
void OnWalSync(std::function<void(const std::string& wal)> hook);

}  // namespace vigil::testing
