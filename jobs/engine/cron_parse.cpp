// Parsing of cron expressions into CronExpr (grammar in jobs/engine/cron.h).
#include <array>
#include <cctype>
#include <utility>

#include "jobs/engine/cron.h"

namespace vigil {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const std::array<const char*, 12>* names;  // names[i] is the value min_name + i
  int min_name;
  const char* name_range;  // for error messages
};

constexpr std::array<const char*, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 12> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI",
                                                   "SAT", nullptr, nullptr, nullptr, nullptr,
                                                   nullptr};

constexpr FieldSpec kSecond{"second", 0, 59, nullptr, 0, nullptr};
constexpr FieldSpec kMinute{"minute", 0, 59, nullptr, 0, nullptr};
constexpr FieldSpec kHour{"hour", 0, 23, nullptr, 0, nullptr};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31, nullptr, 0, nullptr};
constexpr FieldSpec kMonth{"month", 1, 12, &kMonthNames, 1, "JAN-DEC"};
constexpr FieldSpec kDayOfWeek{"day-of-week", 0, 7, &kDayNames, 0, "SUN-SAT"};

constexpr std::array<std::pair<const char*, const char*>, 7> kMacros = {{
    {"@hourly", "0 * * * *"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@weekly", "0 0 * * 0"},
    {"@monthly", "0 0 1 * *"},
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
}};

struct Token {
  std::string_view text;
  size_t column;  // 1-based position in the whole expression
};

std::vector<Token> SplitFields(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t') {
      ++i;
      continue;
    }
    const size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    tokens.push_back({text.substr(start, i - start), start + 1});
  }
  return tokens;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int DigitsValue(std::string_view s) {  // saturates, so "99999999999" is just out of range
  int value = 0;
  for (char c : s) value = value < 100000 ? value * 10 + (c - '0') : value;
  return value;
}

// Parses one field (number `index`, 1-based as written) into a value set.
class FieldParser {
 public:
  FieldParser(const FieldSpec& spec, int index, Token field)
      : spec_(spec), index_(index), field_(field) {}

  Result<CronValueSet> Parse() {
    CronValueSet set;
    size_t start = 0;
    while (true) {
      const size_t comma = field_.text.find(',', start);
      const size_t end = comma == std::string_view::npos ? field_.text.size() : comma;
      Status s = ParseItem(field_.text.substr(start, end - start), field_.column + start, set);
      if (!s.ok()) return s;
      if (comma == std::string_view::npos) return set;
      start = comma + 1;
    }
  }

 private:
  Status Error(const std::string& detail, size_t column) const {
    return Status::Error("field " + std::to_string(index_) + " (" + spec_.name + ") \"" +
                         std::string(field_.text) + "\": " + detail + " (at column " +
                         std::to_string(column) + ")");
  }

  std::string Range() const { return std::to_string(spec_.min) + "-" + std::to_string(spec_.max); }

  Result<int> Value(std::string_view text, size_t column) const {
    int value;
    if (AllDigits(text)) {
      value = DigitsValue(text);
    } else if (spec_.names == nullptr) {
      return Error("\"" + std::string(text) + "\" is not a number", column);
    } else {
      const std::string upper = Upper(text);
      value = -1;
      for (size_t i = 0; i < spec_.names->size(); ++i) {
        if ((*spec_.names)[i] != nullptr && upper == (*spec_.names)[i]) {
          value = spec_.min_name + static_cast<int>(i);
        }
      }
      if (value < 0) {
        return Error("unknown " + std::string(spec_.name) + " name \"" + std::string(text) +
                         "\" (expected " + spec_.name_range + ")",
                     column);
      }
    }
    if (value < spec_.min || value > spec_.max) {
      return Error("value " + std::to_string(value) + " out of range " + Range(), column);
    }
    return value;
  }

  Result<int> Step(std::string_view text, size_t column) const {
    const int span = spec_.max - spec_.min + 1;
    if (!AllDigits(text)) return Error("step \"" + std::string(text) + "\" is not a number", column);
    const int step = DigitsValue(text);
    if (step < 1 || step > span) {
      return Error("step " + std::to_string(step) + " must be between 1 and " +
                       std::to_string(span),
                   column);
    }
    return step;
  }

  Status ParseItem(std::string_view item, size_t column, CronValueSet& set) const {
    if (item.empty()) return Error("empty list item", column);
    const size_t slash = item.find('/');
    const std::string_view base = item.substr(0, slash);
    int step = 1;
    if (slash != std::string_view::npos) {
      Result<int> parsed = Step(item.substr(slash + 1), column + slash + 1);
      if (!parsed.ok()) return parsed.status();
      step = *parsed;
    }
    if (base.empty()) return Error("missing value before the step", column);
    int lo = spec_.min, hi = spec_.max;
    if (base != "*") {
      const size_t dash = base.find('-');
      Result<int> first = Value(base.substr(0, dash), column);
      if (!first.ok()) return first.status();
      lo = *first;
      hi = slash == std::string_view::npos ? lo : spec_.max;  // "5/15" means 5-max/15
      if (dash != std::string_view::npos) {
        Result<int> last = Value(base.substr(dash + 1), column + dash + 1);
        if (!last.ok()) return last.status();
        hi = *last;
        // FRI-SUN: Sunday as the end of a week range is day 7, not day 0.
        if (&spec_ == &kDayOfWeek && hi == 0 && lo > 0) hi = 7;
        if (lo > hi) {
          return Error("range " + std::string(base) + " is reversed (start " +
                           std::to_string(lo) + " > end " + std::to_string(hi) + ")",
                       column);
        }
      }
    }
    for (int v = lo; v <= hi; v += step) set.Add(&spec_ == &kDayOfWeek && v == 7 ? 0 : v);
    return Status::Ok();
  }

  const FieldSpec& spec_;
  int index_;
  Token field_;
};

Result<std::string_view> ExpandMacro(std::string_view text) {
  const std::string lower = [&] {
    std::string s(text);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }();
  for (const auto& [name, expansion] : kMacros) {
    if (lower == name) return std::string_view(expansion);
  }
  return Status::Error("unknown macro \"" + std::string(text) +
                       "\" (expected @hourly, @daily, @midnight, @weekly, @monthly, @yearly or "
                       "@annually)");
}

}  // namespace

// Friend of CronExpr: fills in its private fields.
class CronParser {
 public:
  static Result<CronExpr> Parse(std::string_view text) {
    std::vector<Token> tokens = SplitFields(text);
    if (tokens.size() == 1 && tokens[0].text.front() == '@') {
      Result<std::string_view> expansion = ExpandMacro(tokens[0].text);
      if (!expansion.ok()) return expansion.status();
      Result<CronExpr> expr = Parse(*expansion);
      if (expr.ok()) expr->text_ = std::string(tokens[0].text);
      return expr;
    }
    if (tokens.size() != 5 && tokens.size() != 6) {
      return Status::Error("cron expression \"" + std::string(text) + "\" has " +
                           std::to_string(tokens.size()) +
                           " fields; expected 5 (minute hour day-of-month month day-of-week) or 6 "
                           "(second minute hour day-of-month month day-of-week)");
    }
    CronExpr expr;
    expr.text_ = std::string(text);
    expr.has_seconds_field_ = tokens.size() == 6;
    if (!expr.has_seconds_field_) {
      expr.seconds_.Add(0);
      tokens.insert(tokens.begin(), Token{"0", 0});
    }
    const int first_index = expr.has_seconds_field_ ? 1 : 0;  // field numbers as written
    const std::array<std::pair<const FieldSpec*, CronValueSet*>, 6> fields = {{
        {&kSecond, &expr.seconds_},
        {&kMinute, &expr.minutes_},
        {&kHour, &expr.hours_},
        {&kDayOfMonth, &expr.days_of_month_},
        {&kMonth, &expr.months_},
        {&kDayOfWeek, &expr.days_of_week_},
    }};
    for (size_t i = expr.has_seconds_field_ ? 0 : 1; i < fields.size(); ++i) {
      Result<CronValueSet> set =
          FieldParser(*fields[i].first, static_cast<int>(i) + first_index, tokens[i]).Parse();
      if (!set.ok()) return set.status();
      *fields[i].second = *set;
    }
    expr.dom_restricted_ = tokens[3].text.front() != '*';
    expr.dow_restricted_ = tokens[5].text.front() != '*';
    return expr;
  }
};

Result<CronExpr> CronExpr::Parse(std::string_view text) { return CronParser::Parse(text); }

}  // namespace vigil
