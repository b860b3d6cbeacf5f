// ASCII case: protocol tokens (header names, media types, charsets, schemes, SQL type names,
// identifiers) compare without case in ASCII only, whatever the process locale. Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// 'A'..'Z' to 'a'..'z'; every other byte (UTF-8 included) unchanged.
constexpr char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

// `s` with AsciiLower applied to each byte.
std::string AsciiLower(std::string_view s);

// True if `a` and `b` are equal ignoring ASCII case.
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

}  // namespace vigil
