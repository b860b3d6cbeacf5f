#include "sources/log/log_gzip.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "sources/log/log_files.h"

namespace vigil {
namespace {

constexpr size_t kChunk = 64 * 1024;

// The decompressed bytes of a gzip file, a chunk at a time, in constant memory.
class GzipStream {
 public:
  enum class Step { kData, kEnd, kTruncated, kCorrupt, kUnreadable };

  explicit GzipStream(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), in_(kChunk), out_(kChunk) {
    if (fd_ < 0) {
      error_ = std::strerror(errno);
      return;
    }
    init_ = inflateInit2(&zs_, 16 + MAX_WBITS) == Z_OK;  // 16: a gzip wrapper, not zlib's
    if (!init_) error_ = "zlib could not start";
  }
  ~GzipStream() {
    if (init_) inflateEnd(&zs_);
    if (fd_ >= 0) ::close(fd_);
  }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  bool ok() const { return fd_ >= 0 && init_; }
  const std::string& error() const { return error_; }

  // The next decompressed chunk in `*out` (valid until the next call), or why there is none.
  Step Next(std::string_view* out) {
    for (;;) {
      if (zs_.avail_in == 0 && !eof_ && !Fill()) return Step::kUnreadable;
      if (member_done_) {
        if (zs_.avail_in == 0) {
          if (eof_) return Step::kEnd;
          continue;
        }
        inflateReset(&zs_);  // another member follows (concatenated gzip files are one stream)
        member_done_ = false;
      }
      zs_.next_out = out_.data();
      zs_.avail_out = kChunk;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      size_t produced = kChunk - zs_.avail_out;
      if (rc == Z_STREAM_END) {
        member_done_ = true;
      } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && zs_.avail_in == 0)) {
        error_ = zs_.msg ? zs_.msg : "inflate failed (" + std::to_string(rc) + ")";
        return Step::kCorrupt;
      }
      if (produced > 0) {
        *out = std::string_view(reinterpret_cast<const char*>(out_.data()), produced);
        return Step::kData;
      }
      if (!member_done_ && zs_.avail_in == 0 && eof_) return Step::kTruncated;
    }
  }

 private:
  bool Fill() {
    ssize_t n;
    do {
      n = ::read(fd_, in_.data(), kChunk);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      error_ = std::strerror(errno);
      return false;
    }
    eof_ = n == 0;
    zs_.next_in = in_.data();
    zs_.avail_in = static_cast<uInt>(n);
    return true;
  }

  int fd_;
  z_stream zs_{};
  bool init_ = false;
  bool eof_ = false;
  bool member_done_ = false;
  std::vector<unsigned char> in_, out_;
  std::string error_;
};

// What the stored head hash asks of the decompressed head: its first `n` bytes hash to `hex`.
struct HeadCheck {
  size_t n = 0;
  std::string hex;
};

HeadCheck ParseHeadHash(const std::string& head_hash) {
  size_t colon = head_hash.find(':');
  long long n = std::strtoll(head_hash.c_str(), nullptr, 10);
  if (colon == std::string::npos || n <= 0) return {};
  return {static_cast<size_t>(n), head_hash.substr(colon + 1)};
}

// Feeds decompressed chunks in order: checks the head, skips to the offset, keeps max_bytes.
class RangeCollector {
 public:
  RangeCollector(const std::string& head_hash, int64_t offset, size_t max_bytes)
      : head_(ParseHeadHash(head_hash)), offset_(offset), max_bytes_(max_bytes), verified_(head_.n == 0) {}

  // False once the head is known not to match.
  bool Add(std::string_view chunk, std::string* bytes) {
    if (!verified_) {
      head_bytes_.append(chunk.substr(0, head_.n - head_bytes_.size()));
      if (head_bytes_.size() == head_.n) {
        if (Fnv1aHex(head_bytes_) != head_.hex) return false;
        verified_ = true;
      }
    }
    int64_t start = seen_;
    seen_ += static_cast<int64_t>(chunk.size());
    if (seen_ <= offset_) return true;
    size_t from = static_cast<size_t>(std::max<int64_t>(offset_ - start, 0));
    size_t take = std::min(chunk.size() - from, max_bytes_ - bytes->size());
    bytes->append(chunk.substr(from, take));
    if (from + take < chunk.size()) full_ = true;  // a byte past max_bytes exists
    return true;
  }
  bool verified() const { return verified_; }
  bool reached() const { return seen_ >= offset_; }
  bool full() const { return full_; }
  int64_t seen() const { return seen_; }

 private:
  HeadCheck head_;
  int64_t offset_;
  size_t max_bytes_;
  bool verified_;
  bool full_ = false;
  int64_t seen_ = 0;
  std::string head_bytes_;
};

}  // namespace

bool IsGzipPath(std::string_view path) { return path.size() > 3 && path.substr(path.size() - 3) == ".gz"; }

GzipRange ReadGzipRange(const std::string& path, const std::string& head_hash, int64_t offset, size_t max_bytes,
                        int64_t inflate_cap) {
  GzipRange r;
  GzipStream stream(path);
  if (!stream.ok()) {
    r.error = stream.error();
    return r;
  }
  RangeCollector c(head_hash, offset, max_bytes);
  for (;;) {
    std::string_view chunk;
    GzipStream::Step step = stream.Next(&chunk);
    bool found = c.verified() && c.reached();
    switch (step) {
      case GzipStream::Step::kData:
        if (!c.Add(chunk, &r.bytes)) {
          r.bytes.clear();
          r.end = GzipRange::End::kMismatch;
          return r;
        }
        if (c.verified() && c.full()) {
          r.end = GzipRange::End::kMore;
          r.found = true;
          return r;
        }
        if (!c.reached() && c.seen() >= inflate_cap) {
          r.end = GzipRange::End::kTooFar;
          return r;
        }
        continue;
      case GzipStream::Step::kEnd:
        r.end = found ? GzipRange::End::kComplete : GzipRange::End::kMismatch;
        break;
      case GzipStream::Step::kTruncated:
        r.end = found ? GzipRange::End::kTruncated : GzipRange::End::kUnverified;
        break;
      case GzipStream::Step::kCorrupt:
        r.end = GzipRange::End::kCorrupt;
        break;
      case GzipStream::Step::kUnreadable:
        r.end = GzipRange::End::kUnreadable;
        break;
    }
    if (r.end != GzipRange::End::kComplete && r.end != GzipRange::End::kTruncated && !found) r.bytes.clear();
    r.found = found;
    r.error = stream.error();
    return r;
  }
}

}  // namespace vigil
