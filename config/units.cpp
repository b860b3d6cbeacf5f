#include "config/units.h"

#include <cctype>

namespace vigil {
namespace {

std::optional<int64_t> UnitMillis(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60'000;
  if (unit == "h") return 3'600'000;
  if (unit == "d") return 86'400'000;
  if (unit == "w") return 7 * 86'400'000LL;
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 12) return std::nullopt;
    int64_t n = std::stoll(std::string(text.substr(start, i - start)));
    size_t ustart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    auto mult = UnitMillis(text.substr(ustart, i - ustart));
    if (!mult) return std::nullopt;
    // "555555555551d" is 4.8e19 ms, past int64 (found by interval_schedule_fuzz): not a duration.
    int64_t part = 0;
    if (__builtin_mul_overflow(n, *mult, &part) || __builtin_add_overflow(total, part, &total)) return std::nullopt;
  }
  return std::chrono::milliseconds(total);
}

std::string DurationError(std::string_view text) {
  bool bare = !text.empty() && text.size() <= 12;
  for (char c : text) bare = bare && std::isdigit(static_cast<unsigned char>(c));
  if (bare) {
    std::string n(text);
    return "\"" + n + "\" has no unit: write " + n + "s for seconds (or " + n + "ms, " + n + "m, " + n + "h, " + n + "d)";
  }
  return "expected a duration such as 90s, 5m, 1h or 1d, got \"" + std::string(text) + "\"";
}

Result<std::chrono::milliseconds> DurationValue(const nlohmann::json& value) {
  if (value.is_number_integer() && value.get<int64_t>() >= 0) return Status::Error(DurationError(value.dump()));
  if (!value.is_string()) return Status::Error("expected a duration such as 90s, 5m, 1h or 1d, got " + value.dump());
  auto d = ParseDuration(value.get<std::string>());
  if (!d) return Status::Error(DurationError(value.get<std::string>()));
  return *d;
}

std::string FormatDuration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  static const std::pair<int64_t, const char*> kUnits[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (auto [size, name] : kUnits) {
    if (ms % size == 0) return std::to_string(ms / size) + name;
  }
  return std::to_string(ms) + "ms";
}

std::string FormatByteSize(uint64_t bytes) {
  static const std::pair<uint64_t, const char*> kUnits[] = {{1ULL << 30, "GiB"}, {1ULL << 20, "MiB"}, {1ULL << 10, "KiB"}};
  for (auto [size, name] : kUnits) {
    if (bytes != 0 && bytes % size == 0) return std::to_string(bytes / size) + " " + name;
  }
  return std::to_string(bytes) + " B";
}

std::optional<uint64_t> ParseByteSize(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 15) return std::nullopt;
  uint64_t n = std::stoull(std::string(text.substr(0, i)));
  std::string_view unit = text.substr(i);
  if (unit.empty() || unit == "B") return n;
  static const std::pair<const char*, uint64_t> kUnits[] = {
      {"KiB", 1ULL << 10}, {"MiB", 1ULL << 20}, {"GiB", 1ULL << 30},
      {"KB", 1000ULL},     {"MB", 1000'000ULL}, {"GB", 1000'000'000ULL}};
  for (auto [name, mult] : kUnits) {
    uint64_t bytes = 0;
    if (unit == name) return __builtin_mul_overflow(n, mult, &bytes) ? std::nullopt : std::optional<uint64_t>(bytes);
  }
  return std::nullopt;
}

}  // namespace vigil
