// SqlConnection: the narrow SQL interface both database drivers implement, so vigil's queries
// are written once. SQL text uses PostgreSQL's `$1, $2` placeholders; the SQLite driver maps them
// to `?1, ?2`. Values cross as SqlValue; PostgreSQL hands every column back as text, so the
// accessors parse. Bytes go in as SqlBlob: a BLOB on SQLite, a bytea on PostgreSQL (sent as
// bytea's hex text, so the parameter must be one PostgreSQL reads as bytea: a bytea column or a
// CAST). Both drivers hand blobs back as std::string (SQLite: the bytes; PostgreSQL: "\x..." text).
//
// Threads: a connection belongs to one thread at a time. Drivers never throw: errors are values.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/database_url.h"  // DialectOfUrl, RedactUrl
#include "common/status.h"
#include "common/uuid.h"

namespace vigil {

struct SqlNull {};
struct SqlBlob {
  std::string bytes;
};
using SqlValue = std::variant<SqlNull, int64_t, double, std::string, SqlBlob>;

class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<SqlNull>(values_.at(i)); }
  int64_t Int(size_t i) const;          // 0 for NULL
  double Double(size_t i) const;        // 0 for NULL
  std::string Text(size_t i) const;     // "" for NULL
  bool Bool(size_t i) const;            // PostgreSQL "t"/"f", SQLite 0/1
  std::optional<std::string> OptText(size_t i) const;
  const SqlValue& at(size_t i) const { return values_.at(i); }

 private:
  std::vector<SqlValue> values_;
};

struct SqlResult {
  std::vector<std::string> columns;
  std::vector<SqlRow> rows;
  int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual std::string_view dialect() const = 0;  // "sqlite" or "postgres"

  // One statement with parameters.
  virtual Result<SqlResult> Query(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Several statements, no parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;

  // Transactions. `immediate` takes SQLite's write lock up front (BEGIN IMMEDIATE).
  Status Begin(bool immediate = false) {
    after_commit_.clear();
    return DoBegin(immediate);
  }
  // Runs the AfterCommit work once the commit succeeded, on this thread; drops it either way.
  Status Commit() {
    Status s = DoCommit();
    auto work = std::move(after_commit_);
    after_commit_.clear();
    if (s.ok()) {
      for (auto& fn : work) fn();
    }
    return s;
  }
  Status Rollback() {
    after_commit_.clear();
    return DoRollback();
  }
  // Work to run when the open transaction commits, and never if it rolls back or its COMMIT
  // fails: how an enqueue wakes the job engine only once its rows can be seen.
  void AfterCommit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }

  // The form of the ids this database stores: new ids take it, and an id from outside is brought
  // to it before it is compared. SQLite stores what database.uuid_format says (32 hex digits by
  // default, as SQLAlchemy does); PostgreSQL's uuid type reads either form and writes hyphens.
  UuidForm uuid_form() const { return uuid_form_; }
  void set_uuid_form(UuidForm form) { uuid_form_ = form; }
  std::string NewId() const { return NewUuid(uuid_form_); }
  // An id given by a person or a program (CLI, API, config, job arguments) as this database stores
  // it: a UUID in either form is rewritten, anything else is used as given.
  std::string IdOf(std::string_view given) const {
    auto id = UuidIn(given, uuid_form_);
    return id ? *id : std::string(given);
  }

  // Cancels a statement of the open transaction that runs longer than `limit`: the statement fails
  // with an error that says "statement timeout". The limit ends with the transaction (COMMIT or
  // ROLLBACK). PostgreSQL: SET LOCAL statement_timeout; SQLite: a progress handler that checks the
  // clock every thousand VM steps (time spent waiting for a lock is busy_timeout's, not this).
  // Call after Begin; an error outside a transaction.
  virtual Status LimitStatementTime(std::chrono::milliseconds limit) = 0;

  // True while the connection is usable; false after the server went away.
  virtual bool healthy() const = 0;
  // Whether table `name` exists.
  virtual Result<bool> TableExists(const std::string& name) = 0;

  // PostgreSQL LISTEN/NOTIFY; other dialects answer an error.
  virtual Status Listen(const std::string& channel) {
    (void)channel;
    return Status::Error(std::string(dialect()) + " has no LISTEN");
  }
  // Waits up to `timeout` for notifications; returns how many arrived (0 also when `interrupt_fd`,
  // if not -1, became readable: the caller drains it).
  virtual Result<int> WaitForNotifications(std::chrono::milliseconds timeout, int interrupt_fd = -1) {
    (void)timeout;
    (void)interrupt_fd;
    return Status::Error(std::string(dialect()) + " has no LISTEN");
  }

 protected:
  virtual Status DoBegin(bool immediate) = 0;
  virtual Status DoCommit() = 0;
  virtual Status DoRollback() = 0;

 private:
  std::vector<std::function<void()>> after_commit_;
  UuidForm uuid_form_ = UuidForm::kHyphenated;
};

// Where and how to open a database: database.url, database.busy_timeout, database.uuid_format.
struct SqlTarget {
  std::string url;
  int busy_timeout_ms = 5000;
  UuidForm sqlite_uuid_form = UuidForm::kHex;
  // Only to read (a timed watcher's query on another database): SQLite opens the file read-only,
  // creating nothing and setting no journal mode; PostgreSQL makes every transaction READ ONLY.
  bool read_only = false;
};

// Opens a connection for a database URL: "sqlite:/path/file.db" or "postgresql://..."
// (also "postgres://"). `busy_timeout_ms` and `sqlite_uuid_form` (database.busy_timeout and
// database.uuid_format) apply to SQLite; `read_only` as in SqlTarget.
Result<std::unique_ptr<SqlConnection>> OpenSqlConnection(const std::string& url, int busy_timeout_ms = 5000,
                                                         UuidForm sqlite_uuid_form = UuidForm::kHex, bool read_only = false);
inline Result<std::unique_ptr<SqlConnection>> OpenSqlConnection(const SqlTarget& target) {
  return OpenSqlConnection(target.url, target.busy_timeout_ms, target.sqlite_uuid_form, target.read_only);
}

// Makes the connection's commits not wait for the disk: SQLite with synchronous = NORMAL (only in
// WAL mode, where that is safe), PostgreSQL with synchronous_commit = off. A commit stays atomic
// and survives the process being killed; a power loss or OS crash (or, on PostgreSQL, a crash of
// the server alone) may undo the last ones. Only for work that is redone when it is lost (the job
// engine's claims; see jobs/engine/job_engine.cpp for where else and why).
Status RelaxCommitSync(SqlConnection& db);
// Undoes RelaxCommitSync: every commit on disk when it returns again, as a connection opens.
Status RestoreCommitSync(SqlConnection& db);

// Runs `fn` inside a transaction: commits if it returns ok, rolls back otherwise.
template <class Fn>
Status InTransaction(SqlConnection& db, bool immediate, Fn&& fn) {
  Status s = db.Begin(immediate);
  if (!s.ok()) return s;
  s = fn();
  if (!s.ok()) {
    (void)db.Rollback();
    return s;
  }
  return db.Commit();
}

// The same for work that yields a value (`fn` returns Result<T>): the value once committed.
template <class T, class Fn>
Result<T> InTransactionValue(SqlConnection& db, bool immediate, Fn&& fn) {
  std::optional<T> out;
  Status s = InTransaction(db, immediate, [&]() -> Status {
    Result<T> r = fn();
    if (!r.ok()) return r.status();
    out = std::move(*r);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

}  // namespace vigil
