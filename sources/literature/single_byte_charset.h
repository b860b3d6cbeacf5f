// Single-byte charsets (windows-1251, iso-8859-5, koi8-r...) decoded to UTF-8 by a table of
// 256 entries, built once per charset and thread from what glibc iconv makes of each byte.
// A table lookup per byte is several times faster than iconv's conversion, and gives the same
// result because in these charsets every byte stands for one character on its own.
// Any thread may call these; each thread keeps its own tables.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil {

// `bytes` in `charset` (a lower-case name) converted to UTF-8. Returns false, touching
// nothing, when `charset` is not a single-byte charset iconv knows (the caller converts some
// other way); otherwise true, with `out` nullopt when a byte is not defined in the charset.
bool DecodeSingleByteCharset(std::string_view bytes, const std::string& charset,
                             std::optional<std::string>& out);

}  // namespace vigil
