// Random valid 5-field cron expressions for the peer and reference tests. Seeded and built on
// std::mt19937_64 with plain modulo (no std:: distributions, whose output differs between
// standard libraries), so a failing case reproduces anywhere from its seed.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace vigil::cron_test {

class RandomCronExpr {
 public:
  explicit RandomCronExpr(uint64_t seed) : rng_(seed) {}

  int Below(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  bool OneIn(int n) { return Below(n) == 0; }
  uint64_t Raw() { return rng_(); }

  // `hours_near_midnight` biases the hour field towards 0-3, where DST transitions happen.
  std::string Next(bool hours_near_midnight = false) {
    const std::string minute = Field(0, 59, nullptr, 3);
    const std::string hour = hours_near_midnight && !OneIn(4) ? NightHour() : Field(0, 23, nullptr, 3);
    const std::string dom = OneIn(2) ? "*" : Field(1, 31, nullptr, 5);
    const std::string month = OneIn(2) ? "*" : Field(1, 12, kMonths, 4);
    const std::string dow = OneIn(2) ? "*" : DayOfWeek();
    return minute + " " + hour + " " + dom + " " + month + " " + dow;
  }

 private:
  static constexpr const char* kMonths[13] = {nullptr, "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                              "JUL",   "AUG", "SEP", "OCT", "NOV", "DEC"};
  static constexpr const char* kDays[8] = {"SUN", "mon", "Tue", "WED", "thu", "FRI", "sat", "SUN"};

  std::string Value(int v, const char* const* names) {
    return names != nullptr && names[v] != nullptr && OneIn(3) ? names[v] : std::to_string(v);
  }

  // One list item over [lo, hi].
  std::string Item(int lo, int hi, const char* const* names) {
    const int span = hi - lo + 1;
    switch (Below(6)) {
      case 0:
        return "*/" + std::to_string(Between(1, std::min(span, 20)));
      case 1: {
        const int a = Between(lo, hi);
        return Value(a, names) + "/" + std::to_string(Between(1, std::min(span, 15)));
      }
      case 2: {
        const int a = Between(lo, hi), b = Between(a, hi);
        return Value(a, names) + "-" + Value(b, names);
      }
      case 3: {
        const int a = Between(lo, hi), b = Between(a, hi);
        return Value(a, names) + "-" + Value(b, names) + "/" + std::to_string(Between(1, std::min(span, 10)));
      }
      default:
        return Value(Between(lo, hi), names);
    }
  }

  // A field: '*' in 1 of `star_odds` cases, otherwise a list of 1-3 items, of which only the
  // first may begin with '*' (the day rule looks at a field's first character).
  std::string Field(int lo, int hi, const char* const* names, int star_odds) {
    if (OneIn(star_odds)) return "*";
    std::string field = Item(lo, hi, names);
    const int extra = OneIn(2) ? 0 : Between(1, 2);
    for (int i = 0; i < extra; ++i) {
      std::string item;
      do item = Item(lo, hi, names);
      while (item.front() == '*');
      field += "," + item;
    }
    return field;
  }

  std::string DayOfWeek() {
    switch (Below(8)) {
      case 0: return "7";
      case 1: return kDays[Between(1, 6)] + std::string("-") + (OneIn(2) ? "7" : "SUN");
      case 2: return OneIn(2) ? "0-6" : "1-7";  // full week written out: restricted for Vixie
      default: return Field(0, 7, kDays, 6);
    }
  }

  std::string NightHour() {
    static const char* const kHours[] = {"1", "2", "3", "1-3", "0-4/2", "2,3", "*/2", "0,2", "1,2"};
    return kHours[Below(9)];
  }

  std::mt19937_64 rng_;
};

}  // namespace vigil::cron_test
