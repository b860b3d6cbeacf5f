#include "common/iso8601.h"

#include <cstdio>
#include <cstdlib>
#include <optional>

namespace vigil {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

std::string FormatOffset(seconds offset) {
  const char sign = offset < seconds(0) ? '-' : '+';
  const long total = std::labs(static_cast<long>(offset.count()));
  char buf[48];
  if (total % 60 == 0) {
    std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", sign, total / 3600, total / 60 % 60);
  } else {  // Local mean time offsets before ~1900 carry seconds.
    std::snprintf(buf, sizeof buf, "%c%02ld:%02ld:%02ld", sign, total / 3600, total / 60 % 60,
                  total % 60);
  }
  return buf;
}

// A cursor over the input that reads fixed-width numbers and literal characters. On failure it
// remembers the first position that did not fit, for the error message.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  size_t pos() const { return pos_; }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

  std::optional<int> Digits(size_t width) {
    if (text_.size() - pos_ < width) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < width; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += width;
    return value;
  }

  bool Accept(char c) {
    if (Peek() != c || AtEnd()) return false;
    ++pos_;
    return true;
  }

  bool AcceptAny(std::string_view chars) {
    if (AtEnd() || chars.find(Peek()) == std::string_view::npos) return false;
    ++pos_;
    return true;
  }

  // Digits after the decimal point, as nanoseconds; digits past the ninth are dropped.
  std::optional<Duration> Fraction() {
    const size_t start = pos_;
    long long nanos = 0;
    int digits = 0;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
      if (digits < 9) nanos = nanos * 10 + (Peek() - '0'), ++digits;
      ++pos_;
    }
    if (pos_ == start) return std::nullopt;
    for (; digits < 9; ++digits) nanos *= 10;
    return std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(nanos));
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

Status ErrorAt(std::string_view text, const Reader& r, const std::string& expected) {
  return Status::Error("invalid ISO 8601 time \"" + std::string(text) + "\": expected " + expected +
                       " at position " + std::to_string(r.pos() + 1));
}

constexpr int kFirstYear = 1678;
constexpr int kLastYear = 2261;

struct WallClock {
  date::local_days day;
  Duration time_of_day{};
};

Result<WallClock> ReadWallClock(std::string_view text, Reader& r) {
  const auto y = r.Digits(4);
  if (!y || !r.Accept('-')) return ErrorAt(text, r, "YYYY-");
  // A TimePoint counts nanoseconds in 64 bits: 1677-09-21 to 2262-04-11. Whole years inside
  // that span stay inside it whatever the time of day and offset.
  if (*y < kFirstYear || *y > kLastYear) {
    return ErrorAt(text, Reader(text), "a year from " + std::to_string(kFirstYear) + " to " + std::to_string(kLastYear));
  }
  const auto mo = r.Digits(2);
  if (!mo || !r.Accept('-')) return ErrorAt(text, r, "MM-");
  const auto d = r.Digits(2);
  if (!d) return ErrorAt(text, r, "DD");
  const date::year_month_day ymd{date::year{*y}, date::month(*mo), date::day(*d)};
  if (!ymd.ok()) return ErrorAt(text, r, "a valid calendar date");
  if (!r.AcceptAny("Tt ")) return ErrorAt(text, r, "'T' or ' '");
  const auto h = r.Digits(2);
  if (!h || *h > 23 || !r.Accept(':')) return ErrorAt(text, r, "hour 00-23 and ':'");
  const auto mi = r.Digits(2);
  if (!mi || *mi > 59) return ErrorAt(text, r, "minute 00-59");
  WallClock wall{date::local_days(ymd), hours(*h) + minutes(*mi)};
  if (!r.Accept(':')) return wall;
  const auto s = r.Digits(2);
  if (!s || *s > 59) return ErrorAt(text, r, "second 00-59");
  wall.time_of_day += seconds(*s);
  if (r.AcceptAny(".,")) {
    const auto fraction = r.Fraction();
    if (!fraction) return ErrorAt(text, r, "fractional second digits");
    wall.time_of_day += *fraction;
  }
  return wall;
}

// Z, +HH:MM, +HHMM or +HH; nullopt when the text ends without an offset.
Result<std::optional<seconds>> ReadOffset(std::string_view text, Reader& r) {
  if (r.AtEnd()) return std::optional<seconds>();
  if (r.AcceptAny("Zz")) return std::optional<seconds>(seconds(0));
  const char sign = r.Peek();
  if (!r.AcceptAny("+-")) return ErrorAt(text, r, "'Z', '+HH:MM' or end of text");
  const auto h = r.Digits(2);
  if (!h || *h > 23) return ErrorAt(text, r, "offset hours 00-23");
  int m = 0;
  if (!r.AtEnd()) {
    r.Accept(':');
    const auto digits = r.Digits(2);
    if (!digits || *digits > 59) return ErrorAt(text, r, "offset minutes 00-59");
    m = *digits;
  }
  const seconds magnitude = hours(*h) + minutes(m);
  return std::optional<seconds>(sign == '-' ? -magnitude : magnitude);
}

}  // namespace

std::string FormatIso8601(TimePoint instant, const date::time_zone* zone) {
  const auto whole = date::floor<seconds>(instant);
  const seconds offset = UtcOffsetAt(whole, zone);
  const date::local_seconds wall{whole.time_since_epoch() + offset};
  return date::format("%Y-%m-%dT%H:%M:%S", wall) + FormatOffset(offset);
}

std::string FormatUtcZ(TimePoint instant) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", date::floor<seconds>(instant));
}

Result<TimePoint> ParseIso8601(std::string_view text, const date::time_zone* default_zone) {
  Reader r(text);
  Result<WallClock> wall = ReadWallClock(text, r);
  if (!wall.ok()) return wall.status();
  Result<std::optional<seconds>> offset = ReadOffset(text, r);
  if (!offset.ok()) return offset.status();
  if (!r.AtEnd()) return ErrorAt(text, r, "end of text");
  const LocalTime local = LocalTime(wall->day) + wall->time_of_day;
  if (!offset->has_value()) return ResolveLocalTime(local, default_zone);
  return TimePoint(local.time_since_epoch() - **offset);
}

}  // namespace vigil
