// Hexadecimal encoding of bytes, as webhook signatures carry their MACs. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil {

// Lower-case hex, two characters per byte.
std::string HexEncode(std::string_view bytes);

// Decodes upper- or lower-case hex. An odd length or a non-hex character is an error; the error
// names the offset, never the input.
Result<std::string> HexDecode(std::string_view text);

}  // namespace vigil
