// Errors as values at module boundaries (STYLE.md 4). A Status is ok or carries a message
// that says what failed and where, and a kind that says what a caller may do about it (retry,
// answer 503, treat as a duplicate), as leveldb's Status carries its code; Result<T> is a value
// or a Status.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace vigil {

// What kind of failure an error is. Most errors are kOther; the others are the ones a caller
// decides on: the store sets them from the database's error codes.
enum class ErrorKind {
  kOther,
  kUnavailable,    // the other side is gone or cannot be reached (a lost connection): retry later
  kBusy,           // the other side is there but locked or contended: retry soon
  kAlreadyExists,  // a unique key is taken (a duplicate)
  kNotFound,       // what was named does not exist (a missing table)
  kPermanent,      // the other side refused what was asked and will refuse it again (a feed gone
                   // with 404/410, a 401/403, an invalid query): waiting will not heal it, a
                   // person must change the request; never retried
};

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message, ErrorKind kind = ErrorKind::kOther) {
    return Status(std::move(message), true, kind);
  }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return message_; }
  // kOther for an ok status.
  ErrorKind kind() const { return kind_; }

  // Prefixes context ("loading config: ...") onto an error, keeping its kind; ok stays ok.
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Error(context + ": " + message_, kind_);
  }

 private:
  Status(std::string message, bool failed, ErrorKind kind)
      : message_(std::move(message)), failed_(failed), kind_(kind) {}
  std::string message_;
  bool failed_ = false;
  ErrorKind kind_ = ErrorKind::kOther;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Status error) : v_(std::move(error)) {}      // NOLINT: must be an error status

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }
  const std::string& error() const { return std::get<Status>(v_).message(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace vigil
