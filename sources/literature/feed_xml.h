// A feed document as pugixml sees it, plus what pugixml does not do: namespaces by URI
// (elements are matched by a short key for their namespace, whatever prefix the feed chose;
// undeclared prefixes are tolerated and keyed by the prefix itself), xml:base, and recovery
// from malformed XML (HTML named entities rewritten as numeric references before parsing; on
// a syntax error the part pugixml parsed before it is kept). Owned by one parse; not shared.
#pragma once

#include <pugixml.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigil {

// Namespace keys: "" (none, or RSS 0.9x/1.0/2.0 namespaces, all read alike), "atom" (1.0),
// "atom03", "rdf", "dc", "dcterms", "content", "prism", "xhtml", "media", "itunes"; an unknown
// namespace is keyed by its URI, an undeclared prefix by the prefix.
struct XName {
  std::string_view ns;
  std::string_view local;
};

class FeedXml {
 public:
  // Parses UTF-8 XML. Returns false when nothing usable (no root element) came out; warnings
  // get one line per recovered problem.
  bool Load(std::string utf8, std::vector<std::string>& warnings);

  pugi::xml_node Root() const { return doc_->document_element(); }
  XName Name(pugi::xml_node n) const;
  bool Is(pugi::xml_node n, std::string_view ns, std::string_view local) const;
  // First child element with that name; an empty node when none.
  pugi::xml_node Child(pugi::xml_node parent, std::string_view ns, std::string_view local) const;

  // Text content: all text and CDATA inside `n`, in document order, untrimmed.
  static std::string Text(pugi::xml_node n);
  // The children of `n` serialised as XML (for xhtml content and unescaped HTML).
  static std::string InnerXml(pugi::xml_node n);
  // The base URL in force at `n`: xml:base attributes of `n` and its ancestors resolved from
  // the outermost inwards, starting from `document_url`.
  static std::string BaseUrl(pugi::xml_node n, std::string_view document_url);

 private:
  std::string_view KeyOfPrefix(std::string_view prefix) const;
  void IndexPrefixes(std::vector<std::string>& warnings);

  std::string buffer_;  // parsed in place by doc_, so it lives as long as doc_
  std::unique_ptr<pugi::xml_document> doc_ = std::make_unique<pugi::xml_document>();
  std::unordered_map<std::string_view, std::string_view> prefix_keys_;  // views into doc_ or statics
  // Keys of the default-namespace declarations, by the address of the attribute's value.
  std::unordered_map<const char*, std::string_view> default_keys_;
  bool has_default_namespaces_ = false;
};

// The text of an element (FeedXml::Text) without a copy when it is one text node, as it
// usually is: then a view of the document, else of the joined text (or the string it was
// given) it keeps. Neither copied nor moved (the view may point into itself): read it within
// the expression or the scope that made it.
class NodeText {
 public:
  NodeText() = default;
  explicit NodeText(pugi::xml_node n);
  explicit NodeText(std::string owned) : owned_(std::move(owned)), view_(owned_) {}
  NodeText(const NodeText&) = delete;
  NodeText& operator=(const NodeText&) = delete;
  operator std::string_view() const { return view_; }
  std::string_view view() const { return view_; }

 private:
  std::string owned_;
  std::string_view view_;
};

// Internal general entities a DOCTYPE declares (<!ENTITY name "value">), name -> value.
using DeclaredEntities = std::unordered_map<std::string, std::string>;
DeclaredEntities ReadDoctypeEntities(std::string_view xml);

// Rewrites, outside CDATA sections and comments, "&name;" for entities XML does not define:
// a `declared` entity becomes its value, an HTML named entity "&#N;". Leaves the five XML
// entities and unknown names alone.
std::string RewriteHtmlEntities(std::string_view xml, const DeclaredEntities& declared = {});

// The namespace key for a namespace URI (see XName): a static string for a known namespace,
// else `uri` itself.
std::string_view NamespaceKey(std::string_view uri);

}  // namespace vigil
