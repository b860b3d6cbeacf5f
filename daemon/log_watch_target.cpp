// Threads: the loop thread runs everything here except the scans of a ScanBatch, which run on
// libuv's thread pool and touch only the batch's items and the targets' specs (never written
// after construction); an item holds its target alive until the batch's after-callback on the
// loop.
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
  std::shared_ptr<FileWatchTarget> target;
  const LogWatcherSpec* spec = nullptr;
  LogWatchScan scan;
  std::function<void(const LogWatchScan&)> done;
};

// The scans asked for in one turn of the loop run as one piece of work on libuv's pool, handed
// over in the turn's prepare phase (after its timers). The log watchers' fallback checks share
// aligned timers (log_wakeups.cpp), so ten idle watchers wake one pool thread and the loop once
// every `every`, not ten pool wake-ups and ten completions.
struct ScanBatch {
  uv_loop_t* loop = nullptr;
  uv_prepare_t prepare{};
  uv_work_t req{};
  std::vector<ScanWork> items;
  bool prepare_closed = false;
  bool work_done = false;

  void Release() {
    if (prepare_closed && work_done) delete this;
  }
};

thread_local ScanBatch* t_open_batch = nullptr;  // the loop thread's batch still taking scans

void RunBatch(ScanBatch* batch) {
  if (t_open_batch == batch) t_open_batch = nullptr;
  uv_prepare_stop(&batch->prepare);
  uv_close(reinterpret_cast<uv_handle_t*>(&batch->prepare), [](uv_handle_t* h) {
    auto* b = static_cast<ScanBatch*>(h->data);
    b->prepare_closed = true;
    b->Release();
  });
  batch->req.data = batch;
  int rc = uv_queue_work(
      batch->loop, &batch->req, [](uv_work_t* req) {
        for (auto& item : static_cast<ScanBatch*>(req->data)->items) item.scan = ScanLogWatch(*item.spec);
      },
      [](uv_work_t* req, int status) {
        auto* b = static_cast<ScanBatch*>(req->data);
        for (auto& item : b->items) {
          if (status == 0 && !item.target->closed()) item.done(item.scan);
        }
        b->items.clear();
        b->work_done = true;
        b->Release();
      });
  if (rc != 0) {
    for (auto& item : batch->items) spdlog::warn("log watcher {}: cannot scan its files: {}", item.spec->name, uv_strerror(rc));
    batch->items.clear();
    batch->work_done = true;  // Release() once the prepare handle is closed
  }
}

void CloseWatch(uv_fs_event_t* handle) {
  uv_fs_event_stop(handle);
  uv_close(reinterpret_cast<uv_handle_t*>(handle), [](uv_handle_t* h) { delete static_cast<FileWatchTarget::Watch*>(h->data); });
}

}  // namespace

FileWatchTarget::~FileWatchTarget() {
  if (!watches_.empty()) spdlog::error("log watcher {}: watches destroyed without Close()", spec_.name);
}

void FileWatchTarget::Scan(ScanDone done) {
  if (t_open_batch == nullptr || t_open_batch->loop != loop_) {
    auto* batch = new ScanBatch;
    batch->loop = loop_;
    uv_prepare_init(loop_, &batch->prepare);
    batch->prepare.data = batch;
    uv_prepare_start(&batch->prepare, [](uv_prepare_t* h) { RunBatch(static_cast<ScanBatch*>(h->data)); });
    t_open_batch = batch;
  }
  t_open_batch->items.push_back({shared_from_this(), &spec_, {}, std::move(done)});
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
