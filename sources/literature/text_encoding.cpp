#include "sources/literature/text_encoding.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <unordered_map>

#include <simdjson.h>

#include "common/ascii.h"
#include "common/utf8.h"
#include "sources/literature/single_byte_charset.h"

namespace vigil {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Python spellings that glibc does not know, and gb2312 widened to its superset (as feedparser).
std::string CanonicalCharset(std::string_view name) {
  std::string n = AsciiLower(Trim(name));
  if (n == "u8" || n == "utf8" || n == "utf_8") return "utf-8";
  if (n == "u16" || n == "utf16" || n == "utf_16") return "utf-16";
  if (n == "u32" || n == "utf32" || n == "utf_32") return "utf-32";
  if (n == "gb2312") return "gb18030";
  return n;
}

bool IsUnicodeFamily(std::string_view n) {
  static constexpr std::array<std::string_view, 14> kNames = {
      "u16", "utf-16", "utf16", "utf_16", "u32", "utf-32", "utf32", "utf_32",
      "iso-10646-ucs-2", "iso-10646-ucs-4", "csucs4", "csunicode", "ucs-2", "ucs-4"};
  return std::find(kNames.begin(), kNames.end(), n) != kNames.end();
}

// simdjson's validator: wide steps chosen for the CPU at run time (it is also what the whole
// document's first pass costs, once for every UTF-8 feed).
bool IsValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

// ISO-8859-1 maps bytes to the first 256 code points; common enough in feeds to do by hand.
std::string Latin1ToUtf8(std::string_view bytes) {
  std::string out(bytes.size() * 2, '\0');
  char* write = out.data();
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      *write++ = ch;
    } else {
      *write++ = static_cast<char>(0xC0 | (c >> 6));
      *write++ = static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  out.resize(static_cast<size_t>(write - out.data()));
  return out;
}

// The decoder of last resort: windows-1252, with its five undefined bytes as U+FFFD.
std::string DecodeWindows1252Lossy(std::string_view bytes) {
  static constexpr std::array<uint16_t, 32> kHigh = {
      0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    AppendUtf8(out, static_cast<char32_t>(c >= 0x80 && c < 0xA0 ? kHigh[c - 0x80] : c));
  }
  return out;
}

// iconv_open loads a gconv module each time, which costs more than converting a feed, so each
// thread keeps its converters open (an iconv_t must not be shared between threads) and closes
// them when it exits.
class IconvCache {
 public:
  ~IconvCache() {
    for (auto& [name, cd] : open_)
      if (cd != kInvalid) iconv_close(cd);
  }
  // A converter to UTF-8 in its initial state, or kInvalid for an unknown charset.
  iconv_t Get(const std::string& charset) {
    auto it = open_.find(charset);
    if (it == open_.end()) {
      if (open_.size() >= 32) return iconv_open("UTF-8", charset.c_str());  // caller closes: see Release
      it = open_.emplace(charset, iconv_open("UTF-8", charset.c_str())).first;
    }
    if (it->second != kInvalid) iconv(it->second, nullptr, nullptr, nullptr, nullptr);
    return it->second;
  }
  // Closes `cd` unless the cache owns it.
  void Release(const std::string& charset, iconv_t cd) {
    if (cd != kInvalid && !open_.contains(charset)) iconv_close(cd);
  }
  static inline const iconv_t kInvalid = reinterpret_cast<iconv_t>(-1);

 private:
  std::unordered_map<std::string, iconv_t> open_;
};

std::optional<std::string> IconvToUtf8(std::string_view bytes, const std::string& charset) {
  thread_local IconvCache cache;
  iconv_t cd = cache.Get(charset);
  if (cd == IconvCache::kInvalid) return std::nullopt;
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  size_t used = 0;
  bool ok = true;
  while (in_left > 0) {
    char* dst = out.data() + used;
    size_t out_left = out.size() - used;
    size_t rc = iconv(cd, &in, &in_left, &dst, &out_left);
    used = out.size() - out_left;
    if (rc != static_cast<size_t>(-1)) break;
    if (errno != E2BIG) { ok = false; break; }
    out.resize(out.size() * 2);
  }
  cache.Release(charset, cd);
  if (!ok) return std::nullopt;
  out.resize(used);
  return out;
}

struct Bom {
  std::string encoding;  // "" when none
  size_t length = 0;     // bytes to skip; 0 for a sniffed (BOM-less) UTF-16/32 or EBCDIC marker
};

Bom DetectBom(std::string_view b) {
  auto starts = [&](std::string_view p) { return b.substr(0, p.size()) == p; };
  using namespace std::string_view_literals;
  if (starts("\x00\x00\xFE\xFF"sv)) return {"utf-32be", 4};
  if (starts("\xFF\xFE\x00\x00"sv)) return {"utf-32le", 4};
  if (starts("\xFE\xFF"sv)) return {"utf-16be", 2};
  if (starts("\xFF\xFE"sv)) return {"utf-16le", 2};
  if (starts("\xEF\xBB\xBF"sv)) return {"utf-8", 3};
  if (starts("\x4C\x6F\xA7\x94"sv)) return {"cp037", 0};
  if (starts("\x00\x3C\x00\x3F"sv)) return {"utf-16be", 0};
  if (starts("\x3C\x00\x3F\x00"sv)) return {"utf-16le", 0};
  if (starts("\x00\x00\x00\x3C"sv)) return {"utf-32be", 0};
  if (starts("\x3C\x00\x00\x00"sv)) return {"utf-32le", 0};
  return {};
}

// Blanks out the encoding pseudo-attribute of the XML declaration (if any) so the UTF-8 text
// no longer claims another charset. Same length: no copy of the document.
std::string ReplaceDeclaration(std::string utf8) {
  if (utf8.compare(0, 5, "<?xml") != 0) return utf8;
  size_t end = utf8.find("?>");
  if (end == std::string::npos) return utf8;
  size_t at = std::string_view(utf8).substr(0, end).find("encoding", 5);  // not the whole document
  if (at == std::string::npos) return utf8;
  size_t i = at + 8;
  while (i < end && (utf8[i] == ' ' || utf8[i] == '=' || utf8[i] == '\t')) ++i;
  if (i >= end || (utf8[i] != '"' && utf8[i] != '\'')) return utf8;
  size_t close = utf8.find(utf8[i], i + 1);
  if (close == std::string::npos || close > end) return utf8;
  std::fill(utf8.begin() + static_cast<std::ptrdiff_t>(at), utf8.begin() + static_cast<std::ptrdiff_t>(close) + 1, ' ');
  return utf8;
}

bool IsApplicationXml(const std::string& t) {
  return t == "application/xml" || t == "application/xml-dtd" ||
         t == "application/xml-external-parsed-entity" ||
         (t.starts_with("application/") && t.ends_with("+xml"));
}

bool IsTextXml(const std::string& t) {
  return t == "text/xml" || t == "text/xml-external-parsed-entity" ||
         (t.starts_with("text/") && t.ends_with("+xml"));
}

}  // namespace

std::optional<std::string> ConvertToUtf8(std::string_view bytes, std::string_view charset) {
  std::string cs = CanonicalCharset(charset);
  if (cs.empty()) return std::nullopt;
  if (cs == "utf-8") {
    if (!IsValidUtf8(bytes)) return std::nullopt;
    return std::string(bytes);
  }
  if (cs == "us-ascii" || cs == "ascii") {
    if (std::any_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
      return std::nullopt;
    return std::string(bytes);
  }
  if (cs == "iso-8859-1" || cs == "latin1" || cs == "latin-1" || cs == "l1") return Latin1ToUtf8(bytes);
  if (std::optional<std::string> decoded; DecodeSingleByteCharset(bytes, cs, decoded)) return decoded;
  return IconvToUtf8(bytes, cs);
}

std::string MediaTypeOf(std::string_view content_type) {
  return AsciiLower(Trim(content_type.substr(0, content_type.find(';'))));
}

std::string CharsetOf(std::string_view content_type) {
  size_t pos = content_type.find(';');
  while (pos != std::string_view::npos) {
    std::string_view rest = content_type.substr(pos + 1);
    size_t next = rest.find(';');
    std::string_view param = rest.substr(0, next);
    size_t eq = param.find('=');
    if (eq != std::string_view::npos && AsciiLower(Trim(param.substr(0, eq))) == "charset") {
      std::string value = AsciiLower(Trim(param.substr(eq + 1)));
      std::erase_if(value, [](char c) { return c == '"' || c == '\''; });
      return value;
    }
    pos = next == std::string_view::npos ? next : pos + 1 + next;
  }
  return "";
}

std::string XmlDeclaredEncoding(std::string_view bytes) {
  if (bytes.substr(0, 5) != "<?xml") return "";
  std::string_view decl = bytes.substr(0, bytes.find("?>"));
  size_t at = decl.find("encoding");
  if (at == std::string_view::npos) return "";
  size_t i = at + 8;
  while (i < decl.size() && (decl[i] == ' ' || decl[i] == '=' || decl[i] == '\t')) ++i;
  if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return "";
  size_t close = decl.find(decl[i], i + 1);
  if (close == std::string_view::npos) return "";
  return AsciiLower(decl.substr(i + 1, close - i - 1));
}

namespace {

// The encoding the XML declaration names, read in the sniffed encoding so UTF-16/32 prologs are
// found too. "utf-16" says nothing of byte order, and a sniffed "<?xm" in UTF-16/32 with no
// declared encoding is still UTF-16/32 (NULs would pass as UTF-8), so the sniff decides.
std::string DeclaredEncoding(const Bom& bom, std::string_view body) {
  std::string xml_encoding;
  if (!bom.encoding.empty() && bom.encoding != "utf-8") {
    auto head = ConvertToUtf8(body.substr(0, std::min<size_t>(body.size(), 1024) & ~size_t{3}), bom.encoding);
    if (head) xml_encoding = XmlDeclaredEncoding(*head);
  } else {
    xml_encoding = XmlDeclaredEncoding(body);
  }
  if (!bom.encoding.empty() && (IsUnicodeFamily(xml_encoding) || xml_encoding.empty())) xml_encoding = bom.encoding;
  return xml_encoding;
}

// RFC 3023's answer: the HTTP charset for text/ types (US-ASCII without one), the charset then the
// declaration for application/ XML types, the declaration (else UTF-8) for anything else.
std::string Rfc3023Encoding(const std::string& media, const std::string& http_charset, const std::string& xml_encoding) {
  if (IsApplicationXml(media)) return !http_charset.empty() ? http_charset : !xml_encoding.empty() ? xml_encoding : "utf-8";
  if (IsTextXml(media) || media.starts_with("text/")) return !http_charset.empty() ? http_charset : "us-ascii";
  return !xml_encoding.empty() ? xml_encoding : "utf-8";
}

}  // namespace

DecodedXml DecodeXmlDocument(std::string_view bytes, std::string_view content_type) {
  DecodedXml out;
  Bom bom = DetectBom(bytes);
  std::string_view body = bytes.substr(bom.length);
  std::string xml_encoding = DeclaredEncoding(bom, body);
  std::string media = MediaTypeOf(content_type);
  std::string http_charset = CharsetOf(content_type);
  std::string rfc3023 = Rfc3023Encoding(media, http_charset, xml_encoding);
  if (!media.empty() && !IsApplicationXml(media) && !IsTextXml(media))
    out.warnings.push_back(std::string(content_type) + " is not an XML media type");

  // A real byte-order mark is the strongest evidence there is, so it goes first.
  std::vector<std::string> candidates;
  if (bom.length > 0) candidates.push_back(bom.encoding);
  // A prolog naming a legacy charset over non-ASCII bytes that are valid UTF-8 is almost
  // always a template left unchanged: legacy text practically never forms valid UTF-8.
  std::string declared = CanonicalCharset(xml_encoding);
  auto has_non_ascii = [body] {
    return std::any_of(body.begin(), body.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  };
  if (bom.encoding.empty() && http_charset.empty() && !declared.empty() && declared != "utf-8" &&
      !IsUnicodeFamily(declared) && has_non_ascii() && IsValidUtf8(body)) {
    candidates.push_back("utf-8");
    out.warnings.push_back("document declares " + xml_encoding + " but its bytes are valid UTF-8; read as UTF-8");
  }
  for (const std::string& c : {rfc3023, xml_encoding, bom.encoding, std::string("utf-8"), std::string("windows-1252")}) {
    std::string canon = CanonicalCharset(c);
    if (!canon.empty() && std::find(candidates.begin(), candidates.end(), canon) == candidates.end())
      candidates.push_back(canon);
  }
  for (const std::string& candidate : candidates) {
    if (auto utf8 = ConvertToUtf8(body, candidate)) {
      out.utf8 = ReplaceDeclaration(std::move(*utf8));
      out.encoding = candidate;
      break;
    }
  }
  if (out.encoding.empty()) {
    out.utf8 = ReplaceDeclaration(DecodeWindows1252Lossy(body));
    out.encoding = "windows-1252";
  }
  std::string expected = bom.length > 0 ? bom.encoding : CanonicalCharset(rfc3023);
  if (out.encoding != expected)
    out.warnings.push_back("document declared as " + expected + ", but parsed as " + out.encoding);
  if (bom.length > 0 && !xml_encoding.empty() && CanonicalCharset(xml_encoding) != bom.encoding)
    out.warnings.push_back("byte-order mark says " + bom.encoding + " but the document declares " + xml_encoding);
  return out;
}

}  // namespace vigil
