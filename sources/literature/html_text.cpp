#include "sources/literature/html_text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <optional>

#include "common/ascii.h"
#include "common/utf8.h"
#include "common/utf8_cut.h"
#include "sources/literature/ascii_words.h"
#include "sources/literature/html_entities.h"

namespace vigil {
namespace {

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsAlpha(c) || (c >= '0' && c <= '9'); }

char32_t FixNumericReference(uint64_t n) {
  static constexpr std::array<char32_t, 32> kWindows1252 = {
      0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178};
  if (n >= 0x80 && n < 0xA0) return kWindows1252[n - 0x80];
  if (n == 0 || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF)) return 0xFFFD;
  return static_cast<char32_t>(n);
}

// Reads a reference starting at text[i] == '&'. Returns its code point and sets `length` to
// the bytes it spans, or nullopt when no known reference starts there.
std::optional<char32_t> ReadReference(std::string_view text, size_t i, size_t& length) {
  size_t j = i + 1;
  if (j < text.size() && text[j] == '#') {
    ++j;
    bool hex = j < text.size() && (text[j] == 'x' || text[j] == 'X');
    if (hex) ++j;
    size_t start = j;
    uint64_t n = 0;
    while (j < text.size() && (hex ? std::isxdigit(static_cast<unsigned char>(text[j])) : std::isdigit(static_cast<unsigned char>(text[j])))) {
      if (n < 0x110000) n = n * (hex ? 16 : 10) + static_cast<uint64_t>(std::isdigit(static_cast<unsigned char>(text[j])) ? text[j] - '0' : (std::tolower(text[j]) - 'a' + 10));
      ++j;
    }
    if (j == start || j >= text.size() || text[j] != ';') return std::nullopt;
    length = j + 1 - i;
    return FixNumericReference(n);
  }
  size_t start = j;
  while (j < text.size() && IsAlnum(text[j]) && j - start < 32) ++j;
  if (j == start || j >= text.size() || text[j] != ';') return std::nullopt;
  auto cp = LookupHtmlEntity(text.substr(start, j - start));
  if (cp) length = j + 1 - i;
  return cp;
}

// Builds the text: whitespace and breaks are held back until the next visible character so
// runs collapse and nothing dangles at either end. Bytes are written straight into a buffer
// sized for the whole input (the text of a fragment is never longer than the fragment: a
// reference is at least as long as its UTF-8, a run of whitespace or a tag gives at most what
// it replaces), with room for a 16-byte block store past the end; Room grows it all the same
// if that ever fails to hold.
class TextBuilder {
 public:
  explicit TextBuilder(size_t expected) : out_(expected + kSlack, '\0') {}
  void Space() { pending_space_ = true; }
  void Break(int lines) { pending_break_ = std::max(pending_break_, lines); }
  // Writes what is held back before a visible character.
  void Flush() {
    if (size_ > 0 && (pending_break_ > 0 || pending_space_)) {
      char* w = Room(2);
      if (pending_break_ > 0) {
        w[0] = w[1] = '\n';
        size_ += static_cast<size_t>(pending_break_);
      } else {
        w[0] = ' ';
        ++size_;
      }
    }
    pending_space_ = false;
    pending_break_ = 0;
  }
  void Append(std::string_view visible) {
    Flush();
    std::memcpy(Room(visible.size()), visible.data(), visible.size());
    size_ += visible.size();
  }
  // Where the next `n` bytes go; Advance(k) keeps k of them.
  char* Room(size_t n) {
    if (size_ + n > out_.size()) out_.resize(std::max(out_.size() * 2, size_ + n + kSlack));
    return out_.data() + size_;
  }
  void Advance(size_t n) { size_ += n; }
  size_t size() const { return size_; }
  std::string Take() {
    out_.resize(size_);
    return std::move(out_);
  }

 private:
  static constexpr size_t kSlack = 64;
  std::string out_;
  size_t size_ = 0;
  bool pending_space_ = false;
  int pending_break_ = 0;
};

// Line breaks an element implies (`name` lower-cased): 0 inline, 1 a new line, 2 a new
// paragraph. Every tag of every summary comes here: switched on length and first byte.
int BreakFor(std::string_view name) {
  auto is = [name](std::string_view word) { return name == word; };
  switch (name.size()) {
    case 1: return name[0] == 'p' ? 2 : 0;
    case 2:
      if (name[0] == 'h') return name[1] >= '1' && name[1] <= '6' ? 2 : (name[1] == 'r' ? 1 : 0);
      return is("br") || is("li") || is("tr") || is("ul") || is("ol") || is("dl") || is("dt") || is("dd") ? 1 : 0;
    case 3: return is("div") || is("pre") || is("nav") ? 1 : 0;
    case 4: return is("main") ? 1 : 0;
    case 5: return is("table") || is("aside") ? 1 : 0;
    case 6: return is("header") || is("footer") || is("figure") ? 1 : 0;
    case 7: return is("section") || is("article") || is("address") ? 1 : 0;
    case 10: return is("blockquote") ? 2 : (is("figcaption") ? 1 : 0);
    default: return 0;
  }
}

size_t FindCaseInsensitive(std::string_view hay, std::string_view needle, size_t from) {
  auto it = std::search(hay.begin() + static_cast<std::ptrdiff_t>(std::min(from, hay.size())), hay.end(),
                        needle.begin(), needle.end(),
                        [](char a, char b) { return AsciiLower(a) == AsciiLower(b); });
  return it == hay.end() ? std::string_view::npos : static_cast<size_t>(it - hay.begin());
}

// End of a tag that starts at `i` (one past its '>'), skipping quoted attribute values.
size_t TagEnd(std::string_view html, size_t i) {
  size_t j = i + 1;
  for (;;) {
    j = ascii_words::FindAnyOf3(html, j, '>', '"', '\'');
    if (j == std::string_view::npos) return j;
    if (html[j] == '>') return j + 1;
    size_t close = html.find(html[j], j + 1);
    if (close == std::string_view::npos) break;
    j = close + 1;
  }
  // An unbalanced quote ("<a href=x\">"): the tag ends at the first '>' after all.
  size_t gt = html.find('>', i + 1);
  return gt == std::string_view::npos ? gt : gt + 1;
}

// What a byte is to a text run: visible (0), ASCII whitespace (1), '&' (2), '<' (3).
constexpr std::array<uint8_t, 256> kByteKinds = [] {
  std::array<uint8_t, 256> t{};
  for (char c : {' ', '\t', '\n', '\r', '\f'}) t[static_cast<unsigned char>(c)] = 1;
  t['&'] = 2;
  t['<'] = 3;
  return t;
}();

// Appends text[i...] up to the next '<' (when `markup`; the position of that '<' is returned)
// or to the end, collapsing whitespace and, when `decode`, decoding references. A stretch of
// words joined by single spaces ("a plain sentence") is copied 16 bytes a step: this loop sees
// every byte of every summary.
size_t AppendTextRun(TextBuilder& b, std::string_view text, size_t i, bool decode, bool markup) {
  const char amp = decode ? '&' : 0, lt = markup ? '<' : 0;
  auto visible = [&](char c) {
    uint8_t kind = kByteKinds[static_cast<unsigned char>(c)];
    return kind == 0 || (kind == 2 && !decode) || (kind == 3 && !markup);
  };
  while (i < text.size()) {
    uint8_t kind = kByteKinds[static_cast<unsigned char>(text[i])];
    if (kind == 1) {
      b.Space();
      ++i;
      continue;
    }
    if (kind == 3 && markup) return i;
    if (kind == 2 && decode) {
      size_t len = 0;
      if (auto cp = ReadReference(text, i, len)) {
        i += len;
        if (*cp < 0x80 && IsAsciiSpace(static_cast<char>(*cp))) {
          b.Space();
        } else {
          b.Flush();
          b.Advance(EncodeUtf8(*cp, b.Room(4)));
        }
        continue;
      }
    }
    // A visible byte: it and the plain stretch after it.
    b.Flush();
    *b.Room(1) = text[i];
    b.Advance(1);
    size_t j = i + 1;
    for (;;) {
      while (j + 16 <= text.size()) {
        char* w = b.Room(16);
        std::memcpy(w, text.data() + j, 16);
        size_t copyable = ascii_words::CopyablePrefix16(text.data() + j, true, amp, true, lt);
        b.Advance(copyable);
        j += copyable;
        if (copyable < 16) break;
      }
      if (j < text.size() && visible(text[j])) {
        *b.Room(1) = text[j++];
        b.Advance(1);
      } else if (j + 1 < text.size() && text[j] == ' ' && visible(text[j + 1])) {
        char* w = b.Room(2);
        w[0] = ' ';
        w[1] = text[j + 1];
        b.Advance(2);
        j += 2;
      } else {
        break;
      }
    }
    i = j;
  }
  return i;
}

// Handles the markup construct at html[i] == '<'; returns where to continue, or npos when
// the '<' starts no construct (it is then text).
size_t HandleMarkup(std::string_view html, size_t i, TextBuilder& b) {
  std::string_view rest = html.substr(i);
  if (rest.starts_with("<!--")) {
    size_t end = html.find("-->", i + 4);
    return end == std::string_view::npos ? html.size() : end + 3;
  }
  if (rest.starts_with("<![CDATA[")) {
    size_t end = html.find("]]>", i + 9);
    size_t stop = end == std::string_view::npos ? html.size() : end;
    AppendTextRun(b, html.substr(i + 9, stop - i - 9), 0, false, false);
    return end == std::string_view::npos ? html.size() : end + 3;
  }
  bool closing = rest.size() > 1 && rest[1] == '/';
  size_t name_start = i + (closing ? 2 : 1);
  bool directive = !closing && rest.size() > 1 && (rest[1] == '!' || rest[1] == '?');
  if (!directive && (name_start >= html.size() || !IsAlpha(html[name_start]))) return std::string_view::npos;
  size_t end = TagEnd(html, i);
  if (end == std::string_view::npos) return std::string_view::npos;
  if (directive) return end;
  size_t name_end = name_start;
  while (name_end < html.size() && (IsAlnum(html[name_end]) || html[name_end] == ':' || html[name_end] == '-')) ++name_end;
  // Element names that matter are short; longer ones are inline as far as text goes.
  char lowered[16];
  size_t name_length = std::min(name_end - name_start, sizeof lowered);
  for (size_t k = 0; k < name_length; ++k) lowered[k] = AsciiLower(html[name_start + k]);
  std::string_view name(lowered, name_end - name_start <= sizeof lowered ? name_length : 0);
  if (!closing && (name == "script" || name == "style")) {
    size_t close = FindCaseInsensitive(html, name == "script" ? "</script" : "</style", end);
    if (close == std::string_view::npos) return html.size();
    size_t after = TagEnd(html, close);
    return after == std::string_view::npos ? html.size() : after;
  }
  int br = BreakFor(name);
  if (br > 0) b.Break(br);
  else if (name == "td" || name == "th") b.Space();
  return end;
}

}  // namespace

std::string DecodeHtmlEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) { out.append(text.substr(i)); break; }
    out.append(text.substr(i, amp - i));
    size_t len = 0;
    if (auto cp = ReadReference(text, amp, len)) {
      AppendUtf8(out, *cp);
      i = amp + len;
    } else {
      out += '&';
      i = amp + 1;
    }
  }
  return out;
}

std::string HtmlToText(std::string_view html, size_t max_bytes) {
  TextBuilder b(html.size());
  size_t i = 0;
  while (i < html.size()) {
    if (max_bytes > 0 && b.size() > max_bytes) break;
    size_t lt = AppendTextRun(b, html, i, true, true);
    if (lt >= html.size()) break;
    size_t next = HandleMarkup(html, lt, b);
    if (next == std::string_view::npos) {
      b.Append("<");
      next = lt + 1;
    }
    i = next;
  }
  std::string out = b.Take();
  if (max_bytes > 0) TruncateUtf8(out, max_bytes);
  return out;
}

namespace {

// The elements feedparser (sanitizer.py, acceptable_elements) accepts as HTML, sorted: text whose
// type must be guessed is HTML only when every tag in it names one of these.
constexpr std::array<std::string_view, 100> kGuessableElements = {{
    "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big",
    "blockquote", "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup",
    "command", "datagrid", "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl",
    "dt", "em", "event-source", "fieldset", "figcaption", "figure", "font", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "input", "ins", "kbd", "keygen",
    "label", "legend", "li", "m", "map", "menu", "meter", "multicol", "nav", "nextid", "noscript",
    "ol", "optgroup", "option", "output", "p", "pre", "progress", "q", "s", "samp", "section",
    "select", "small", "sound", "source", "spacer", "span", "strike", "strong", "sub", "sup",
    "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul",
    "var", "video",
}};

// Python's \w, byte-wise: ASCII letters, digits, '_' and every byte of a non-ASCII character.
bool IsWordByte(char c) { return IsAlnum(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }

size_t WordEnd(std::string_view text, size_t i) {
  while (i < text.size() && IsWordByte(text[i])) ++i;
  return i;
}

bool IsGuessableElement(std::string_view name) {
  char lowered[16];
  if (name.size() > sizeof lowered) return false;
  for (size_t k = 0; k < name.size(); ++k) lowered[k] = AsciiLower(name[k]);
  return std::binary_search(kGuessableElements.begin(), kGuessableElements.end(), std::string_view(lowered, name.size()));
}

}  // namespace

// feedparser's looks_like_html: evidence (a close tag "</x>" or a reference "&x;" / "&#x;"), and
// no tag or named reference that HTML would not know. "History of the <blink> tag" is text.
bool LooksLikeHtml(std::string_view text) {
  bool evidence = false;
  for (size_t i = ascii_words::FindAnyOf3(text, 0, '<', '&', '&'); i != std::string_view::npos;
       i = ascii_words::FindAnyOf3(text, i + 1, '<', '&', '&')) {
    if (text[i] == '<') {
      bool closing = i + 1 < text.size() && text[i + 1] == '/';
      size_t start = i + (closing ? 2 : 1), end = WordEnd(text, start);
      if (end == start) continue;
      if (!IsGuessableElement(text.substr(start, end - start))) return false;
      if (closing && end < text.size() && text[end] == '>') evidence = true;
      continue;
    }
    bool numeric = i + 1 < text.size() && text[i + 1] == '#';
    size_t start = i + (numeric ? 2 : 1), end = WordEnd(text, start);
    if (end == start || end >= text.size() || text[end] != ';') continue;
    // Python's html.entities.entitydefs is HTML 4's set: no &apos;.
    std::string_view name = text.substr(start, end - start);
    if (!numeric && (name == "apos" || !LookupHtmlEntity(name))) return false;
    evidence = true;
  }
  return evidence;
}

}  // namespace vigil
