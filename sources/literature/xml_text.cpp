#include "sources/literature/xml_text.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "sources/literature/ascii_words.h"
#include "sources/literature/xml_cut.h"

namespace vigil::xml_text {
namespace {

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

// No space goes after a newline: paragraph breaks the caller wrote. The trailing space, for
// "<i>a</i> b", is trimmed by AppendPlainText at the end. Writes through a pointer: this runs
// on every text node.
void AppendCollapsed(std::string_view text, std::string& out) {
  size_t start = out.size();
  out.resize(start + text.size() + 1);
  char* begin = out.data();
  char* write = begin + start;
  bool space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    // Long prose (abstracts) 64 bytes a step while it runs plain, then 16, then a byte.
    while (!space && i + 64 <= text.size()) {
      bool space_first_ok = write != begin && write[-1] != ' ' && write[-1] != '\n';
      size_t copyable = ascii_words::CopyablePrefix64(text.data() + i, false, 0, space_first_ok);
      std::memcpy(write, text.data() + i, 64);  // in the buffer, as below
      write += copyable;
      i += copyable;
      if (copyable < 64) break;
    }
    if (i >= text.size()) break;
    if (!space && i + 16 <= text.size()) {
      bool space_first_ok = write != begin && write[-1] != ' ' && write[-1] != '\n';
      size_t copyable = ascii_words::CopyablePrefix16(text.data() + i, false, 0, space_first_ok);
      // All 16 bytes are stored and `write` moves past the copyable ones: a fixed-size copy
      // is one store, a variable one a call. It stays in the buffer, since `write` never runs
      // ahead of the input: begin + start + i + 16 <= the end of what was resized.
      std::memcpy(write, text.data() + i, 16);
      write += copyable;
      i += copyable;
      if (copyable == 16) {
        --i;  // the loop's ++i
        continue;
      }
    }
    char c = text[i];
    if (IsXmlSpace(c)) {
      space = true;
      continue;
    }
    if (space && write != begin && write[-1] != ' ' && write[-1] != '\n') *write++ = ' ';
    space = false;
    *write++ = c;
  }
  if (space && write != begin && write[-1] != ' ' && write[-1] != '\n') *write++ = ' ';
  out.resize(static_cast<size_t>(write - begin));
}

namespace {

// 1-based line and column of a byte offset.
std::pair<size_t, size_t> LineAndColumn(std::string_view xml, size_t offset) {
  offset = std::min(offset, xml.size());
  std::string_view before = xml.substr(0, offset);
  size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  size_t last_newline = before.rfind('\n');
  size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return {line, column};
}

// No parse_eol (whitespace is collapsed anyway) and no attribute whitespace conversion: both
// cost time on every node and change nothing these parsers read.
constexpr unsigned kParseOptions = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_ws_pcdata;

}  // namespace

bool LoadInPlace(std::string& buffer, pugi::xml_document& doc) {
  pugi::xml_parse_result result = doc.load_buffer_inplace(buffer.data(), buffer.size(),
                                                          kParseOptions, pugi::encoding_utf8);
  return result && doc.document_element();
}

Status LoadDocumentWithout(std::string_view xml, std::initializer_list<std::string_view> skipped,
                           pugi::xml_document& doc, std::string& buffer) {
  if (xml_cut::CopyWithout(xml, skipped, buffer) && LoadInPlace(buffer, doc)) return Status::Ok();
  return LoadDocument(xml, doc);  // on the original, so an error names its positions
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

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendCollapsed(text, out);
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::optional<int64_t> WholeInteger(std::string_view text) {
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
