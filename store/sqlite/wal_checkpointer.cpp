#include "store/sqlite/wal_checkpointer.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <atomic>
#include <map>

#include "common/thread_name.h"

namespace vigil {
namespace {

std::atomic<bool> g_enabled{false};

// sqlite3_wal_hook's callback, after each commit of a connection: `pages` is the WAL's length.
int OnWalCommit(void* self, sqlite3*, const char*, int pages) {
  if (pages >= WalCheckpointer::kThresholdPages) static_cast<WalCheckpointer*>(self)->Requested();
  return SQLITE_OK;
}

}  // namespace

void WalCheckpointer::Enable(bool on) { g_enabled = on; }

std::shared_ptr<WalCheckpointer> WalCheckpointer::For(const std::string& file) {
  if (!g_enabled || file.empty()) return nullptr;
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<WalCheckpointer>> all;  // entries of closed files expire
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = all[file];
  auto found = slot.lock();
  if (found) return found;
  // Its own connection, opened raw (no hook of its own: it never writes). A read opens the file's
  // WAL: until then a checkpoint on it finds no WAL and copies nothing.
  sqlite3* own = nullptr;
  if (sqlite3_open_v2(file.c_str(), &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK ||
      sqlite3_exec(own, "SELECT COUNT(*) FROM sqlite_master", nullptr, nullptr, nullptr) != SQLITE_OK) {
    spdlog::warn("sqlite: cannot open {} for background checkpoints ({}): commits checkpoint as SQLite does by default", file,
                 own != nullptr ? sqlite3_errmsg(own) : "out of memory");
    sqlite3_close_v2(own);
    return nullptr;
  }
  found = std::make_shared<WalCheckpointer>(own);
  slot = found;
  if (all.size() > 64) std::erase_if(all, [](const auto& entry) { return entry.second.expired(); });
  return found;
}

void WalCheckpointer::Attach(sqlite3* db, WalCheckpointer* self) { sqlite3_wal_hook(db, &OnWalCommit, self); }

WalCheckpointer::WalCheckpointer(sqlite3* own) : own_(own) {
  // A checkpoint waits for no one: PASSIVE never takes a lock others wait for.
  sqlite3_busy_timeout(own_, 0);
  thread_ = std::thread([this] { Run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
  sqlite3_close_v2(own_);
}

void WalCheckpointer::Requested() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (due_) return;
    due_ = true;
  }
  cv_.notify_one();
}

int64_t WalCheckpointer::runs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return runs_;
}

void WalCheckpointer::Run() {
  NameThisThread("wal-checkpoint");
  bool warned = false;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return due_ || stopping_; });
      if (stopping_) return;
      due_ = false;
    }
    // Commits that cross the threshold while this runs ask again: the next round follows at once.
    int rc = sqlite3_wal_checkpoint_v2(own_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && !warned) {
      spdlog::warn("sqlite: background checkpoint failed: {} (tried again after the next commits)", sqlite3_errmsg(own_));
      warned = true;
    } else if (rc == SQLITE_OK) {
      warned = false;
    }
    std::lock_guard<std::mutex> lock(mu_);
    ++runs_;
  }
}

}  // namespace vigil
