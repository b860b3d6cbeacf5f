// Parsing of the human units used in the config file: durations and byte sizes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

// "90s", "5m", "1h", "1d", "250ms", "1h30m"; a bare integer means seconds. nullopt if malformed.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);
// The shortest exact spelling: 90000ms -> "90s", 3600000 -> "1h".
std::string FormatDuration(std::chrono::milliseconds d);

// "512", "64KiB", "1MiB", "2GiB", "10KB" (KB = 1000); nullopt if malformed.
std::optional<uint64_t> ParseByteSize(std::string_view text);

}  // namespace vigil
