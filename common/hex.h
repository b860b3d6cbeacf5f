// Hexadecimal encoding of bytes, as webhook signatures carry their MACs. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil {

// The value of one hex digit (0-9, a-f, A-F), or -1 for any other character.
int HexDigitValue(char c);

// Lower-case hex, two characters per byte.
std::string HexEncode(std::string_view bytes);

// Decodes upper- or lower-case hex. An odd length or a non-hex character is an error; the error
// names the offset, never the input.
Result<std::string> HexDecode(std::string_view text);

}  // namespace vigil
