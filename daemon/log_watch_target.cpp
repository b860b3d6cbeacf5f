// Threads: the loop thread runs everything here except ScanWork's scan, which runs on libuv's
// thread pool and touches only the work item and the target's spec (never written after
// construction); the work item holds the target alive until its after-callback on the loop.
#include "daemon/log_watch_target.h"

#include <fnmatch.h>
#include <spdlog/spdlog.h>

#include <set>

namespace vigil {

struct FileWatchTarget::Watch {
  uv_fs_event_t handle{};
  FileWatchTarget* owner = nullptr;
  std::string path;
  bool directory = false;
};

namespace {

struct ScanWork {
  uv_work_t req{};
  std::shared_ptr<FileWatchTarget> target;
  const LogWatcherSpec* spec = nullptr;
  LogWatchScan scan;
  std::function<void(const LogWatchScan&)> done;
};

void CloseWatch(uv_fs_event_t* handle) {
  uv_fs_event_stop(handle);
  uv_close(reinterpret_cast<uv_handle_t*>(handle), [](uv_handle_t* h) { delete static_cast<FileWatchTarget::Watch*>(h->data); });
}

}  // namespace

FileWatchTarget::~FileWatchTarget() {
  if (!watches_.empty()) spdlog::error("log watcher {}: watches destroyed without Close()", spec_.name);
}

void FileWatchTarget::Scan(ScanDone done) {
  auto* work = new ScanWork{{}, shared_from_this(), &spec_, {}, std::move(done)};
  work->req.data = work;
  int rc = uv_queue_work(
      loop_, &work->req, [](uv_work_t* req) {
        auto* w = static_cast<ScanWork*>(req->data);
        w->scan = ScanLogWatch(*w->spec);
      },
      [](uv_work_t* req, int status) {
        std::unique_ptr<ScanWork> w(static_cast<ScanWork*>(req->data));
        if (status == 0 && !w->target->closed_) w->done(w->scan);
      });
  if (rc != 0) {
    spdlog::warn("log watcher {}: cannot scan its files: {}", spec_.name, uv_strerror(rc));
    delete work;
  }
}

std::string FileWatchTarget::Arm(const std::string& path, bool directory) {
  auto* w = new Watch{{}, this, path, directory};
  uv_fs_event_init(loop_, &w->handle);
  w->handle.data = w;
  int rc = uv_fs_event_start(&w->handle, [](uv_fs_event_t* h, const char* filename, int events, int status) {
    auto* watch = static_cast<Watch*>(h->data);
    watch->owner->OnEvent(watch, filename, events, status);
  }, path.c_str(), 0);
  if (rc == 0) {
    watches_[path] = w;
    return "";
  }
  CloseWatch(&w->handle);
  if (rc == UV_ENOENT || rc == UV_ENOTDIR) return "";  // gone since the scan: the next one sees it
  return "cannot watch " + path + ": " + uv_strerror(rc);
}

std::string FileWatchTarget::Rewatch(const LogWatchScan& scan) {
  std::map<std::string, bool> want;  // path -> is a directory
  for (const auto& f : scan.files) want.emplace(f, false);
  for (const auto& d : scan.directories) want[d] = true;
  for (auto it = watches_.begin(); it != watches_.end();) {
    auto wanted = want.find(it->first);
    if (wanted != want.end() && wanted->second == it->second->directory) {
      want.erase(wanted);
      ++it;
      continue;
    }
    CloseWatch(&it->second->handle);
    it = watches_.erase(it);
  }
  std::string error;
  for (const auto& [path, directory] : want) {
    std::string e = Arm(path, directory);
    if (error.empty()) error = e;
  }
  return error;
}

// A watch that failed after Start (Start's own failure is its caller's to log).
void FileWatchTarget::WarnOnce(const std::string& error) {
  if (error.empty() || warned_) return;
  warned_ = true;
  spdlog::warn("log watcher {}: {} (the fallback check still sees its changes)", spec_.name, error);
}

void FileWatchTarget::Start(Changed changed, Ready ready) {
  Scan([this, changed = std::move(changed), ready = std::move(ready)](const LogWatchScan& scan) {
    baseline_ = scan.fingerprint;
    std::string error = Rewatch(scan);
    warned_ = !error.empty();  // the caller logs this one
    changed_ = changed;
    ready(error);
  });
}

void FileWatchTarget::Check(std::function<void(bool)> done) {
  Scan([this, done = std::move(done)](const LogWatchScan& scan) {
    bool changed = scan.fingerprint != baseline_;
    baseline_ = scan.fingerprint;
    WarnOnce(Rewatch(scan));
    done(changed);
  });
}

// Whether `path` is a file a pass reads: a match of the globs, of the `rotated` globs, or PATH.1.
bool FileWatchTarget::Concerns(const std::string& path) const {
  auto matches = [&path](const std::string& pattern) { return ::fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0; };
  for (const auto& p : spec_.paths) {
    if (matches(p) || matches(p + ".1")) return true;
  }
  for (const auto& p : spec_.rotated) {
    if (matches(p)) return true;
  }
  return false;
}

void FileWatchTarget::OnEvent(Watch* w, const char* filename, int events, int status) {
  if (closed_) return;
  // A directory reports every file in it (a busy /var/log): only the watcher's files ask for a
  // pass. A name created, moved or deleted there may be a directory a glob goes through: re-scan.
  if (w->directory && filename != nullptr && status == 0 && !Concerns((w->path == "/" ? "" : w->path) + "/" + filename)) {
    if ((events & UV_RENAME) != 0) Rescan();
    return;
  }
  if (status < 0) spdlog::debug("log watcher {}: watch on {} reported {}", spec_.name, w->path, uv_strerror(status));
  // A watched file renamed (rotated) or deleted: its handle follows the old inode; watch the path anew.
  if (!w->directory && (events & UV_RENAME) != 0) {
    watches_.erase(w->path);
    CloseWatch(&w->handle);
  }
  if ((events & UV_RENAME) != 0 || status < 0) Rescan();
  if (changed_) changed_();
}

void FileWatchTarget::Rescan() {
  if (rescanning_) {
    rescan_again_ = true;
    return;
  }
  rescanning_ = true;
  Scan([this](const LogWatchScan& scan) {
    rescanning_ = false;
    WarnOnce(Rewatch(scan));
    if (rescan_again_) {
      rescan_again_ = false;
      Rescan();
    }
  });
}

void FileWatchTarget::Close() {
  closed_ = true;
  for (auto& [path, w] : watches_) CloseWatch(&w->handle);
  watches_.clear();
}

}  // namespace vigil
