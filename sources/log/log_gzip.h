// Reading a gzip-compressed log (a rotated `app.log.1.gz`) as the decompressed bytes it holds:
// recognised by the hash of its decompressed head, read from a decompressed offset, streamed
// through zlib's inflate so that neither the bytes skipped nor a gzip bomb are held in memory:
// at most `max_bytes` past the offset are kept, and inflating stops at `inflate_cap` bytes.
// Plain POSIX and zlib calls; errors are values. Threads: any; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {

struct GzipRange {
  enum class End {
    kMismatch,    // not the file: its head differs, or its whole stream is shorter than the head or the offset
    kUnverified,  // the stream stops (truncated: still being written?) before the head or the offset
    kComplete,    // `bytes` runs to the end of the stream
    kMore,        // `bytes` holds max_bytes and more follows
    kTruncated,   // `bytes` runs to where the stream stops for now (being written, or cut short)
    kCorrupt,     // `bytes` runs to where the data stopped decoding; `error` says why
    kTooFar,      // the offset lies past inflate_cap decompressed bytes
    kUnreadable,  // cannot be opened or read; `error` says why
  };
  End end = End::kUnreadable;
  bool found = false;  // the head matched and the stream reached the offset: this is the file
  std::string bytes;  // decompressed bytes from the offset
  std::string error;
};

// Whether `path` names a gzip file by its name (".gz").
bool IsGzipPath(std::string_view path);

// The decompressed bytes of the gzip file at `path` from decompressed `offset`, at most
// `max_bytes` of them, provided its decompressed head hashes to `head_hash` ("N:HEX" as
// LogHeadHash makes it; "" or N = 0 checks nothing). Concatenated gzip members read as one
// stream, as gunzip reads them.
GzipRange ReadGzipRange(const std::string& path, const std::string& head_hash, int64_t offset, size_t max_bytes,
                        int64_t inflate_cap);

// Decompressed bytes a pass inflates at most to reach an offset in a rotated .gz (about a
// second of inflate): a file rotated at a larger size is let go with a warning.
inline constexpr int64_t kGzipInflateCap = int64_t{1} << 30;

}  // namespace vigil
