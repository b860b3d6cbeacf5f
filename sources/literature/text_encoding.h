// Character encodings for fetched documents: decides which charset an XML document is in
// (byte-order mark, HTTP Content-Type charset per RFC 3023, the XML prolog, UTF-16/32 sniffing)
// and converts it to UTF-8 with glibc iconv. Pure functions; any thread may call them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// Converts `bytes` from `charset` (any name glibc iconv knows) to UTF-8. Returns nullopt when
// the charset is unknown or the bytes are not valid in it; never partially converts.
std::optional<std::string> ConvertToUtf8(std::string_view bytes, std::string_view charset);

// The media type of a Content-Type header, lower-cased, without parameters ("text/xml").
std::string MediaTypeOf(std::string_view content_type);

// The charset parameter of a Content-Type header, lower-cased and unquoted; "" when absent.
std::string CharsetOf(std::string_view content_type);

// The encoding named by the XML declaration (`<?xml ... encoding="x"?>`), lower-cased; "" when
// there is no declaration or it names none. Reads ASCII-compatible bytes only.
std::string XmlDeclaredEncoding(std::string_view bytes);

// An XML document converted to UTF-8, its XML declaration's encoding pseudo-attribute blanked
// out (replaced by spaces) so an XML parser reading the UTF-8 bytes is not misled.
struct DecodedXml {
  std::string utf8;
  std::string encoding;                // the charset actually used, lower-case ("utf-8")
  std::vector<std::string> warnings;   // why the declared charset was not usable, if it was not
};

// Decides the charset of an XML document and converts it. Order, mirroring feedparser:
// BOM; else the HTTP charset for XML media types (text/xml-ish defaults to us-ascii, ignoring
// the prolog, per RFC 3023; application/xml-ish falls back to the prolog); else the prolog;
// else UTF-8. A non-XML media type, a bogus or failing charset, or a BOM that disagrees with
// the declaration adds a warning; decoding then falls back to UTF-8, then windows-1252
// (which accepts almost anything; bytes it leaves undefined become U+FFFD). Never fails.
DecodedXml DecodeXmlDocument(std::string_view bytes, std::string_view content_type);

}  // namespace vigil
