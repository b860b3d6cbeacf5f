#include "jobs/deliver/mail_encoding.h"

#include "common/base64.h"
#include "common/utf8_cut.h"

namespace vigil {
namespace {

constexpr size_t kQpLineChars = 76;
constexpr size_t kLongestPlainHeader = 900;  // of 998 per line, with room for the header's name
constexpr size_t kBytesPerEncodedWord = 45;  // base64 of 45 bytes is 60 characters; with "=?UTF-8?B?" and "?=", 72

bool Printable(unsigned char c) { return c >= 0x20 && c < 0x7f; }

// One character of a body line as quoted-printable: itself, or "=XX".
std::string QpChar(unsigned char c, bool at_line_end) {
  static const char kHex[] = "0123456789ABCDEF";
  bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
  if (literal) return std::string(1, static_cast<char>(c));
  return {'=', kHex[c >> 4], kHex[c & 0x0F]};
}

// One input line (no line end) as quoted-printable output lines joined by soft breaks.
void AppendQpLine(std::string_view line, std::string& out) {
  size_t width = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    std::string piece = QpChar(static_cast<unsigned char>(line[i]), i + 1 == line.size());
    bool last = i + 1 == line.size();
    // Leave room for the soft break's "=" unless this piece ends the line.
    if (width + piece.size() > (last ? kQpLineChars : kQpLineChars - 1)) {
      out += "=\r\n";
      width = 0;
    }
    out += piece;
    width += piece.size();
  }
}

}  // namespace

std::string QuotedPrintable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    AppendQpLine(line, out);
    if (nl == std::string_view::npos) break;
    out += "\r\n";
    start = nl + 1;
  }
  return out;
}

std::string HeaderText(std::string_view text) {
  bool plain = text.size() <= kLongestPlainHeader;
  for (unsigned char c : text) plain = plain && Printable(c);
  if (plain) return std::string(text);
  std::string out;
  while (!text.empty()) {
    size_t n = Utf8PrefixLength(text, kBytesPerEncodedWord);  // at least one character: none is longer than 4 bytes
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(std::string(text.substr(0, n))) + "?=";
    text.remove_prefix(n);
  }
  return out;
}

std::string AddressHeader(std::string_view address) {
  size_t open = address.rfind('<');
  if (open == std::string_view::npos || open == 0) return std::string(address);
  std::string_view name = address.substr(0, open);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  std::string encoded = HeaderText(name);
  if (encoded == name) return std::string(address);
  return encoded + " " + std::string(address.substr(open));
}

}  // namespace vigil
