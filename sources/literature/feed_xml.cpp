#include "sources/literature/feed_xml.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <sstream>

#include "sources/literature/ascii_words.h"
#include "sources/literature/html_entities.h"
#include "sources/literature/url_resolve.h"

namespace vigil {
namespace {

struct KnownNamespace {
  std::string_view uri;  // lower-case, without trailing '/' or '#'
  std::string_view key;
};

constexpr std::array<KnownNamespace, 20> kNamespaces = {{
    {"http://www.w3.org/2005/atom", "atom"},
    {"http://purl.org/atom/ns", "atom03"},
    {"http://purl.org/rss/1.0", ""},
    {"http://my.netscape.com/rdf/simple/0.9", ""},
    {"http://backend.userland.com/rss2", ""},
    {"http://backend.userland.com/rss", ""},
    {"http://blogs.law.harvard.edu/tech/rss", ""},
    {"http://www.w3.org/1999/02/22-rdf-syntax-ns", "rdf"},
    {"http://purl.org/dc/elements/1.1", "dc"},
    {"http://purl.org/dc/elements/1.0", "dc"},
    {"http://purl.org/dc/terms", "dcterms"},
    {"http://purl.org/rss/1.0/modules/content", "content"},
    {"http://www.w3.org/1999/xhtml", "xhtml"},
    {"http://search.yahoo.com/mrss", "media"},
    {"http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes"},
    {"http://prismstandard.org/namespaces/basic/2.0", "prism"},
    {"http://prismstandard.org/namespaces/basic/2.1", "prism"},
    {"http://prismstandard.org/namespaces/basic/3.0", "prism"},
    {"http://prismstandard.org/namespaces/1.2/basic", "prism"},
    {"http://www.w3.org/xml/1998/namespace", "xml"},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::pair<std::string_view, std::string_view> SplitQName(std::string_view qname) {
  size_t colon = qname.find(':');
  if (colon == std::string_view::npos) return {{}, qname};
  return {qname.substr(0, colon), qname.substr(colon + 1)};
}

struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override { out.append(static_cast<const char*>(data), size); }
};

bool IsXmlEntity(std::string_view name) {
  return name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos";
}

}  // namespace

std::string_view NamespaceKey(std::string_view uri) {
  std::string_view trimmed = uri;
  while (!trimmed.empty() && (trimmed.back() == '/' || trimmed.back() == '#' || trimmed.back() == ' ')) trimmed.remove_suffix(1);
  for (const KnownNamespace& ns : kNamespaces)
    if (EqualsIgnoreCase(trimmed, ns.uri)) return ns.key;
  if (trimmed.starts_with("http://prismstandard.org/namespaces/")) return "prism";
  return uri;
}

DeclaredEntities ReadDoctypeEntities(std::string_view xml) {
  DeclaredEntities entities;
  size_t doctype = xml.substr(0, 4096).find("<!DOCTYPE");
  if (doctype == std::string_view::npos) return entities;
  size_t open = xml.find('[', doctype), close = xml.find("]>", doctype);
  if (open == std::string_view::npos || close == std::string_view::npos || open > close) return entities;
  std::string_view subset = xml.substr(open + 1, close - open - 1);
  for (size_t at = subset.find("<!ENTITY"); at != std::string_view::npos; at = subset.find("<!ENTITY", at + 1)) {
    size_t i = at + 8;
    auto skip_space = [&] { while (i < subset.size() && std::isspace(static_cast<unsigned char>(subset[i]))) ++i; };
    skip_space();
    if (i >= subset.size() || subset[i] == '%') continue;  // parameter entity
    size_t name_start = i;
    while (i < subset.size() && !std::isspace(static_cast<unsigned char>(subset[i]))) ++i;
    std::string name(subset.substr(name_start, i - name_start));
    skip_space();
    if (i >= subset.size() || (subset[i] != '"' && subset[i] != '\'')) continue;  // SYSTEM / PUBLIC
    size_t end = subset.find(subset[i], i + 1);
    if (end == std::string_view::npos) break;
    entities.try_emplace(std::move(name), subset.substr(i + 1, end - i - 1));
  }
  return entities;
}

namespace {

bool IsAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Position of `pattern` in xml[from...], or npos. memmem skips through text instead of stopping
// at every '<' as std::string_view::find would.
size_t FindFrom(std::string_view xml, size_t from, std::string_view pattern) {
  if (from >= xml.size()) return std::string_view::npos;
  const void* hit = memmem(xml.data() + from, xml.size() - from, pattern.data(), pattern.size());
  return hit == nullptr ? std::string_view::npos
                        : static_cast<size_t>(static_cast<const char*>(hit) - xml.data());
}

// Whether the reference at xml[amp] == '&' is numeric or one of the five XML entities, told
// from its first bytes: escaped HTML in feeds is mostly "&lt;" and "&gt;", and this spares
// reading the name for each. RewriteReference would leave these as written too.
bool StaysAsWritten(std::string_view xml, size_t amp) {
  std::string_view rest = xml.substr(amp + 1, 5);
  auto starts = [rest](std::string_view reference) {
    if (rest.size() < reference.size()) return false;
    for (size_t k = 0; k < reference.size(); ++k) {
      if (rest[k] != reference[k]) return false;
    }
    return true;
  };
  if (rest.empty()) return false;
  switch (rest[0]) {
    case '#': return true;
    case 'l': return starts("lt;");
    case 'g': return starts("gt;");
    case 'a': return starts("amp;") || starts("apos;");
    case 'q': return starts("quot;");
    default: return false;
  }
}

// Appends the replacement for the reference at xml[amp] == '&' if it needs one; returns the
// bytes consumed (0 when the reference stays as written).
size_t RewriteReference(std::string_view xml, size_t amp, const DeclaredEntities& declared, std::string& out) {
  size_t j = amp + 1;
  while (j < xml.size() && j - amp <= 32 && IsAsciiAlnum(xml[j])) ++j;
  std::string_view name = xml.substr(amp + 1, j - amp - 1);
  if (j >= xml.size() || xml[j] != ';' || name.empty() || IsXmlEntity(name)) return 0;
  if (!declared.empty()) {
    if (auto it = declared.find(std::string(name)); it != declared.end()) {
      out.append(it->second);
      return j + 1 - amp;
    }
  }
  auto cp = LookupHtmlEntity(name);
  if (!cp) return 0;
  out.append("&#").append(std::to_string(static_cast<uint32_t>(*cp))).append(";");
  return j + 1 - amp;
}

}  // namespace

std::string RewriteHtmlEntities(std::string_view xml, const DeclaredEntities& declared) {
  std::string out;
  out.reserve(xml.size() + 64);
  size_t copied = 0;  // xml before this is in `out` already
  std::string replacement;
  size_t i = 0;
  // One pass for both '&' and '!' (which may open a CDATA section or a comment).
  while (i < xml.size()) {
    size_t at = ascii_words::FindAnyOf3(xml, i, '&', '!', '!');
    if (at == std::string_view::npos) break;
    if (xml[at] == '!') {
      i = at + 1;
      if (at == 0 || xml[at - 1] != '<') continue;
      size_t open = at - 1;
      bool cdata = xml.compare(open, 9, "<![CDATA[") == 0;
      if (!cdata && xml.compare(open, 4, "<!--") != 0) continue;
      // Pass over the CDATA section or comment untouched, entities and all.
      size_t end = FindFrom(xml, open + 4, cdata ? "]]>" : "-->");
      i = end == std::string_view::npos ? xml.size() : end + 3;
      continue;
    }
    size_t amp = at;
    // Most references are the XML ones and numeric: they stay, and nothing is copied for them.
    if (StaysAsWritten(xml, amp)) {
      i = amp + 1;
      continue;
    }
    replacement.clear();
    size_t consumed = RewriteReference(xml, amp, declared, replacement);
    if (consumed == 0) {
      i = amp + 1;
      continue;
    }
    out.append(xml.substr(copied, amp - copied)).append(replacement);
    i = copied = amp + consumed;
  }
  out.append(xml.substr(copied));
  return out;
}

namespace {

constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata;

// End tags for the elements a truncated parse left open: the path of last children.
std::string ClosersForOpenElements(pugi::xml_node root) {
  std::vector<std::string_view> open;
  for (pugi::xml_node n = root; n; n = n.last_child()) {
    if (n.type() != pugi::node_element) break;
    open.push_back(n.name());
  }
  std::string closers;
  for (auto it = open.rbegin(); it != open.rend(); ++it) closers.append("</").append(*it).append(">");
  return closers;
}

}  // namespace

bool FeedXml::Load(std::string utf8, std::vector<std::string>& warnings) {
  DeclaredEntities entities = ReadDoctypeEntities(utf8);
  buffer_ = RewriteHtmlEntities(utf8, entities);
  pugi::xml_parse_result result = doc_->load_buffer_inplace(buffer_.data(), buffer_.size(), kParseOptions, pugi::encoding_utf8);
  if (!result) {
    warnings.push_back(std::string("malformed XML at byte ") + std::to_string(result.offset) + ": " +
                       result.description() + "; kept what came before it");
    // A truncated document parses whole once its open elements are closed; text pugixml
    // dropped at the cut (an unfinished title) comes back that way.
    std::string closed = RewriteHtmlEntities(utf8, entities) + ClosersForOpenElements(Root());
    auto retry = std::make_unique<pugi::xml_document>();
    if (retry->load_buffer(closed.data(), closed.size(), kParseOptions, pugi::encoding_utf8)) doc_ = std::move(retry);
  }
  if (!Root()) return false;
  IndexPrefixes(warnings);
  return true;
}

namespace {

// The element after `n` in document order (pre-order) within `root`'s subtree; empty at the end.
pugi::xml_node NextElement(pugi::xml_node n, pugi::xml_node root) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) return c;
  }
  for (; n && n != root; n = n.parent()) {
    for (pugi::xml_node s = n.next_sibling(); s; s = s.next_sibling()) {
      if (s.type() == pugi::node_element) return s;
    }
  }
  return {};
}

}  // namespace

void FeedXml::IndexPrefixes(std::vector<std::string>& warnings) {
  std::vector<std::string_view> undeclared;
  // Every element in document order, its namespace declarations first; a walk without a
  // stack of its own, since it visits every element of every feed.
  pugi::xml_node root = Root();
  for (pugi::xml_node n = root; n; n = NextElement(n, root)) {
    for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
      std::string_view name = a.name();
      if (!name.starts_with("xmlns")) continue;
      if (name.starts_with("xmlns:")) prefix_keys_.try_emplace(name.substr(6), NamespaceKey(a.value()));
      if (name == "xmlns") {
        has_default_namespaces_ = true;
        default_keys_.emplace(a.value(), NamespaceKey(a.value()));
      }
    }
    auto [prefix, local] = SplitQName(n.name());
    // Items repeat the same few prefixes: keep each once, in order of first use.
    if (!prefix.empty() && std::find(undeclared.begin(), undeclared.end(), prefix) == undeclared.end())
      undeclared.push_back(prefix);
  }
  prefix_keys_.try_emplace("xml", "xml");
  for (std::string_view prefix : undeclared) {
    if (prefix_keys_.contains(prefix)) continue;
    warnings.push_back("undeclared namespace prefix '" + std::string(prefix) + "'");
    prefix_keys_.emplace(prefix, prefix);
  }
}

std::string_view FeedXml::KeyOfPrefix(std::string_view prefix) const {
  auto it = prefix_keys_.find(prefix);
  return it == prefix_keys_.end() ? prefix : it->second;
}

XName FeedXml::Name(pugi::xml_node n) const {
  auto [prefix, local] = SplitQName(n.name());
  if (!prefix.empty()) return {KeyOfPrefix(prefix), local};
  if (!has_default_namespaces_) return {"", local};
  for (pugi::xml_node a = n; a; a = a.parent()) {
    if (pugi::xml_attribute xmlns = a.attribute("xmlns")) {
      auto it = default_keys_.find(xmlns.value());
      return {it != default_keys_.end() ? it->second : NamespaceKey(xmlns.value()), local};
    }
  }
  return {"", local};
}

bool FeedXml::Is(pugi::xml_node n, std::string_view ns, std::string_view local) const {
  if (n.type() != pugi::node_element) return false;
  XName name = Name(n);
  return name.local == local && name.ns == ns;
}

pugi::xml_node FeedXml::Child(pugi::xml_node parent, std::string_view ns, std::string_view local) const {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling())
    if (Is(c, ns, local)) return c;
  return {};
}

std::string FeedXml::Text(pugi::xml_node n) {
  if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) return n.value();
  std::string out;
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
    else if (c.type() == pugi::node_element) out += Text(c);
  }
  return out;
}

NodeText::NodeText(pugi::xml_node n) {
  if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) {
    view_ = n.value();
    return;
  }
  pugi::xml_node only = n.first_child();
  if (!only) return;
  if (!only.next_sibling() && (only.type() == pugi::node_pcdata || only.type() == pugi::node_cdata)) {
    view_ = only.value();
    return;
  }
  owned_ = FeedXml::Text(n);
  view_ = owned_;
}

std::string FeedXml::InnerXml(pugi::xml_node n) {
  StringWriter writer;
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    c.print(writer, "", pugi::format_raw);
  return writer.out;
}

std::string FeedXml::BaseUrl(pugi::xml_node n, std::string_view document_url) {
  std::vector<std::string_view> bases;
  for (pugi::xml_node a = n; a; a = a.parent())
    if (pugi::xml_attribute b = a.attribute("xml:base")) bases.push_back(b.value());
  std::string base(document_url);
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) base = ResolveUrl(base, *it);
  return base;
}

}  // namespace vigil
