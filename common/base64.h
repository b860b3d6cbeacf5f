// Base64 (RFC 4648) in its two alphabets: standard ("+/") for HTTP signatures and urlsafe ("-_")
// for Fernet keys and tokens. Pure functions; any thread may call them.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil {

enum class Base64Alphabet { kStandard, kUrlSafe };

// Encodes bytes; `pad` adds the trailing '=' so the length is a multiple of 4.
std::string Base64Encode(std::string_view bytes, Base64Alphabet alphabet = Base64Alphabet::kStandard,
                         bool pad = true);

// Decodes text in the given alphabet. Padding is optional, but if present it must be complete
// and only at the end. Any character outside the alphabet (including whitespace and characters of
// the other alphabet) is an error, as is a length that no encoding produces (4n+1). The error
// names the offset, never the input, since the input may be a secret.
Result<std::string> Base64Decode(std::string_view text,
                                 Base64Alphabet alphabet = Base64Alphabet::kStandard);

}  // namespace vigil
