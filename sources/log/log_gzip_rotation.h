// Compressed rotation (logrotate's `compress` without `delaycompress`): app.log is renamed to
// app.log.1, then gzip writes app.log.1.gz, a new inode, and deletes app.log.1. A followed file
// that can no longer be found as a plain file is looked for among the .gz files where rotated
// files lie (PATH.gz, PATH.1.gz, then the `rotated` and `paths` globs' .gz matches, newest first),
// recognised by the hash of its decompressed head (and by holding at least the stored position),
// and read through zlib from the stored position to its end, so the lines written between the
// last pass and the rotation are not lost. Then it is let go: a .gz is never followed as a live file.
//
// - While gzip is still writing the .gz (its stream stops short), what decompresses is read and
//   the .gz is followed, under its own path with the decompressed position, until it is complete
//   or has been idle for kIncompleteGzipIdle (then: a warning, and it is let go).
// - A .gz that cannot be decoded (corrupt) is let go with a warning, after the lines decoded
//   before the damage was noticed (deflate notices some damage late, by the CRC at the end: the
//   last of those lines may be garbled). One whose decompressed head differs is ignored.
// - Bounded: at most the pass's byte budget past the position is kept (the rest waits for the next
//   pass, the .gz followed as above), and at most kGzipInflateCap bytes are inflated to reach the
//   position; skipped bytes are streamed, never held.
// - Records carry the original file's inode and decompressed offsets: the same identity (and event
//   source id) a line would have had if read before the compression.
//
// Threads: any; no shared state.
#pragma once

#include <chrono>
#include <vector>

#include "common/clock.h"
#include "sources/log/log_tailer.h"

namespace vigil {

// Reads the rotated, compressed files of `lost` (rows whose file is not where plain files are
// looked for, and rows already following a .gz): appends their records to `result`, and to
// `result->offsets` the rows still to follow (a .gz not yet complete or read past the budget).
void ReadCompressedRotations(const LogWatcherSpec& spec, const std::vector<LogOffset>& lost, TimePoint now,
                             size_t* budget, TailResult* result);

inline constexpr std::chrono::seconds kIncompleteGzipIdle{60};

}  // namespace vigil
