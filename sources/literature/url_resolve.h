// Reference resolution (RFC 3986 section 5): turns a link found in a document into an absolute
// URL given the document's base. Pure string work, no I/O, no percent-decoding or
// normalisation beyond removing dot segments. Any thread may call it.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// Resolves `reference` against `base` per RFC 3986 5.2 (strict: a reference with a scheme is
// kept as is). An empty base, or a base without a scheme, leaves a relative reference as
// written (after trimming surrounding whitespace), since there is nothing to resolve against.
std::string ResolveUrl(std::string_view base, std::string_view reference);

// RFC 3986 5.2.4: "/a/b/c/./../../g" -> "/a/g".
std::string RemoveDotSegments(std::string_view path);

// True when `s` is an absolute http, https or ftp URL (scheme in any case) with a plausible
// authority: not empty, no spaces or angle brackets, a '[' only around an IPv6 literal. Feeds use
// it to tell a guid or Atom id that is a permalink from one that is only a name ("urn:...", "1234").
bool IsAbsoluteWebUrl(std::string_view s);

}  // namespace vigil
