// Named HTML character references (&eacute; and friends), for decoding feed text that carries
// HTML and for rewriting such references in XML, which only defines the five XML ones.
#pragma once

#include <optional>
#include <string_view>

namespace vigil {

// The code point of a named reference, case-sensitive, without '&' and ';' ("eacute" -> U+00E9);
// nullopt for an unknown name.
std::optional<char32_t> LookupHtmlEntity(std::string_view name);

}  // namespace vigil
