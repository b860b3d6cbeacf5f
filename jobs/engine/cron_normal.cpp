// CronExpr::Normalized: one canonical spelling of a parsed expression (contract in cron.h).
#include <array>
#include <set>
#include <string>
#include <vector>

#include "jobs/engine/cron.h"

namespace vigil {
namespace {

constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

struct FieldShape {
  int min;
  int max;
  const char* const* names;  // names[v - min], or null for numbers
  // A day field: whether it was restricted (did not begin with `*`) matters to the either-or
  // rule, so its spelling must keep it: `*`/`*/n` only when unrestricted.
  bool day_field = false;
  bool restricted = false;
};

std::string Value(const FieldShape& f, int v) {
  return f.names != nullptr ? f.names[v - f.min] : std::to_string(v);
}

// The step of `v` when it is an even progression of three values or more, else 0.
int EvenStep(const std::vector<int>& v) {
  if (v.size() < 3) return 0;
  int step = v[1] - v[0];
  for (size_t i = 2; i < v.size(); ++i) {
    if (v[i] - v[i - 1] != step) return 0;
  }
  return step > 1 ? step : 0;
}

// Values and runs: 1-5 as "1-5", two neighbours as "1,2".
std::string ListOf(const FieldShape& f, const std::vector<int>& v) {
  std::string out;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    std::string item = j - i >= 2 ? Value(f, v[i]) + "-" + Value(f, v[j]) : Value(f, v[i]);
    if (j - i == 1) item += "," + Value(f, v[j]);
    out += (out.empty() ? "" : ",") + item;
    i = j + 1;
  }
  return out;
}

// An unrestricted day field that selects only some days (`*/2`, `*/10,5`) keeps its leading `*`:
// the smallest step whose days it all has, then the other days it has.
std::string StarStepAndRest(const FieldShape& f, const std::vector<int>& v) {
  std::set<int> have(v.begin(), v.end());
  for (int step = 2; step <= f.max - f.min + 1; ++step) {
    std::set<int> rest = have;
    bool subset = true;
    for (int x = f.min; x <= f.max && subset; x += step) subset = rest.erase(x) == 1;
    if (!subset) continue;
    std::string out = "*/" + std::to_string(step);
    if (!rest.empty()) out += "," + ListOf(f, std::vector<int>(rest.begin(), rest.end()));
    return out;
  }
  return ListOf(f, v);  // not reached: a step past the range selects `min` alone
}

std::string FieldText(const FieldShape& f, const CronValueSet& set) {
  std::vector<int> v;
  for (int x = f.min; x <= f.max; ++x) {
    if (set.Has(x)) v.push_back(x);
  }
  bool star_allowed = !f.day_field || !f.restricted;
  bool every = static_cast<int>(v.size()) == f.max - f.min + 1;
  if (every) return star_allowed ? "*" : Value(f, f.min) + "-" + Value(f, f.max);
  if (f.day_field && !f.restricted && !v.empty() && v.front() == f.min) return StarStepAndRest(f, v);
  int step = EvenStep(v);
  if (step > 0 && star_allowed && v.front() == f.min && v.back() + step > f.max) return "*/" + std::to_string(step);
  if (step > 0 && f.names == nullptr) return std::to_string(v.front()) + "-" + std::to_string(v.back()) + "/" + std::to_string(step);
  return ListOf(f, v);
}

}  // namespace

std::string CronExpr::Normalized() const {
  const std::array<std::pair<FieldShape, const CronValueSet*>, 6> fields = {{
      {{0, 59, nullptr}, &seconds_},
      {{0, 59, nullptr}, &minutes_},
      {{0, 23, nullptr}, &hours_},
      {{1, 31, nullptr, true, dom_restricted_}, &days_of_month_},
      {{1, 12, kMonths.data()}, &months_},
      {{0, 6, kDays.data(), true, dow_restricted_}, &days_of_week_},
  }};
  std::string out;
  for (const auto& [shape, set] : fields) out += (out.empty() ? "" : " ") + FieldText(shape, *set);
  return out;
}

}  // namespace vigil
