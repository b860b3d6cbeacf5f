// Encodings that keep an e-mail within RFC 5322 whatever text it carries: quoted-printable
// bodies (RFC 2045, lines of at most 76 characters, any byte safe) and RFC 2047 encoded-words for
// headers with non-ASCII text or lines too long to send as they are. Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// `text` (LF or CRLF line ends) as quoted-printable with CRLF line ends: each line at most 76
// characters (long lines get soft breaks, "=" CRLF, never inside an "=XX"), '=' and every byte
// outside printable ASCII as "=XX", a space or tab before a line end encoded.
std::string QuotedPrintable(std::string_view text);

// A header's unstructured text (a subject): as it is when it is printable ASCII short enough for
// one line; else RFC 2047 B encoded-words ("=?UTF-8?B?...?="), each at most 75 characters and
// holding whole UTF-8 characters, folded onto continuation lines (CRLF SP).
std::string HeaderText(std::string_view text);

// An address header's value ("Name <addr>" or a bare address) with a non-ASCII display name
// encoded by HeaderText; the address itself is left as it is.
std::string AddressHeader(std::string_view address);

}  // namespace vigil
