// Atom 1.0 (RFC 4287) entries, and Atom 0.3 read leniently: 0.3's type="text/html",
// mode="escaped", issued/modified map onto 1.0's html, published/updated.
#include <cctype>

#include "common/utf8_cut.h"
#include "sources/literature/feed_dates.h"
#include "sources/literature/feed_entries.h"
#include "sources/literature/html_text.h"
#include "sources/literature/url_resolve.h"

namespace vigil {
namespace {

bool IsAtomNs(std::string_view ns) { return ns == "atom" || ns == "atom03" || ns.empty(); }

std::string LowerAttr(pugi::xml_node n, const char* name) {
  std::string v = n.attribute(name).value();
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v;
}

bool HasElementChild(pugi::xml_node n) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) return true;
  return false;
}

std::string DecodeBase64(std::string_view in) {
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    int v = (c >= 'A' && c <= 'Z') ? c - 'A' : (c >= 'a' && c <= 'z') ? c - 'a' + 26
          : (c >= '0' && c <= '9') ? c - '0' + 52 : c == '+' ? 62 : c == '/' ? 63 : -1;
    if (v < 0) continue;  // whitespace, padding
    bits = (bits << 6) | static_cast<uint32_t>(v);
    if (++count == 4) {
      out += static_cast<char>(bits >> 16);
      out += static_cast<char>((bits >> 8) & 0xFF);
      out += static_cast<char>(bits & 0xFF);
      bits = 0;
      count = 0;
    }
  }
  if (count == 2) out += static_cast<char>(bits >> 4);
  if (count == 3) {
    out += static_cast<char>(bits >> 10);
    out += static_cast<char>((bits >> 2) & 0xFF);
  }
  return out;
}

// An Atom text construct (title, summary, content) as plain text.
std::string AtomText(pugi::xml_node n, size_t max_bytes) {
  std::string type = LowerAttr(n, "type");
  std::string mode = LowerAttr(n, "mode");
  bool markup_children = HasElementChild(n);
  if (type == "xhtml" || type == "application/xhtml+xml" || markup_children)
    return ReduceText(FeedXml::InnerXml(n), true, max_bytes);
  bool html = type == "html" || type == "text/html" || mode == "escaped";
  // Base64 decodes to any bytes at all: what is not UTF-8 becomes U+FFFD (found by feed_parser_fuzz).
  if (mode == "base64") return GuessAndReduceText(ValidUtf8(DecodeBase64(NodeText(n))), max_bytes);
  if (html) return ReduceText(NodeText(n), true, max_bytes);
  if (type.empty() || type == "text" || type.starts_with("text/") || type.ends_with("xml") || mode == "xml")
    return ReduceText(NodeText(n), false, max_bytes);
  // RFC 4287 3.1.1.3: any other media type is base64 (as is Atom 0.3's mode="base64").
  return GuessAndReduceText(ValidUtf8(DecodeBase64(NodeText(n))), max_bytes);
}

bool IsHtmlType(std::string_view type) {
  return type.empty() || type == "text/html" || type == "application/xhtml+xml";
}

// Links: the entry's page is the first alternate with an HTML type, else the id when it is a
// URL (feedparser reads an Atom id as it reads an RSS guid: a permalink), else the first alternate.
// An enclosure is never the page, whichever comes first.
struct LinkChoice {
  std::string html_alternate, id_url, any_alternate;
  std::string Best() const {
    if (!html_alternate.empty()) return html_alternate;
    return !id_url.empty() ? id_url : any_alternate;
  }
};

void ReadAtomLink(const FeedContext& ctx, pugi::xml_node n, LinkChoice& links, ItemFields* item) {
  std::string href = n.attribute("href").value();
  if (href.empty()) href = TrimmedText(n);  // some feeds put the URL in the element's text
  if (href.empty()) return;
  std::string rel = n.attribute("rel").value();
  std::string type = LowerAttr(n, "type");
  std::string resolved = ResolveUrl(FeedXml::BaseUrl(n, ctx.feed_url), href);
  if (rel.empty() || rel == "alternate") {
    if (IsHtmlType(type) && links.html_alternate.empty()) links.html_alternate = resolved;
    if (links.any_alternate.empty()) links.any_alternate = resolved;
  } else if (rel == "enclosure" && item != nullptr) {
    nlohmann::json e = {{"url", resolved}};
    if (!type.empty()) e["type"] = type;
    if (auto length = n.attribute("length")) e["length"] = length.value();
    item->enclosures.push_back(std::move(e));
  }
}

std::string PersonName(const FeedContext& ctx, pugi::xml_node person) {
  std::string name, email;
  for (pugi::xml_node c = person.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    XName n = ctx.xml.Name(c);
    if (n.local == "name") name = ReduceText(NodeText(c), false, 0);
    else if (n.local == "email") email = TrimmedText(c);
  }
  if (name.empty() && email.empty() && !HasElementChild(person)) return ReduceText(NodeText(person), false, 0);
  return !name.empty() ? name : email;
}

void ReadAtomId(const FeedContext& ctx, pugi::xml_node n, ItemFields& item, LinkChoice& links) {
  item.id = TrimmedText(n);
  links.id_url = IsAbsoluteWebUrl(item.id) ? ResolveUrl(FeedXml::BaseUrl(n, ctx.feed_url), item.id) : "";
}

bool ReadAtomElement(const FeedContext& ctx, pugi::xml_node c, std::string_view local, ItemFields& item,
                     LinkChoice& links, std::string& summary, std::string& content) {
  if (local == "title") item.title = AtomText(c, 0);
  else if (local == "link") ReadAtomLink(ctx, c, links, &item);
  else if (local == "id") ReadAtomId(ctx, c, item, links);
  else if (local == "summary") summary = AtomText(c, ctx.max_summary_bytes);
  else if (local == "content") content = AtomText(c, ctx.max_summary_bytes);
  else if (local == "published" || local == "issued") item.published = ParseFeedDate(NodeText(c));
  else if (local == "updated" || local == "modified") item.updated = ParseFeedDate(NodeText(c));
  else if (local == "author") {
    if (std::string a = PersonName(ctx, c); !a.empty()) item.authors.push_back(a);
  } else if (local == "category") {
    std::string term = c.attribute("term").value();
    if (term.empty()) term = c.attribute("label").value();
    if (term.empty()) term = TrimmedText(c);
    if (!term.empty()) item.categories.push_back(term);
  } else {
    return false;
  }
  return true;
}

}  // namespace

FeedHeader ReadAtomHeader(const FeedContext& ctx, pugi::xml_node feed) {
  FeedHeader h;
  LinkChoice links;
  for (pugi::xml_node c = feed.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    XName name = ctx.xml.Name(c);
    if (!IsAtomNs(name.ns)) continue;
    if (name.local == "title" && h.title.empty()) h.title = AtomText(c, 0);
    else if (name.local == "link") ReadAtomLink(ctx, c, links, nullptr);
  }
  h.link = links.Best();
  return h;
}

ItemFields ReadAtomEntry(const FeedContext& ctx, pugi::xml_node entry) {
  ItemFields item;
  LinkChoice links;
  std::string summary, content;
  for (pugi::xml_node c = entry.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    XName name = ctx.xml.Name(c);
    if (IsAtomNs(name.ns) && ReadAtomElement(ctx, c, name.local, item, links, summary, content)) continue;
    ReadSharedElement(ctx, c, name, item);
  }
  item.link = links.Best();
  item.summary = !summary.empty() ? summary : content;
  return item;
}

}  // namespace vigil
