#include "sources/literature/feed_dates.h"

#include <date/date.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include "common/ascii.h"

namespace vigil {
namespace {

struct Fields {
  int year = -1, month = -1, day = -1;
  int hour = 0, minute = 0, second = 0;
  int offset_minutes = 0;  // east of UTC
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at s[i]; advances i.
bool ReadDigits(std::string_view s, size_t& i, size_t n, int& value) {
  if (i + n > s.size()) return false;
  value = 0;
  for (size_t k = 0; k < n; ++k) {
    if (!IsDigit(s[i + k])) return false;
    value = value * 10 + (s[i + k] - '0');
  }
  i += n;
  return true;
}

constexpr size_t kMaxDateLength = 200;  // longer text is no date

// Zone names feeds use, in hours east of UTC. Military letters follow RFC 822's signs.
std::optional<int> NamedZoneMinutes(std::string_view name) {
  struct Zone { std::string_view name; int hours; };
  static constexpr std::array<Zone, 23> kZones = {{
      {"ut", 0}, {"utc", 0}, {"gmt", 0}, {"z", 0}, {"wet", 0}, {"bst", 1}, {"cet", 1},
      {"met", 1}, {"cest", 2}, {"mest", 2}, {"adt", -3}, {"ast", -4}, {"at", -4}, {"edt", -4},
      {"est", -5}, {"et", -5}, {"cdt", -5}, {"cst", -6}, {"ct", -6}, {"mdt", -6}, {"mst", -7},
      {"mt", -7}, {"pdt", -7}}};
  if (name == "pst" || name == "pt") return -8 * 60;
  for (const Zone& z : kZones)
    if (z.name == name) return z.hours * 60;
  if (name.size() == 1 && name[0] >= 'a' && name[0] <= 'y' && name[0] != 'j') {
    char c = name[0];
    if (c <= 'i') return -(c - 'a' + 1) * 60;
    if (c <= 'm') return -(c - 'k' + 10) * 60;
    return (c - 'n' + 1) * 60;
  }
  return std::nullopt;
}

// "+hh:mm", "+hhmm", "+hh", "-..."; the whole of `s` must be the offset.
std::optional<int> NumericOffsetMinutes(std::string_view s) {
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  int sign = s[0] == '-' ? -1 : 1;
  size_t i = 1;
  int h = 0, m = 0;
  if (!ReadDigits(s, i, 2, h)) return std::nullopt;
  if (i < s.size() && s[i] == ':') ++i;
  if (i < s.size() && !ReadDigits(s, i, 2, m)) return std::nullopt;
  // Out-of-range offsets ("+3000") are taken at face value, as feedparser does, rather than
  // losing the date.
  if (i != s.size()) return std::nullopt;
  return sign * (h * 60 + m);
}

std::optional<int> ZoneMinutes(std::string_view token) {
  std::string z = AsciiLower(token);
  if (z.starts_with("etc/")) z.erase(0, 4);
  if (auto n = NumericOffsetMinutes(z)) return n;
  for (std::string_view prefix : {"gmt", "utc", "ut"}) {
    if (z.size() > prefix.size() && z.starts_with(prefix) && (z[prefix.size()] == '+' || z[prefix.size()] == '-'))
      return NumericOffsetMinutes(std::string_view(z).substr(prefix.size()));
  }
  return NamedZoneMinutes(z);
}

// A TimePoint counts nanoseconds in 64 bits (1677-09-21 to 2262-04-11); whole years inside that
// span stay inside it whatever the time of day and offset.
constexpr int kFirstYear = 1678;
constexpr int kLastYear = 2261;

std::optional<TimePoint> ToTimePoint(const Fields& f) {
  if (f.year < kFirstYear || f.year > kLastYear || f.month < 1 || f.month > 12 || f.day < 1) return std::nullopt;
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return std::nullopt;
  date::year_month_day ymd{date::year{f.year}, date::month{static_cast<unsigned>(f.month)},
                           date::day{static_cast<unsigned>(f.day)}};
  if (!ymd.ok()) return std::nullopt;
  using namespace std::chrono;
  return TimePoint(date::sys_days(ymd)) + hours(f.hour) + minutes(f.minute) + seconds(f.second) -
         minutes(f.offset_minutes);
}

// hh[:]mm[[:]ss[.fraction]] at s[i]; the colon style must be consistent.
bool ReadClock(std::string_view s, size_t& i, Fields& f) {
  if (!ReadDigits(s, i, 2, f.hour)) return false;
  bool colon = i < s.size() && s[i] == ':';
  if (colon) ++i;
  if (!ReadDigits(s, i, 2, f.minute)) return false;
  if (i < s.size() && (s[i] == ':' || (!colon && IsDigit(s[i])))) {
    if (s[i] == ':') ++i;
    if (!ReadDigits(s, i, 2, f.second)) return false;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      while (i < s.size() && IsDigit(s[i])) ++i;
    }
  }
  return true;
}

// W3CDTF / RFC 3339 / ISO 8601 (basic and extended); partial dates allowed.
std::optional<TimePoint> ParseIso(std::string_view s) {
  Fields f;
  size_t i = 0;
  if (!ReadDigits(s, i, 4, f.year)) return std::nullopt;
  f.month = 1;
  f.day = 1;
  bool dashed = i < s.size() && s[i] == '-';
  if (i < s.size() && (dashed || IsDigit(s[i]))) {
    if (dashed) ++i;
    if (!ReadDigits(s, i, 2, f.month)) return std::nullopt;
    if (i < s.size() && (dashed ? s[i] == '-' : IsDigit(s[i]))) {
      if (dashed) ++i;
      if (!ReadDigits(s, i, 2, f.day)) return std::nullopt;
    }
  }
  if (i < s.size() && (s[i] == 'T' || s[i] == 't' || s[i] == ' ') && i + 1 < s.size() && IsDigit(s[i + 1])) {
    ++i;
    if (!ReadClock(s, i, f)) return std::nullopt;
  }
  while (i < s.size() && s[i] == ' ') ++i;
  if (i < s.size()) {
    auto zone = ZoneMinutes(s.substr(i));
    if (!zone) return std::nullopt;
    f.offset_minutes = *zone;
  }
  return ToTimePoint(f);
}

int MonthNumber(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return 0;
  for (size_t m = 0; m < kMonths.size(); ++m)
    if (word.substr(0, 3) == kMonths[m]) return static_cast<int>(m) + 1;
  return 0;
}

bool IsDayName(std::string_view word) {
  static constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  return word.size() >= 3 && std::find(kDays.begin(), kDays.end(), word.substr(0, 3)) != kDays.end();
}

// Calls `word` with each word of `lower` (already lower-cased), split on spaces and commas,
// (comments) dropped; stops at the first word it returns false for, and returns false then.
template <typename WordFn>
bool ForEachWord(std::string_view lower, WordFn word) {
  size_t start = 0;
  int paren = 0;
  for (size_t i = 0; i <= lower.size(); ++i) {
    char c = i < lower.size() ? lower[i] : ' ';
    if (c == '(') ++paren;
    bool separator = paren > 0 || c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r';
    if (c == ')' && paren > 0) --paren;
    if (separator) {
      if (i > start && !word(lower.substr(start, i - start))) return false;
      start = i + 1;
    }
  }
  return true;
}

bool AllDigits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit); }

// One word of an RFC 822 / asctime style date; false when the word makes no sense there.
bool ReadWord(std::string_view t, Fields& f, bool& have_time, bool& two_digit_year) {
  if (AllDigits(t)) {
    int v = 0;
    for (char c : t.substr(0, 4)) v = v * 10 + (c - '0');
    if (t.size() > 4) v = -1;
    if (t.size() == 4 && f.year < 0) { f.year = v; return true; }
    if (t.size() <= 2 && f.day < 0 && v >= 1 && v <= 31) { f.day = v; return true; }
    if (t.size() <= 2 && f.year < 0) { f.year = v; two_digit_year = true; return true; }
    return false;
  }
  if (!have_time && t.find(':') != std::string_view::npos && IsDigit(t[0])) {
    std::string clock;
    if (t.size() >= 2 && t[1] == ':') clock.push_back('0');  // "9:05" -> "09:05"
    clock.append(t);
    size_t i = 0;
    if (!ReadClock(clock, i, f)) return false;
    have_time = true;
    if (i == clock.size()) return true;
    auto zone = ZoneMinutes(std::string_view(clock).substr(i));
    if (zone) f.offset_minutes = *zone;
    return zone.has_value();
  }
  if (int m = MonthNumber(t); m > 0 && f.month < 0 && std::all_of(t.begin(), t.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '.'; })) {
    f.month = m;
    return true;
  }
  if (IsDayName(t) && std::isalpha(static_cast<unsigned char>(t.back()))) return true;
  if (t == "am") return true;
  if (t == "pm") { if (have_time && f.hour < 12) f.hour += 12; return true; }
  if (auto zone = ZoneMinutes(t)) { f.offset_minutes = *zone; return true; }
  return false;
}

// RFC 822 / RFC 1123 / asctime and their broken cousins, read word by word.
std::optional<TimePoint> ParseWords(std::string_view text) {
  Fields f;
  bool have_time = false, two_digit_year = false;
  char lower[kMaxDateLength];  // ParseFeedDate turns longer text away
  for (size_t i = 0; i < text.size(); ++i) lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  if (!ForEachWord(std::string_view(lower, text.size()),
                   [&](std::string_view t) { return ReadWord(t, f, have_time, two_digit_year); }))
    return std::nullopt;
  if (two_digit_year) f.year += f.year < 90 ? 2000 : 1900;
  return ToTimePoint(f);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<TimePoint> ParseFeedDate(std::string_view text) {
  text = Trim(text);
  if (text.empty() || text.size() > kMaxDateLength) return std::nullopt;
  if (text.size() >= 4 && AllDigits(text.substr(0, 4)))
    if (auto t = ParseIso(text)) return t;
  return ParseWords(text);
}

std::string FormatRfc3339Utc(TimePoint t) {
  // Hand-rolled: date::format goes through iostreams and locales, snprintf parses its format
  // every time, and feeds format many dates.
  auto day = date::floor<date::days>(t);
  date::year_month_day ymd(day);
  long s = static_cast<long>((std::chrono::floor<std::chrono::seconds>(t) - day).count());
  int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", year,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), s / 3600,
                  s / 60 % 60, s % 60);
    return buf;
  }
  std::string out = "0000-00-00T00:00:00Z";
  auto put = [&out](size_t at, long value, int digits) {
    for (int k = digits - 1; k >= 0; --k, value /= 10) out[at + static_cast<size_t>(k)] = static_cast<char>('0' + value % 10);
  };
  put(0, year, 4);
  put(5, static_cast<long>(static_cast<unsigned>(ymd.month())), 2);
  put(8, static_cast<long>(static_cast<unsigned>(ymd.day())), 2);
  put(11, s / 3600, 2);
  put(14, s / 60 % 60, 2);
  put(17, s % 60, 2);
  return out;
}

}  // namespace vigil
