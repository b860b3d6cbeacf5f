#include "store/sqlite/sqlite_connection.h"
#include "store/connection_count.h"
#include "store/sqlite/statement_cache.h"
#include "store/sqlite/wal_checkpointer.h"
#include "store/sqlite/write_gate.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>
#include <utility>

namespace vigil {
namespace {

// Waiting for another connection's write lock. SQLite's own handler (sqlite3_busy_timeout) sleeps
// 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms between tries, while the daemon's writers (job
// claims and outcomes, the webhook writer) hold the lock for a fraction of a millisecond to a few
// milliseconds: a waiter slept long past the release, and under steady contention the connections
// spent most of their time asleep. This one retries after sleeps growing from 50 us to 2 ms, until
// the busy timeout has passed since the first try.
class BusyWait {
 public:
  explicit BusyWait(int timeout_ms) : timeout_(timeout_ms) {}

  // sqlite3_busy_handler's callback: non-zero to try again, 0 to give up with SQLITE_BUSY.
  static int OnBusy(void* self, int tries) { return static_cast<BusyWait*>(self)->Wait(tries); }
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  int Wait(int tries) {
    auto now = std::chrono::steady_clock::now();
    if (tries == 0) since_ = now;
    if (now - since_ >= timeout_) return 0;
    std::chrono::microseconds pause = std::min(std::chrono::microseconds(50L << std::min(tries, 6)), kLongestPause);
    std::this_thread::sleep_for(pause);
    return 1;
  }

  static constexpr std::chrono::microseconds kLongestPause{2000};
  std::chrono::milliseconds timeout_;
  std::chrono::steady_clock::time_point since_;
};

class SqliteConnection final : public SqlConnection {
 public:
  SqliteConnection(sqlite3* db, int busy_timeout_ms) : db_(db), busy_(busy_timeout_ms) {
    sqlite3_busy_handler(db_, &BusyWait::OnBusy, &busy_);
    if (!sqlite3_db_readonly(db_, "main")) {
      const char* file = sqlite3_db_filename(db_, "main");
      gate_ = WriteGate::For(file != nullptr ? file : "");
    }
  }
  ~SqliteConnection() override {
    LeaveGate();
    cache_.Clear();
    sqlite3_close_v2(db_);  // before checkpointer_ goes: no hook runs after this
  }

  // Leaves the WAL's checkpoints to the file's checkpointer when the process asked for one
  // (wal_checkpointer.h); attaches it again after a PRAGMA wal_autocheckpoint replaced its hook.
  void AttachCheckpointer() {
    if (!checkpointer_) {
      const char* file = sqlite3_db_filename(db_, "main");
      checkpointer_ = WalCheckpointer::For(file != nullptr ? file : "");
    }
    if (checkpointer_) WalCheckpointer::Attach(db_, checkpointer_.get());
  }

  std::string_view dialect() const override { return "sqlite"; }
  bool healthy() const override { return true; }

  Result<SqlResult> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    auto stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    sqlite3_stmt* st = *stmt;
    Status bound = Bind(st, params);
    if (!bound.ok()) {
      sqlite3_clear_bindings(st);
      return bound;
    }
    SqlResult result;
    int ncols = sqlite3_column_count(st);
    for (int c = 0; c < ncols; ++c) result.columns.emplace_back(sqlite3_column_name(st, c));
    int rc;
    statement_started_ = std::chrono::steady_clock::now();
    timed_out_ = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) result.rows.push_back(ReadRow(st, ncols));
    if (rc != SQLITE_DONE) {
      Status err = Error(rc, sql);
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
      return err;
    }
    result.affected = sqlite3_changes(db_);
    if (!sqlite3_stmt_readonly(st)) wrote_ = true;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (sqlite3_get_autocommit(db_)) {  // a statement of its own, committed as it ran
      if (Status synced = SyncCommitted(); !synced.ok()) return synced;
    }
    return result;
  }

  // A script may write anything (migrations, pragmas): counted as a write.
  Status ExecScript(std::string_view sql) override {
    Status s = Exec(sql);
    wrote_ = true;
    if (sqlite3_get_autocommit(db_)) {
      if (Status synced = SyncCommitted(); !synced.ok() && s.ok()) return synced;
    }
    return s;
  }

  // A write transaction holds the gate (write_gate.h) from before its BEGIN to its end; what it
  // committed is synced to disk after the gate is left (SyncCommitted).
  Status DoBegin(bool immediate) override {
    if (immediate && gate_ && !gate_held_) EnterGate();
    Status s = Exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!s.ok() && sqlite3_get_autocommit(db_)) LeaveGate();
    return s;
  }
  Status DoCommit() override {
    LiftStatementLimit();
    Status s = Exec("COMMIT");
    if (!sqlite3_get_autocommit(db_)) return s;  // a COMMIT that failed leaves the transaction open
    LeaveGate();
    if (!s.ok()) return s;
    return SyncCommitted();
  }
  Status DoRollback() override {
    LiftStatementLimit();
    Status s = Exec("ROLLBACK");
    if (sqlite3_get_autocommit(db_)) {
      LeaveGate();
      wrote_ = false;
    }
    return s;
  }

  // Commits leave the WAL's fsync to SyncCommitted (synchronous = NORMAL), or with `on` false
  // (RelaxCommitSync) need not reach the disk at all: only for a file in WAL mode, where NORMAL
  // never corrupts.
  Status SyncAfterCommits(bool on) {
    auto mode = Query("PRAGMA journal_mode", {});
    if (!mode.ok()) return mode.status();
    if (mode->rows.empty() || mode->rows[0].Text(0) != "wal") return Status::Ok();  // FULL stays
    Status s = Exec("PRAGMA synchronous=NORMAL");
    if (s.ok()) sync_after_commit_ = on;
    return s;
  }

  Status LimitStatementTime(std::chrono::milliseconds limit) override {
    if (sqlite3_get_autocommit(db_)) return Status::Error("sqlite: a statement time limit needs a transaction");
    statement_limit_ = std::max(limit, std::chrono::milliseconds(1));
    sqlite3_progress_handler(db_, kProgressSteps, &SqliteConnection::OnProgress, this);
    return Status::Ok();
  }

  Result<bool> TableExists(const std::string& name) override {
    auto r = Query("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = $1", {name});
    if (!r.ok()) return r.status();
    return !r->rows.empty();
  }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    std::string key(sql);
    if (sqlite3_stmt* cached = cache_.Find(key)) return cached;
    std::string translated = SqliteTranslatePlaceholders(sql);
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db_, translated.c_str(), -1, &st, nullptr);
    if (rc != SQLITE_OK) return Error(rc, sql);
    cache_.Add(std::move(key), st);
    return st;
  }

  // Text and blobs are bound without a copy (SQLITE_STATIC): `params` outlives the statement's
  // use in Query, and every way out of Query clears the bindings. A 6 KB vector per row was
  // copied twice otherwise.
  Status Bind(sqlite3_stmt* st, const std::vector<SqlValue>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const auto& v = params[i];
      int rc;
      if (auto* p = std::get_if<int64_t>(&v)) rc = sqlite3_bind_int64(st, idx, *p);
      else if (auto* p = std::get_if<double>(&v)) rc = sqlite3_bind_double(st, idx, *p);
      else if (auto* p = std::get_if<std::string>(&v)) rc = sqlite3_bind_text(st, idx, p->data(), static_cast<int>(p->size()), SQLITE_STATIC);
      else if (auto* p = std::get_if<SqlBlob>(&v)) rc = sqlite3_bind_blob64(st, idx, p->bytes.data(), p->bytes.size(), SQLITE_STATIC);
      else rc = sqlite3_bind_null(st, idx);
      if (rc != SQLITE_OK) return Error(rc, "bind");
    }
    return Status::Ok();
  }

  static SqlRow ReadRow(sqlite3_stmt* st, int ncols) {
    std::vector<SqlValue> values;
    values.reserve(ncols);
    for (int c = 0; c < ncols; ++c) {
      switch (sqlite3_column_type(st, c)) {
        case SQLITE_INTEGER: values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(st, c))); break;
        case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(st, c)); break;
        case SQLITE_NULL: values.emplace_back(SqlNull{}); break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_blob(st, c));
          values.emplace_back(std::string(text ? text : "", sqlite3_column_bytes(st, c)));
        }
      }
    }
    return SqlRow(std::move(values));
  }

  static ErrorKind KindOf(int rc, const std::string& text) {
    int primary = rc & 0xff;
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return ErrorKind::kAlreadyExists;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return ErrorKind::kBusy;
    if (text.find("no such table") != std::string::npos) return ErrorKind::kNotFound;
    if (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR || primary == SQLITE_FULL) return ErrorKind::kUnavailable;
    return ErrorKind::kOther;
  }

  // sqlite3_progress_handler's callback: non-zero interrupts the running statement.
  static int OnProgress(void* self) {
    auto* conn = static_cast<SqliteConnection*>(self);
    conn->timed_out_ = std::chrono::steady_clock::now() - conn->statement_started_ > conn->statement_limit_;
    return conn->timed_out_ ? 1 : 0;
  }

  Status Exec(std::string_view sql) {
    statement_started_ = std::chrono::steady_clock::now();
    char* msg = nullptr;
    int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &msg);
    if (rc == SQLITE_OK) return Status::Ok();
    std::string text = msg ? msg : sqlite3_errstr(rc);
    sqlite3_free(msg);
    return Status::Error("sqlite: " + text, KindOf(rc, text));
  }

  // What this connection committed since its last sync, made durable: an fsync of the WAL file,
  // as synchronous = FULL would have done inside COMMIT, but after the process's write gate is
  // left. Inside COMMIT the other writers waited for the disk too (a webhook burst spent some 60%
  // of the event writer's turns in that fsync; bench/README.md): now they write while it syncs,
  // and a commit is still on disk when Commit returns. The frames
  // synced are those written before the call, this connection's among them; a checkpoint that
  // copied them into the database file first synced that file (every connection is NORMAL or
  // FULL, never OFF), and a WAL restarted meanwhile had its header synced by SQLite.
  Status SyncCommitted() {
    if (!std::exchange(wrote_, false) || !sync_after_commit_) return Status::Ok();
    sqlite3_file* wal = nullptr;
    if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK || wal == nullptr ||
        wal->pMethods == nullptr)
      return Status::Ok();  // no WAL open: nothing was written to one
    int rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
    if (rc == SQLITE_OK) return Status::Ok();
    return Status::Error(std::string("sqlite: the commit is written but syncing the WAL to disk failed: ") + sqlite3_errstr(rc),
                         ErrorKind::kUnavailable);
  }

  bool EnterGate() {
    gate_held_ = gate_->Enter(busy_.timeout());
    return gate_held_;
  }
  void LeaveGate() {
    if (!gate_held_) return;
    gate_held_ = false;
    gate_->Leave();
  }

  void LiftStatementLimit() {
    if (statement_limit_.count() == 0) return;
    sqlite3_progress_handler(db_, 0, nullptr, nullptr);
    statement_limit_ = std::chrono::milliseconds(0);
  }

  Status Error(int rc, std::string_view sql) {
    std::string text = sqlite3_errmsg(db_);
    if (text == "not an error") text = sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_INTERRUPT && timed_out_) {
      timed_out_ = false;
      text = "canceling statement due to statement timeout (" + std::to_string(statement_limit_.count()) + " ms)";
    }
    ErrorKind kind = KindOf(sqlite3_extended_errcode(db_), text);
    std::string head(sql.substr(0, 80));
    return Status::Error("sqlite: " + text + " (in: " + head + ")", kind);
  }

  static constexpr int kProgressSteps = 1000;  // VM steps between two looks at the clock
  sqlite3* db_;
  ConnectionCount counted_;
  BusyWait busy_;
  std::shared_ptr<WriteGate> gate_;  // nullptr: an in-memory or read-only database
  std::shared_ptr<WalCheckpointer> checkpointer_;  // nullptr: commits checkpoint as SQLite does
  bool gate_held_ = false;
  bool sync_after_commit_ = false;  // SyncCommitted fsyncs (SyncAfterCommits)
  bool wrote_ = false;              // something was written since the last SyncCommitted
  std::chrono::milliseconds statement_limit_{0};  // 0: none (LimitStatementTime until the transaction ends)
  std::chrono::steady_clock::time_point statement_started_;
  bool timed_out_ = false;  // the progress handler interrupted the statement
  StatementCache cache_;
};

}  // namespace

std::string SqliteTranslatePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$') {
      c = '?';
    }
    out += c;
  }
  return out;
}

Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(const std::string& path, int busy_timeout_ms) {
  if (path != ":memory:") {
    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  }
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Error("sqlite: cannot open " + path + ": " + msg);
  }
  auto conn = std::make_unique<SqliteConnection>(db, busy_timeout_ms);
  conn->set_uuid_form(UuidForm::kHex);  // database.uuid_format's default on SQLite
  // temp_store=MEMORY: the statement journal of a multi-row INSERT inside a transaction (the
  // webhook writer's groups) lives in memory, not in a temporary file opened, written and unlinked
  // per statement (about 15% of the daemon's CPU per webhook event, measured with wrk).
  // journal_size_limit: each time the WAL restarts from its beginning it is cut back to 64 MB,
  // instead of keeping on disk the largest size it ever reached (300-570 MB after a 10 s webhook
  // burst; 67 MB with the limit, measured the same way).
  // synchronous: FULL, or in WAL mode NORMAL with the WAL synced after each commit (SyncCommitted).
  Status s = conn->ExecScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
      " PRAGMA journal_size_limit=67108864;");
  if (s.ok()) s = conn->SyncAfterCommits(true);
  if (!s.ok()) return s.WithContext("opening " + path);
  conn->AttachCheckpointer();
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

void ReattachWalCheckpointer(SqlConnection& db) {
  if (auto* sqlite = dynamic_cast<SqliteConnection*>(&db)) sqlite->AttachCheckpointer();
}

Status SyncSqliteCommits(SqlConnection& db, bool on) {
  if (auto* sqlite = dynamic_cast<SqliteConnection*>(&db)) return sqlite->SyncAfterCommits(on);
  return Status::Ok();
}

SqliteHeap SqliteHeapNow() {
  SqliteHeap heap;
  heap.used_bytes = sqlite3_memory_used();
  // No SQLITE_CONFIG_PAGECACHE buffer is set, so every page-cache allocation is an "overflow" one.
  sqlite3_int64 now = 0, high = 0;
  if (sqlite3_status64(SQLITE_STATUS_PAGECACHE_OVERFLOW, &now, &high, 0) == SQLITE_OK) heap.page_cache_bytes = now;
  return heap;
}

Result<std::unique_ptr<SqlConnection>> OpenSqliteReadOnly(const std::string& path, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Error("sqlite: cannot open " + path + " read-only: " + msg, ErrorKind::kUnavailable);
  }
  auto conn = std::make_unique<SqliteConnection>(db, busy_timeout_ms);
  Status s = conn->ExecScript("PRAGMA query_only=ON; PRAGMA temp_store=MEMORY;");
  if (!s.ok()) return s.WithContext("opening " + path);
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

}  // namespace vigil
