// JobEngine's listener thread: wakes the fetcher when another process enqueued (LISTEN on
// PostgreSQL, a watch on the WAL on SQLite). Threads and locks: see job_engine.h.
#include <poll.h>
#include <spdlog/spdlog.h>

#include "common/thread_name.h"
#include "config/units.h"
#include "jobs/engine/job_engine.h"
#include "store/sqlite/wal_watch.h"

namespace vigil {
namespace {

using Steady = std::chrono::steady_clock;

// The listener's wait is ended by a notification, a WAL write or Stop; this only bounds it.
constexpr auto kListenTimeout = std::chrono::seconds(60);
// How long a busy fetcher is given to cover a WAL write with a claim round of its own (ListenSqlite).
constexpr auto kWalSettle = std::chrono::milliseconds(20);

}  // namespace

void JobEngine::ListenLoop() {
  NameThisThread("jobs-listen");
  for (;;) {
    auto db = ConnectWithRetry("listener");
    if (!db) return;
    if (db->dialect() == "postgres") {
      ListenPostgres(*db);
    } else {
      ListenSqlite(*db);
      return;  // the watch does not depend on the connection
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_all_ || stop_claiming_) return;
  }
}

// Returns when the connection broke or the engine stops.
void JobEngine::ListenPostgres(SqlConnection& db) {
  Status s = db.Listen("vigil_jobs");
  if (!s.ok()) return (void)spdlog::warn("{}", s.message());
  Wake();  // anything enqueued while we were not listening
  while (db.healthy()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_all_ || stop_claiming_) return;
    }
    auto n = db.WaitForNotifications(kListenTimeout, listen_stop_.fd());
    if (n.ok() && *n > 0) Wake();
  }
}

void JobEngine::ListenSqlite(SqlConnection& db) {
  auto files = db.Query("PRAGMA database_list");
  std::string file;
  if (files.ok()) {
    for (const auto& row : files->rows) {
      if (row.Text(1) == "main") file = row.Text(2);
    }
  }
  auto mode = db.Query("PRAGMA journal_mode");
  WalWatch wal;
  Status s = mode.ok() && !mode->rows.empty() && mode->rows[0].Text(0) == "wal" ? wal.Open(file)
                                                                               : Status::Error("not in WAL mode");
  if (!s.ok()) {
    spdlog::info("jobs enqueued by other processes are seen within jobs.poll_interval ({}: {})",
                 FormatDuration(options_.poll_interval), s.message());
    return;
  }
  // Every commit writes the WAL, this daemon's own ones too: a webhook event, its triage verdict,
  // each job's outcome. Waking the fetcher for each would add a claim round (a write transaction
  // competing with the writer) per commit. A write is covered once a claim round has started
  // after it; a busy fetcher (one that started a round within kWalSettle) is left to do that on
  // its own, and woken only if it has not after kWalSettle. An idle one is woken at once.
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_all_ || stop_claiming_) return;
    }
    auto written = wal.Wait(kListenTimeout, listen_stop_.fd());
    if (!written.ok()) return (void)spdlog::warn("watching the SQLite WAL: {}", written.error());
    if (!*written) continue;
    auto seen = Steady::now();  // the writes read so far happened before this
    bool busy, sleeping;
    TimePoint until;
    {
      std::lock_guard<std::mutex> lock(mu_);
      busy = wake_ || seen - round_started_ < kWalSettle;
      sleeping = !busy && fetch_sleeping_;
      until = fetch_until_;
    }
    // A sleeping fetcher has read the jobs before the write: it needs waking only if the write
    // left a job that can run before it wakes anyway. Most writes (a heartbeat, an event, an
    // outcome) leave none, and cost a read here instead of a claim round there. If it woke
    // meanwhile, its round began after the write and covers it.
    if (sleeping) {
      if (!DueBeforeFetcherWakes(db, until)) {
        // A commit writes its frames (the event read here), syncs them, and only then publishes
        // them in the WAL index: a read in between misses the job, and another process's enqueue
        // waited for the next heartbeat's write (up to 10 s). The writer holds SQLite's write lock
        // until it has published: taking the lock (this process's writers queue at the write gate
        // instead) waits for that commit to end, and a second read sees it. An uncontended lock
        // costs no wake-up.
        Status locked = db.Begin(true);
        if (locked.ok()) (void)db.Rollback();
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (stop_all_ || stop_claiming_ || !fetch_sleeping_ || wake_) continue;  // a round since covers it
        }
        if (locked.ok() && !DueBeforeFetcherWakes(db, until)) continue;
      }
      Wake();  // a job is due, or the lock did not come (wake, to be safe)
      continue;
    }
    if (busy) {
      pollfd stop = {listen_stop_.fd(), POLLIN, 0};
      (void)poll(&stop, stop.fd >= 0 ? 1 : 0, static_cast<int>(kWalSettle.count()));
      auto more = wal.Wait(std::chrono::milliseconds(0), -1);
      if (more.ok() && *more) seen = Steady::now();
      std::lock_guard<std::mutex> lock(mu_);
      if (wake_ || round_started_ > seen) continue;  // a round after every write read: covered
    }
    Wake();
  }
}

bool JobEngine::DueBeforeFetcherWakes(SqlConnection& db, TimePoint until) {
  for (const auto& [name, q] : queues_) {
    auto earliest = EarliestRunAt(db, name);
    if (!earliest.ok() || (*earliest && **earliest < until)) return true;  // unreadable: wake, to be safe
  }
  return false;
}

}  // namespace vigil
