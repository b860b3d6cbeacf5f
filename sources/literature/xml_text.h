// Small helpers shared by the literature parsers (PubMed, arXiv): loading an XML document
// with errors that say where the input broke, finding children by local name (so a parser does
// not care which prefix a namespace got), and turning mixed content into plain text.
//
// Plain text here means: the concatenated character data of an element and all its descendants,
// so inline markup (<i>, <b>, <sup>, <sub>, <u>, MathML) disappears and its text stays in place;
// runs of whitespace become one space; no leading or trailing space. All functions are pure and
// may be called from any thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil::xml_text {

// Parses `xml` into `doc`. Keeps whitespace-only text between inline elements
// ("<i>E.</i> <i>coli</i>") because flattening needs it. On malformed or truncated input returns
// an error naming the line, column and byte offset, and pugixml's description of the problem.
Status LoadDocument(std::string_view xml, pugi::xml_document& doc);

// Like LoadDocument, but first cuts out every element named in `skipped` (with its subtree),
// which is much cheaper than building nodes nobody reads (see xml_cut.h). The cut copy is kept
// in `buffer`, which `doc` points into and which must outlive it. Input holding comments or
// CDATA is parsed uncut, since a tag inside them must not be taken for markup. Errors name
// positions in `xml` itself.
Status LoadDocumentWithout(std::string_view xml, std::initializer_list<std::string_view> skipped,
                           pugi::xml_document& doc, std::string& buffer);

// Parses `buffer` in place with LoadDocument's options: `doc` points into it, so it must outlive
// `doc` unchanged. False when it is not well-formed XML with a root element. For callers that
// parse many small pieces and report errors another way.
bool LoadInPlace(std::string& buffer, pugi::xml_document& doc);

// Local part of a qualified name: "arxiv:doi" -> "doi", "title" -> "title".
std::string_view LocalName(const char* qualified_name);

// First child element (or next sibling element, for NextByLocalName) with that local name;
// an empty node when there is none.
pugi::xml_node ChildByLocalName(pugi::xml_node parent, std::string_view local_name);
pugi::xml_node NextByLocalName(pugi::xml_node node, std::string_view local_name);

// Appends `text` to `out`, each whitespace run collapsed to one space; no space at the start
// of `out` or after a newline, and a trailing run leaves one space (the next text node may
// continue the sentence). The step AppendPlainText takes for each text node.
void AppendCollapsed(std::string_view text, std::string& out);

// Appends the plain text of `node` to `out`. If `out` already ends with text and the node has
// any, they are separated by nothing: the caller adds separators it wants. `Node` is
// pugi::xml_node or record_tree::NodeRef (record_tree.h), which offers the same calls.
template <class Node>
void AppendPlainText(Node node, std::string& out) {
  size_t start = out.size();
  Node current = node.first_child();
  // Most elements hold one text node and nothing else: no walk needed.
  if (current && current.type() == pugi::node_pcdata && !current.next_sibling()) {
    AppendCollapsed(std::string_view(current.value()), out);
    if (out.size() > start && out.back() == ' ') out.pop_back();
    return;
  }
  // Iterative pre-order walk of the subtree: no recursion depth limit to worry about.
  while (current) {
    pugi::xml_node_type type = current.type();
    if (type == pugi::node_pcdata || type == pugi::node_cdata) {
      AppendCollapsed(std::string_view(current.value()), out);
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

// Plain text of `node` (empty string for an empty or missing node).
template <class Node>
std::string PlainText(Node node) {
  std::string out;
  AppendPlainText(node, out);
  return out;
}

// `text` with runs of whitespace collapsed to one space and the ends trimmed.
std::string CollapseWhitespace(std::string_view text);

// `text` as a whole non-negative decimal integer (surrounding whitespace allowed); nullopt when
// empty or not a number.
std::optional<int64_t> WholeInteger(std::string_view text);

// The text of `node` parsed as a whole non-negative decimal integer (surrounding whitespace
// allowed); nullopt when missing, empty or not a number.
template <class Node>
std::optional<int64_t> IntegerText(Node node) {
  return WholeInteger(std::string_view(node.child_value()));
}

}  // namespace vigil::xml_text
