// A small read-only XML tree for one efetch record, built by a strict reader of a subset of
// XML, for the PubMed parser's record-by-record path (pubmed_parser.cpp). The reader takes only
// what it reads exactly as pugixml does with xml_text's options: elements with ASCII names,
// attributes written name="value" (or 'value'), text, the five XML entities and numeric
// character references of characters XML allows. On anything else (comments, CDATA, processing
// instructions, a DOCTYPE, other entity references, NUL bytes, a name or attribute written
// another way, a tag that does not match, text after the root element) it refuses, and the
// caller parses the record with pugixml, which then gives the same result (or reports the
// error) as before. Why: building this tree costs less than a pugixml document, and reading
// it is inline code, where each pugixml node access is a call into the shared library.
//
// NodeRef mirrors the part of pugi::xml_node the record reader uses (child, next_sibling,
// attribute, value, ...), so one template reads both trees. A Tree is reused record after
// record (its storage stays allocated); it is owned by one parse, not shared between threads.
#pragma once

#include <pugixml.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::record_tree {

class Tree;

// An attribute of an element; empty (false) when the element has none of that name.
class AttributeRef {
 public:
  AttributeRef() = default;
  AttributeRef(const Tree* tree, uint32_t index) : tree_(tree), index_(index) {}
  explicit operator bool() const { return tree_ != nullptr; }
  std::string_view value() const;  // "" for an empty ref
  std::string_view as_string(std::string_view if_empty_ref) const {
    return *this ? value() : if_empty_ref;
  }

 private:
  const Tree* tree_ = nullptr;
  uint32_t index_ = 0;
};

// A node of a Tree: an element or a text node; empty (false) for "no such node".
class NodeRef {
 public:
  NodeRef() = default;
  NodeRef(const Tree* tree, uint32_t index) : tree_(tree), index_(index) {}
  explicit operator bool() const { return tree_ != nullptr; }
  bool operator==(const NodeRef& other) const = default;

  pugi::xml_node_type type() const;  // node_element or node_pcdata; node_null when empty
  std::string_view name() const;     // element name; "" for text and empty refs
  std::string_view value() const;    // text of a text node (entities decoded); "" otherwise
  std::string_view child_value() const;  // value of the first text child; "" when none
  NodeRef first_child() const;
  NodeRef next_sibling() const;
  NodeRef parent() const;
  NodeRef child(std::string_view element_name) const;         // first child element so named
  NodeRef next_sibling(std::string_view element_name) const;  // next sibling element so named
  AttributeRef attribute(std::string_view attribute_name) const;

 private:
  const Tree* tree_ = nullptr;
  uint32_t index_ = 0;
};

class Tree {
 public:
  // Reads `xml`, one element and its subtree, with nothing around it but whitespace. False
  // when it is outside the subset described above: then the tree is unusable (until the next
  // Read) and the caller should use pugixml. `xml` must outlive the tree's use, unchanged:
  // names and text without references point into it; decoded text is kept in the tree.
  bool Read(std::string_view xml);
  NodeRef root() const { return nodes_.empty() ? NodeRef() : NodeRef(this, 0); }

 private:
  friend class NodeRef;
  friend class AttributeRef;
  static constexpr uint32_t kNone = UINT32_MAX;

  struct Node {
    std::string_view name;   // "" for a text node
    std::string_view value;  // text nodes: into the input, or text_ when decoded
    uint32_t parent = kNone, first_child = kNone, last_child = kNone, next_sibling = kNone;
    uint32_t first_attribute = kNone;
  };
  struct Attribute {
    std::string_view name, value;  // value: into the input, or text_ when decoded
    uint32_t next = kNone;
  };

  bool ReadStartTag(std::string_view xml, size_t& at, uint32_t& open);
  bool ReadEndTag(std::string_view xml, size_t& at, uint32_t& open);
  bool ReadText(std::string_view xml, size_t& at, uint32_t open);
  bool ReadAttribute(std::string_view xml, size_t& at, uint32_t element, uint32_t& last);
  // Appends raw[...] to text_ with references decoded; false on one outside the subset.
  bool AppendDecoded(std::string_view raw, std::string_view& decoded);
  uint32_t AddNode(uint32_t parent, std::string_view name, std::string_view value);

  std::vector<Node> nodes_;
  std::vector<Attribute> attributes_;
  std::string text_;  // decoded text and attribute values; reserved up front, never moves
};

// Inline accessors: the record reader calls these for every node it looks at.

// a == b, compared inline: names are short, and string_view's == calls memcmp here.
inline bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] != b[k]) return false;
  }
  return true;
}

inline std::string_view AttributeRef::value() const {
  return tree_ ? tree_->attributes_[index_].value : std::string_view();
}

inline pugi::xml_node_type NodeRef::type() const {
  if (!tree_) return pugi::node_null;
  return tree_->nodes_[index_].name.empty() ? pugi::node_pcdata : pugi::node_element;
}

inline std::string_view NodeRef::name() const {
  return tree_ ? tree_->nodes_[index_].name : std::string_view();
}

inline std::string_view NodeRef::value() const {
  return tree_ ? tree_->nodes_[index_].value : std::string_view();
}

inline NodeRef NodeRef::first_child() const {
  if (!tree_) return {};
  uint32_t child = tree_->nodes_[index_].first_child;
  return child == Tree::kNone ? NodeRef() : NodeRef(tree_, child);
}

inline NodeRef NodeRef::next_sibling() const {
  if (!tree_) return {};
  uint32_t next = tree_->nodes_[index_].next_sibling;
  return next == Tree::kNone ? NodeRef() : NodeRef(tree_, next);
}

inline NodeRef NodeRef::parent() const {
  if (!tree_) return {};
  uint32_t up = tree_->nodes_[index_].parent;
  return up == Tree::kNone ? NodeRef() : NodeRef(tree_, up);
}

inline std::string_view NodeRef::child_value() const {
  for (NodeRef c = first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata) return c.value();
  }
  return {};
}

inline NodeRef NodeRef::child(std::string_view element_name) const {
  for (NodeRef c = first_child(); c; c = c.next_sibling()) {
    if (SameName(c.name(), element_name)) return c;
  }
  return {};
}

inline NodeRef NodeRef::next_sibling(std::string_view element_name) const {
  for (NodeRef s = next_sibling(); s; s = s.next_sibling()) {
    if (SameName(s.name(), element_name)) return s;
  }
  return {};
}

inline AttributeRef NodeRef::attribute(std::string_view attribute_name) const {
  if (!tree_) return {};
  for (uint32_t a = tree_->nodes_[index_].first_attribute; a != Tree::kNone;
       a = tree_->attributes_[a].next) {
    if (SameName(tree_->attributes_[a].name, attribute_name)) return AttributeRef(tree_, a);
  }
  return {};
}

}  // namespace vigil::record_tree
