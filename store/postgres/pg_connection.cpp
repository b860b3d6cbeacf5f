#include "store/postgres/pg_connection.h"

#include <poll.h>
#include <pqxx/pqxx>

#include <cerrno>
#include <cstring>

#include <algorithm>

#include "common/hex.h"
#include "store/connection_count.h"

namespace vigil {
namespace {

ErrorKind KindOf(const std::string& sqlstate) {
  if (sqlstate == "23505") return ErrorKind::kAlreadyExists;
  if (sqlstate == "42P01") return ErrorKind::kNotFound;
  if (sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03")
    return ErrorKind::kUnavailable;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") return ErrorKind::kBusy;
  return ErrorKind::kOther;
}

// Counts notifications on one channel; libpqxx calls it from await_notification.
class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const std::string& channel, int* counter)
      : pqxx::notification_receiver(c, channel), counter_(counter) {}
  void operator()(const std::string&, int) override { ++*counter_; }

 private:
  int* counter_;
};

class PgConnection final : public SqlConnection {
 public:
  explicit PgConnection(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}

  std::string_view dialect() const override { return "postgres"; }
  bool healthy() const override { return !broken_ && conn_->is_open(); }

  Result<SqlResult> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    std::vector<std::string> storage;
    std::vector<const char*> ptrs;
    storage.reserve(params.size());
    for (const auto& v : params) storage.push_back(ToText(v));
    for (size_t i = 0; i < params.size(); ++i) {
      ptrs.push_back(std::holds_alternative<SqlNull>(params[i]) ? nullptr : storage[i].c_str());
    }
    return Run(sql, [&](pqxx::nontransaction& tx) {
      return tx.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(ptrs));
    });
  }

  Status ExecScript(std::string_view sql) override {
    auto r = Run(sql, [&](pqxx::nontransaction& tx) { return tx.exec(std::string(sql)); });
    return r.status();
  }

  Status DoBegin(bool) override {
    Status s = ExecScript("BEGIN");
    in_transaction_ = s.ok();
    return s;
  }
  Status DoCommit() override {
    in_transaction_ = false;
    return ExecScript("COMMIT");
  }
  Status DoRollback() override {
    in_transaction_ = false;
    return ExecScript("ROLLBACK");
  }

  Status LimitStatementTime(std::chrono::milliseconds limit) override {
    // SET LOCAL outside a transaction only warns and does nothing: say so instead.
    if (!in_transaction_) return Status::Error("postgres: a statement time limit needs a transaction");
    return ExecScript("SET LOCAL statement_timeout = " + std::to_string(std::max<int64_t>(1, limit.count())));
  }

  Result<bool> TableExists(const std::string& name) override {
    auto r = Query("SELECT to_regclass($1) IS NOT NULL", {name});
    if (!r.ok()) return r.status();
    return r->rows.at(0).Bool(0);
  }

  Status Listen(const std::string& channel) override {
    try {
      receivers_.push_back(std::make_unique<Receiver>(*conn_, channel, &notifications_));
      return Status::Ok();
    } catch (const std::exception& e) {
      if (!conn_->is_open()) broken_ = true;
      return Status::Error(std::string("postgres: LISTEN ") + channel + ": " + FirstLine(e.what()));
    }
  }

  Result<int> WaitForNotifications(std::chrono::milliseconds timeout, int interrupt_fd) override {
    try {
      notifications_ = 0;
      conn_->get_notifs();  // any that came in with an earlier reply
      if (notifications_ > 0) return notifications_;
      int sock = conn_->sock();
      if (sock < 0) throw pqxx::broken_connection("no socket");
      pollfd fds[2] = {{sock, POLLIN, 0}, {interrupt_fd, POLLIN, 0}};
      int ready = poll(fds, interrupt_fd >= 0 ? 2 : 1, static_cast<int>(std::min<int64_t>(timeout.count(), INT32_MAX)));
      if (ready < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + strerror(errno));
      if (ready > 0 && fds[0].revents != 0) conn_->get_notifs();  // reads them, or finds the server gone
      return notifications_;
    } catch (const std::exception& e) {
      broken_ = true;
      return Status::Error(std::string("postgres: waiting for notifications: ") + FirstLine(e.what()),
                           ErrorKind::kUnavailable);
    }
  }

 private:
  static std::string ToText(const SqlValue& v) {
    if (auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
    if (auto* p = std::get_if<double>(&v)) {
      char buf[64];
      snprintf(buf, sizeof buf, "%.17g", *p);
      return buf;
    }
    if (auto* p = std::get_if<std::string>(&v)) return *p;
    if (auto* p = std::get_if<SqlBlob>(&v)) return "\\x" + HexEncode(p->bytes);
    return "";
  }

  template <class Fn>
  Result<SqlResult> Run(std::string_view sql, Fn&& fn) {
    try {
      pqxx::nontransaction tx(*conn_);
      pqxx::result r = fn(tx);
      return Convert(r);
    } catch (const pqxx::broken_connection& e) {
      broken_ = true;
      return Status::Error(std::string("postgres: connection lost: ") + FirstLine(e.what()), ErrorKind::kUnavailable);
    } catch (const pqxx::sql_error& e) {
      ErrorKind kind = KindOf(e.sqlstate());
      if (kind == ErrorKind::kUnavailable) broken_ = true;
      return Status::Error("postgres: " + FirstLine(e.what()) + " (in: " + std::string(sql.substr(0, 80)) + ")", kind);
    } catch (const std::exception& e) {
      if (!conn_->is_open()) broken_ = true;
      return Status::Error(std::string("postgres: ") + FirstLine(e.what()));
    }
  }

  static std::string FirstLine(const char* text) {
    std::string s(text);
    auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
  }

  static SqlResult Convert(const pqxx::result& r) {
    SqlResult out;
    int ncols = r.columns();
    for (int c = 0; c < ncols; ++c) out.columns.emplace_back(r.column_name(c));
    out.rows.reserve(r.size());
    for (const auto& row : r) {
      std::vector<SqlValue> values;
      values.reserve(ncols);
      for (const auto& field : row) {
        if (field.is_null()) values.emplace_back(SqlNull{});
        else values.emplace_back(std::string(field.c_str(), field.size()));
      }
      out.rows.emplace_back(std::move(values));
    }
    out.affected = r.affected_rows();
    return out;
  }

  std::unique_ptr<pqxx::connection> conn_;
  ConnectionCount counted_;
  std::vector<std::unique_ptr<Receiver>> receivers_;  // destroyed before conn_ (declared after it)
  int notifications_ = 0;
  bool broken_ = false;
  bool in_transaction_ = false;  // between a Begin that succeeded and its Commit or Rollback
};

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenPgConnection(const std::string& url, bool read_only) {
  try {
    auto conn = std::make_unique<pqxx::connection>(url);
    auto pg = std::make_unique<PgConnection>(std::move(conn));
    Status s = pg->ExecScript(std::string("SET synchronous_commit = on; SET client_min_messages = warning") +
                              (read_only ? "; SET default_transaction_read_only = on" : ""));
    if (!s.ok()) return s;
    return std::unique_ptr<SqlConnection>(std::move(pg));
  } catch (const std::exception& e) {
    std::string msg = e.what();
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return Status::Error("postgres: cannot connect to " + RedactUrl(url) + ": " + msg);
  }
}

}  // namespace vigil
