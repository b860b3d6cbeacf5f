// Parsing of the human units used in the config file: durations and byte sizes.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil {

// "90s", "5m", "1h", "1d", "1w", "250ms", "1h30m". nullopt if malformed, and for a bare number:
// "300" has no unit (seconds? milliseconds?), so it is refused with a suggestion (DurationError).
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);
// Why `text` is not a duration: a bare number is told to write its unit ("write 300s"), anything
// else gets the usual examples.
std::string DurationError(std::string_view text);
// A duration as a config value holds it: a string with units. A number (YAML `every: 300` read
// into a free-form block) is the same error as the text "300".
Result<std::chrono::milliseconds> DurationValue(const nlohmann::json& value);
// The shortest exact spelling: 90000ms -> "90s", 3600000 -> "1h".
std::string FormatDuration(std::chrono::milliseconds d);

// "1 KiB", "1 MiB", "16 KiB", "1000 B": the largest binary unit that divides `bytes`.
std::string FormatByteSize(uint64_t bytes);

// "512", "64KiB", "1MiB", "2GiB", "10KB" (KB = 1000); nullopt if malformed.
std::optional<uint64_t> ParseByteSize(std::string_view text);

}  // namespace vigil
