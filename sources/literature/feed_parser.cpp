#include "sources/literature/feed_parser.h"

#include <openssl/evp.h>

#include <cctype>
#include <cstring>

#include "common/utf8.h"
#include "common/utf8_cut.h"
#include "sources/literature/ascii_words.h"
#include "sources/literature/feed_dates.h"
#include "sources/literature/feed_entries.h"
#include "sources/literature/feed_xml.h"
#include "sources/literature/html_text.h"
#include "sources/literature/text_encoding.h"

namespace vigil {
namespace {

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

// isspace() of the C locale, without a call per byte.
bool IsCSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && IsCSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsCSpace(s.back())) s.remove_suffix(1);
  return s;
}

// A DOI from "doi:10.1101/x", "https://doi.org/10.1101/x" or "10.1101/x"; "" otherwise.
std::string DoiFrom(std::string_view text) {
  text = TrimView(text);
  for (std::string_view prefix : {"doi:", "DOI:", "info:doi/", "https://doi.org/", "http://doi.org/",
                                  "https://dx.doi.org/", "http://dx.doi.org/"}) {
    if (text.starts_with(prefix)) {
      text.remove_prefix(prefix.size());
      break;
    }
  }
  text = TrimView(text);
  if (!text.starts_with("10.") || text.find('/') == std::string_view::npos) return "";
  return std::string(text);
}

// The dedupe key of an entry with neither id nor link. Its title and summary when it has
// either (the key vigil has always derived); else the entry's markup as written, so entries
// holding only a contributor, a date or a category stay apart. Entries with nothing in them
// at all share one key.
std::string DerivedId(const Event& e, pugi::xml_node entry) {
  if (!e.title.empty() || !e.summary.empty()) return "sha256:" + Sha256Hex(e.title + e.source_url + e.summary);
  return "sha256:" + Sha256Hex(FeedXml::InnerXml(entry));
}

Event ToEvent(ItemFields&& item, pugi::xml_node entry, const std::string& feed_title) {
  Event e;
  e.source_type = "feed";
  e.title = std::move(item.title);
  e.summary = std::move(item.summary);
  e.source_url = std::move(item.link);
  if (!item.id.empty()) e.source_id = std::move(item.id);
  else if (!e.source_url.empty()) e.source_id = e.source_url;
  else e.source_id = DerivedId(e, entry);
  nlohmann::json& m = e.source_metadata;
  m["feed_title"] = feed_title;
  if (item.published) m["published"] = FormatRfc3339Utc(*item.published);
  if (item.updated) m["updated"] = FormatRfc3339Utc(*item.updated);
  if (!item.authors.empty()) m["authors"] = std::move(item.authors);
  if (!item.categories.empty()) m["categories"] = std::move(item.categories);
  if (!item.enclosures.empty()) m["enclosures"] = std::move(item.enclosures);
  if (!item.doi.empty()) m["doi"] = std::move(item.doi);
  e.raw_data = nullptr;
  return e;
}

struct Layout {
  std::string format;
  pugi::xml_node header;                // channel (RSS) or feed (Atom)
  std::vector<pugi::xml_node> entries;  // items or entries
  bool atom = false;
};

// Entries are <item> (RSS) or <entry> (Atom); in an Atom feed feedparser reads an <item> as an
// entry too, and so does vigil.
void CollectChildren(const FeedXml& xml, pugi::xml_node parent, bool atom, std::vector<pugi::xml_node>& out) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    XName n = xml.Name(c);
    bool ns_ok = atom ? (n.ns == "atom" || n.ns == "atom03" || n.ns.empty()) : n.ns.empty();
    if (ns_ok && (n.local == "item" || (atom && n.local == "entry"))) out.push_back(c);
  }
}

std::optional<Layout> DetectLayout(const FeedXml& xml) {
  pugi::xml_node root = xml.Root();
  XName rn = xml.Name(root);
  Layout l;
  if (rn.local == "rss" || rn.local == "channel") {
    std::string_view version = root.attribute("version").value();
    l.format = (rn.local == "channel" || version.starts_with("0.9")) ? "rss09x" : "rss20";
    l.header = rn.local == "channel" ? root : xml.Child(root, "", "channel");
  } else if (rn.local == "RDF") {
    l.header = xml.Child(root, "", "channel");
    std::string_view default_ns = root.attribute("xmlns").value();
    l.format = default_ns.find("netscape.com") != std::string_view::npos ? "rss09x" : "rss10";
  } else if (rn.local == "feed") {
    l.atom = true;
    l.header = root;
    std::string_view version = root.attribute("version").value();
    l.format = (rn.ns == "atom03" || (rn.ns != "atom" && version.starts_with("0."))) ? "atom03" : "atom10";
  } else {
    return std::nullopt;
  }
  if (l.header && l.header != root) CollectChildren(xml, l.header, false, l.entries);
  CollectChildren(xml, root, l.atom, l.entries);
  return l;
}

}  // namespace

// Python's str.strip() also strips U+00A0; titles padded with &nbsp; are common.
void TrimNoBreakSpaces(std::string& s) {
  while (s.starts_with("\xC2\xA0")) s.erase(0, 2);
  while (s.ends_with("\xC2\xA0")) s.resize(s.size() - 2);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
}

std::string ReduceText(std::string_view raw, bool html, size_t max_bytes) {
  std::string out = html ? HtmlToText(raw, max_bytes) : CollapseWhitespace(raw, max_bytes);
  if (out.size() >= 2) TrimNoBreakSpaces(out);
  return out;
}

std::string CollapseWhitespace(std::string_view raw, size_t max_bytes) {
  raw = TrimView(raw);
  // The result is never longer than `raw`; 16 bytes more for the block stores.
  std::string out(raw.size() + 16, '\0');
  char* const begin = out.data();
  char* w = begin;
  bool space = false;
  size_t i = 0;
  while (i < raw.size()) {
    char c = raw[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      ++i;
      continue;
    }
    if (space) *w++ = ' ';
    space = false;
    *w++ = c;
    ++i;
    // Words joined by single spaces are copied as they are, 16 bytes a step.
    while (i + 16 <= raw.size()) {
      std::memcpy(w, raw.data() + i, 16);
      size_t copyable = ascii_words::CopyablePrefix16(raw.data() + i, false, 0, true);
      w += copyable;
      i += copyable;
      if (copyable < 16) break;
    }
    if (max_bytes > 0 && static_cast<size_t>(w - begin) > max_bytes + 4) break;
  }
  out.resize(static_cast<size_t>(w - begin));
  if (max_bytes > 0) TruncateUtf8(out, max_bytes);
  return out;
}

std::string GuessAndReduceText(std::string_view raw, size_t max_bytes) {
  return ReduceText(raw, LooksLikeHtml(raw), max_bytes);
}

std::string TrimmedText(pugi::xml_node n) { return std::string(TrimView(NodeText(n))); }

bool ReadSharedElement(const FeedContext&, pugi::xml_node c, XName name, ItemFields& item) {
  if (name.ns == "dc") {
    if (name.local == "creator" || name.local == "author") {
      if (std::string a = ReduceText(NodeText(c), false, 0); !a.empty()) item.authors.push_back(a);
    } else if (name.local == "subject") {
      if (std::string s = ReduceText(NodeText(c), false, 0); !s.empty()) item.categories.push_back(s);
    } else if (name.local == "date") {
      if (!item.updated) item.updated = ParseFeedDate(NodeText(c));
    } else if (name.local == "identifier") {
      if (item.doi.empty()) item.doi = DoiFrom(NodeText(c));
    } else {
      return false;
    }
    return true;
  }
  if (name.ns == "dcterms") {
    if (name.local == "issued") {
      if (!item.published) item.published = ParseFeedDate(NodeText(c));
    } else if (name.local == "modified") {
      if (!item.updated) item.updated = ParseFeedDate(NodeText(c));
    } else {
      return false;
    }
    return true;
  }
  if (name.ns == "prism" && name.local == "doi") {
    if (std::string doi = DoiFrom(NodeText(c)); !doi.empty()) item.doi = doi;
    return true;
  }
  return false;
}

Result<ParsedFeed> ParseFeed(std::string_view bytes, const FeedParseOptions& opts) {
  if (bytes.empty()) return Status::Error("empty feed document");
  DecodedXml decoded = DecodeXmlDocument(bytes, opts.content_type);
  ParsedFeed feed;
  feed.encoding = decoded.encoding;
  feed.warnings = std::move(decoded.warnings);
  FeedXml xml;
  if (!xml.Load(std::move(decoded.utf8), feed.warnings))
    return Status::Error("not XML: " + (feed.warnings.empty() ? std::string("no root element") : feed.warnings.back()));
  std::optional<Layout> layout = DetectLayout(xml);
  if (!layout) return Status::Error(std::string("not an RSS or Atom feed: root element <") + xml.Root().name() + ">");
  feed.format = layout->format;
  FeedContext ctx{xml, opts.feed_url, opts.max_summary_bytes};
  FeedHeader header = layout->atom ? ReadAtomHeader(ctx, layout->header)
                                   : (layout->header ? ReadRssHeader(ctx, layout->header) : FeedHeader{});
  feed.title = std::move(header.title);
  feed.link = std::move(header.link);
  feed.items.reserve(layout->entries.size());
  for (pugi::xml_node node : layout->entries) {
    ItemFields item = layout->atom ? ReadAtomEntry(ctx, node) : ReadRssItem(ctx, node);
    feed.items.push_back(ToEvent(std::move(item), node, feed.title));
    // A document that says UTF-8 may still hold bytes that are not (found by feed_parser_fuzz in
    // a CDATA title): pugixml passes them through as they are.
    MakeEventTextUtf8(feed.items.back());
  }
  for (std::string* s : {&feed.title, &feed.link}) {
    if (!IsUtf8(*s)) *s = ValidUtf8(*s);
  }
  return feed;
}

}  // namespace vigil
