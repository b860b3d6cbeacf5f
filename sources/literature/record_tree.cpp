#include "sources/literature/record_tree.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "common/utf8.h"
#include "sources/literature/ascii_words.h"

namespace vigil::record_tree {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Bytes of the ASCII names read here: 1 may start a name, 2 may continue one.
constexpr std::array<uint8_t, 256> kNameBytes = [] {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    bool start = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    bool more = start || (c >= '0' && c <= '9') || c == '-' || c == '.';
    table[static_cast<size_t>(c)] = static_cast<uint8_t>((start ? 1 : 0) | (more ? 2 : 0));
  }
  return table;
}();

bool IsNameStart(char c) { return (kNameBytes[static_cast<unsigned char>(c)] & 1) != 0; }
bool IsNameChar(char c) { return (kNameBytes[static_cast<unsigned char>(c)] & 2) != 0; }

void SkipSpace(std::string_view xml, size_t& at) {
  while (at < xml.size() && IsSpace(xml[at])) ++at;
}

// The ASCII name at xml[at...], moving `at` past it; "" when none starts there.
std::string_view ReadName(std::string_view xml, size_t& at) {
  size_t start = at;
  if (at >= xml.size() || !IsNameStart(xml[at])) return {};
  while (at < xml.size() && IsNameChar(xml[at])) ++at;
  return xml.substr(start, at - start);
}

// Whether a character reference to `code` is read here: characters XML allows. pugixml
// writes any number as UTF-8 (NUL, surrogates and all); those cases go to it.
bool AllowedCharacter(uint32_t code) {
  return code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
         (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF);
}

// The character a reference body ("lt", "#233", "#xE9") stands for; 0 when it is outside the
// subset: other names, an uppercase 'X' (pugixml reads only "&#x" as hexadecimal), no digits,
// too many digits, a character XML does not allow.
uint32_t ReferencedCharacter(std::string_view body) {
  if (body == "lt") return '<';
  if (body == "gt") return '>';
  if (body == "amp") return '&';
  if (body == "quot") return '"';
  if (body == "apos") return '\'';
  if (body.size() < 2 || body[0] != '#') return 0;
  bool hex = body[1] == 'x';
  std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 7) return 0;
  uint32_t code = 0;
  for (char c : digits) {
    uint32_t digit;
    if (c >= '0' && c <= '9') digit = static_cast<uint32_t>(c - '0');
    else if (hex && c >= 'a' && c <= 'f') digit = static_cast<uint32_t>(c - 'a' + 10);
    else if (hex && c >= 'A' && c <= 'F') digit = static_cast<uint32_t>(c - 'A' + 10);
    else return 0;
    code = code * (hex ? 16 : 10) + digit;
  }
  return AllowedCharacter(code) ? code : 0;
}

}  // namespace

bool Tree::Read(std::string_view xml) {
  nodes_.clear();
  attributes_.clear();
  text_.clear();
  // Decoded text is never longer than what it decodes, so text_ never moves and the views
  // into it stay valid.
  text_.reserve(xml.size());
  size_t at = 0;
  SkipSpace(xml, at);
  uint32_t open = kNone;  // the innermost element not closed yet
  if (!ReadStartTag(xml, at, open)) return false;
  while (open != kNone) {
    if (at >= xml.size()) return false;
    bool ok = xml[at] != '<'                                 ? ReadText(xml, at, open)
              : at + 1 < xml.size() && xml[at + 1] == '/' ? ReadEndTag(xml, at, open)
                                                           : ReadStartTag(xml, at, open);
    if (!ok) return false;
  }
  SkipSpace(xml, at);
  return at == xml.size();
}

uint32_t Tree::AddNode(uint32_t parent, std::string_view name, std::string_view value) {
  auto index = static_cast<uint32_t>(nodes_.size());
  Node& node = nodes_.emplace_back();
  node.name = name;
  node.value = value;
  node.parent = parent;
  if (parent != kNone) {
    Node& up = nodes_[parent];
    if (up.last_child == kNone) up.first_child = index;
    else nodes_[up.last_child].next_sibling = index;
    up.last_child = index;
  }
  return index;
}

bool Tree::ReadStartTag(std::string_view xml, size_t& at, uint32_t& open) {
  if (at >= xml.size() || xml[at] != '<') return false;
  size_t p = at + 1;
  std::string_view name = ReadName(xml, p);
  if (name.empty()) return false;  // also "<!", "<?"
  uint32_t element = AddNode(open, name, {});
  uint32_t last_attribute = kNone;
  while (p < xml.size()) {
    char c = xml[p];
    if (c == '>') {
      at = p + 1;
      open = element;
      return true;
    }
    if (c == '/') {
      if (p + 1 >= xml.size() || xml[p + 1] != '>') return false;
      at = p + 2;
      return true;
    }
    if (!IsSpace(c)) return false;  // an attribute must follow whitespace
    SkipSpace(xml, p);
    if (p < xml.size() && xml[p] != '>' && xml[p] != '/' &&
        !ReadAttribute(xml, p, element, last_attribute)) {
      return false;
    }
  }
  return false;
}

bool Tree::ReadAttribute(std::string_view xml, size_t& at, uint32_t element, uint32_t& last) {
  std::string_view name = ReadName(xml, at);
  if (name.empty() || at + 1 >= xml.size() || xml[at] != '=') return false;
  char quote = xml[at + 1];
  if (quote != '"' && quote != '\'') return false;
  size_t start = at + 2;
  size_t end = xml.find(quote, start);
  if (end == std::string_view::npos) return false;
  std::string_view raw = xml.substr(start, end - start);
  if (raw.find('<') != std::string_view::npos) return false;
  std::string_view value;
  if (!AppendDecoded(raw, value)) return false;
  auto index = static_cast<uint32_t>(attributes_.size());
  attributes_.push_back({name, value, kNone});
  if (last == kNone) nodes_[element].first_attribute = index;
  else attributes_[last].next = index;
  last = index;
  at = end + 1;
  return true;
}

bool Tree::ReadEndTag(std::string_view xml, size_t& at, uint32_t& open) {
  size_t p = at + 2;
  std::string_view name = ReadName(xml, p);
  if (name.empty() || !SameName(name, nodes_[open].name)) return false;
  SkipSpace(xml, p);
  if (p >= xml.size() || xml[p] != '>') return false;
  at = p + 1;
  open = nodes_[open].parent;
  return true;
}

bool Tree::ReadText(std::string_view xml, size_t& at, uint32_t open) {
  // One pass finds the end of the text and whether it needs decoding: most text (names,
  // dates, the indentation between elements) has no reference and stays a view of the input.
  size_t stop = ascii_words::FindAnyOf3(xml, at, '<', '&', '\0');
  if (stop == std::string_view::npos) return false;  // the open element never closes
  size_t end = xml[stop] == '<' ? stop : ascii_words::FindByte(xml, stop, '<');
  if (end == std::string_view::npos) return false;
  std::string_view raw = xml.substr(at, end - at);
  std::string_view value = raw;
  if (stop != end && !AppendDecoded(raw, value)) return false;
  AddNode(open, {}, value);
  at = end;
  return true;
}

bool Tree::AppendDecoded(std::string_view raw, std::string_view& decoded) {
  size_t first = ascii_words::FindAnyOf3(raw, 0, '&', '\0', '\0');
  if (first == std::string_view::npos) {
    decoded = raw;  // nothing to decode (most text): the view stays on the input
    return true;
  }
  if (text_.size() + raw.size() > text_.capacity()) return false;  // cannot happen; never move
  size_t start = text_.size();
  for (size_t i = 0; i < raw.size();) {
    size_t amp = i == 0 ? first : ascii_words::FindAnyOf3(raw, i, '&', '\0', '\0');
    if (amp != std::string_view::npos && raw[amp] == '\0') return false;
    if (amp == std::string_view::npos) {
      text_.append(raw.substr(i));
      break;
    }
    text_.append(raw.substr(i, amp - i));
    size_t semicolon = raw.find(';', amp);
    if (semicolon == std::string_view::npos || semicolon - amp > 10) return false;
    uint32_t code = ReferencedCharacter(raw.substr(amp + 1, semicolon - amp - 1));
    if (code == 0) return false;
    AppendUtf8(text_, static_cast<char32_t>(code));
    i = semicolon + 1;
  }
  decoded = std::string_view(text_.data() + start, text_.size() - start);
  return true;
}

}  // namespace vigil::record_tree
