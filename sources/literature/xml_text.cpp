#include "sources/literature/xml_text.h"

#include <algorithm>
#include <charconv>

namespace vigil::xml_text {
namespace {

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Appends `text` to `out`, collapsing each whitespace run to one space, copied a word at a time.
// No space goes at the start of `out` or after a newline (paragraph breaks the caller wrote);
// a trailing run does leave one space, because the next text node may continue the sentence
// ("<i>a</i> b"); AppendPlainText trims it at the end.
void AppendCollapsed(std::string_view text, std::string& out) {
  size_t i = 0;
  while (i < text.size()) {
    size_t run = i;
    while (i < text.size() && IsXmlSpace(text[i])) ++i;
    if (i > run && !out.empty() && out.back() != ' ' && out.back() != '\n') out.push_back(' ');
    size_t word = i;
    while (i < text.size() && !IsXmlSpace(text[i])) ++i;
    out.append(text.data() + word, i - word);
  }
}

// 1-based line and column of a byte offset.
std::pair<size_t, size_t> LineAndColumn(std::string_view xml, size_t offset) {
  offset = std::min(offset, xml.size());
  std::string_view before = xml.substr(0, offset);
  size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  size_t last_newline = before.rfind('\n');
  size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return {line, column};
}

// Whether `xml` at `at` (just past a '<' or "</") starts the name `name` followed by the end of
// a name ('>', '/', or whitespace before attributes).
bool NameAt(std::string_view xml, size_t at, std::string_view name) {
  if (xml.compare(at, name.size(), name) != 0 || at + name.size() >= xml.size()) return false;
  char next = xml[at + name.size()];
  return next == '>' || next == '/' || IsXmlSpace(next);
}

// A comment or CDATA section starts at `at` (a '<').
bool OpaqueAt(std::string_view xml, size_t at) {
  return xml.compare(at, 4, "<!--") == 0 || xml.compare(at, 9, "<![CDATA[") == 0;
}

constexpr size_t kUnclosed = std::string_view::npos;
constexpr size_t kMetOpaqueText = std::string_view::npos - 1;

// End (one past '>') of the element `name` whose start tag begins at `open` (the '<'),
// counting nested elements of the same name; kUnclosed if the document ends first,
// kMetOpaqueText if a comment or CDATA section comes first.
size_t ElementEnd(std::string_view xml, size_t open, std::string_view name) {
  size_t tag_end = xml.find('>', open);
  if (tag_end == std::string_view::npos) return kUnclosed;
  if (xml[tag_end - 1] == '/') return tag_end + 1;  // <Name/>
  int depth = 1;
  for (size_t at = xml.find('<', tag_end); at != std::string_view::npos;
       at = xml.find('<', at + 1)) {
    if (at + 2 >= xml.size()) break;
    if (xml[at + 1] == '!' && OpaqueAt(xml, at)) return kMetOpaqueText;
    bool closing = xml[at + 1] == '/';
    size_t name_at = at + (closing ? 2 : 1);
    if (xml[name_at] != name[0] || !NameAt(xml, name_at, name)) continue;
    size_t end = xml.find('>', at);
    if (end == std::string_view::npos) return kUnclosed;
    if (!closing && xml[end - 1] != '/') ++depth;
    if (closing && --depth == 0) return end + 1;
  }
  return kUnclosed;
}

// Copies `xml` into `out` without the elements named in `skipped`. An element that never closes
// is kept, so the parser still sees (and reports) the broken document. Returns false, leaving
// `out` unusable, on meeting a comment or CDATA section: a tag inside one is not markup, and
// telling that apart would take a real parser.
bool CopyWithout(std::string_view xml, std::initializer_list<std::string_view> skipped,
                 std::string& out) {
  // Most tags can be passed over by their first letter alone.
  bool first_letters[256] = {};
  for (std::string_view name : skipped) first_letters[static_cast<unsigned char>(name[0])] = true;
  out.clear();
  out.reserve(xml.size());
  size_t copied = 0;
  for (size_t at = xml.find('<'); at != std::string_view::npos; at = xml.find('<', at + 1)) {
    if (at + 1 >= xml.size()) break;
    char first = xml[at + 1];
    if (first == '!' && OpaqueAt(xml, at)) return false;
    if (!first_letters[static_cast<unsigned char>(first)]) continue;
    for (std::string_view name : skipped) {
      if (!NameAt(xml, at + 1, name)) continue;
      size_t end = ElementEnd(xml, at, name);
      if (end == kMetOpaqueText) return false;
      if (end == kUnclosed) break;
      out.append(xml.substr(copied, at - copied));
      copied = end;
      at = end - 1;
      break;
    }
  }
  out.append(xml.substr(copied));
  return true;
}

// No parse_eol (whitespace is collapsed anyway) and no attribute whitespace conversion: both
// cost time on every node and change nothing these parsers read.
constexpr unsigned kParseOptions = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_ws_pcdata;

}  // namespace

Status LoadDocumentWithout(std::string_view xml, std::initializer_list<std::string_view> skipped,
                           pugi::xml_document& doc, std::string& buffer) {
  if (!CopyWithout(xml, skipped, buffer)) return LoadDocument(xml, doc);
  pugi::xml_parse_result result = doc.load_buffer_inplace(buffer.data(), buffer.size(),
                                                          kParseOptions, pugi::encoding_utf8);
  if (result && doc.document_element()) return Status::Ok();
  return LoadDocument(xml, doc);  // again on the original, so the error names its positions
}

Status LoadDocument(std::string_view xml, pugi::xml_document& doc) {
  pugi::xml_parse_result result = doc.load_buffer(xml.data(), xml.size(), kParseOptions);
  if (result) {
    if (!doc.document_element()) return Status::Error("XML document has no root element");
    return Status::Ok();
  }
  auto [line, column] = LineAndColumn(xml, static_cast<size_t>(result.offset));
  // pugixml reports a document cut short as a tag mismatch at (or in the last, unfinished
  // tag before) its end; say what that means.
  size_t offset = static_cast<size_t>(result.offset);
  bool cut_short = !xml.empty() && (offset >= xml.size() ||
                                    xml.find('>', offset) == std::string_view::npos);
  std::string hint = cut_short ? " (the input ends before the document does: truncated?)" : "";
  return Status::Error("malformed XML at line " + std::to_string(line) + ", column " +
                       std::to_string(column) + " (offset " + std::to_string(result.offset) +
                       "): " + result.description() + hint);
}

std::string_view LocalName(const char* qualified_name) {
  std::string_view name(qualified_name);
  size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node ChildByLocalName(pugi::xml_node parent, std::string_view local_name) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element && LocalName(child.name()) == local_name) return child;
  }
  return {};
}

pugi::xml_node NextByLocalName(pugi::xml_node node, std::string_view local_name) {
  for (pugi::xml_node next = node.next_sibling(); next; next = next.next_sibling()) {
    if (next.type() == pugi::node_element && LocalName(next.name()) == local_name) return next;
  }
  return {};
}

void AppendPlainText(pugi::xml_node node, std::string& out) {
  size_t start = out.size();
  // Iterative pre-order walk of the subtree: no recursion depth limit to worry about.
  pugi::xml_node current = node.first_child();
  while (current) {
    pugi::xml_node_type type = current.type();
    if (type == pugi::node_pcdata || type == pugi::node_cdata) {
      AppendCollapsed(current.value(), out);
    }
    if (type == pugi::node_element && current.first_child()) {
      current = current.first_child();
      continue;
    }
    while (current && current != node && !current.next_sibling()) current = current.parent();
    if (!current || current == node) break;
    current = current.next_sibling();
  }
  if (out.size() > start && out.back() == ' ') out.pop_back();
}

std::string PlainText(pugi::xml_node node) {
  std::string out;
  AppendPlainText(node, out);
  return out;
}

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendCollapsed(text, out);
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::optional<int64_t> IntegerText(pugi::xml_node node) {
  std::string_view text(node.child_value());
  while (!text.empty() && IsXmlSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsXmlSpace(text.back())) text.remove_suffix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace vigil::xml_text
