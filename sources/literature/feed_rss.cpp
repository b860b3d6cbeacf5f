// RSS 0.9x, 2.0 and 1.0 items. RSS 1.0 differs only in where items sit and rdf:about; the
// element names are the same once namespaces are resolved (see feed_xml.h).
#include <algorithm>

#include "sources/literature/feed_dates.h"
#include "sources/literature/feed_entries.h"
#include "sources/literature/url_resolve.h"

namespace vigil {
namespace {

// The HTML an element holds: escaped (text) or, in sloppy feeds, as child elements.
NodeText HtmlOf(pugi::xml_node n) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) return NodeText(FeedXml::InnerXml(n));
  return NodeText(n);
}

void ReadEnclosure(const FeedContext& ctx, pugi::xml_node n, ItemFields& item) {
  std::string url = n.attribute("url").value();
  if (url.empty()) return;
  nlohmann::json e = {{"url", ResolveUrl(FeedXml::BaseUrl(n, ctx.feed_url), url)}};
  if (auto type = n.attribute("type")) e["type"] = type.value();
  if (auto length = n.attribute("length")) e["length"] = length.value();
  item.enclosures.push_back(std::move(e));
}

// <atom:link> inside RSS: an alternate link when the item has none, or an enclosure.
void ReadAtomLinkInRss(const FeedContext& ctx, pugi::xml_node n, ItemFields& item) {
  std::string_view rel = n.attribute("rel").value();
  std::string href = n.attribute("href").value();
  if (href.empty()) return;
  std::string resolved = ResolveUrl(FeedXml::BaseUrl(n, ctx.feed_url), href);
  if ((rel.empty() || rel == "alternate") && item.link.empty()) item.link = resolved;
  if (rel == "enclosure") {
    nlohmann::json e = {{"url", resolved}};
    if (auto type = n.attribute("type")) e["type"] = type.value();
    if (auto length = n.attribute("length")) e["length"] = length.value();
    item.enclosures.push_back(std::move(e));
  }
}

bool ReadRssElement(const FeedContext& ctx, pugi::xml_node c, std::string_view local, ItemFields& item,
                    pugi::xml_node& description, std::string& guid_link) {
  if (local == "title") {
    item.title = GuessAndReduceText(HtmlOf(c), 0);
  } else if (local == "link") {
    std::string link = TrimmedText(c);
    if (!link.empty() && item.link.empty()) item.link = ResolveUrl(FeedXml::BaseUrl(c, ctx.feed_url), link);
  } else if (local == "description") {
    description = c;
  } else if (local == "guid") {
    item.id = TrimmedText(c);
    std::string_view permalink = c.attribute("isPermaLink").value();
    if (permalink != "false" && IsAbsoluteWebUrl(item.id)) guid_link = ResolveUrl(FeedXml::BaseUrl(c, ctx.feed_url), item.id);
  } else if (local == "pubDate") {
    item.published = ParseFeedDate(NodeText(c));
  } else if (local == "author") {
    if (std::string a = ReduceText(NodeText(c), false, 0); !a.empty()) item.authors.push_back(a);
  } else if (local == "category") {
    if (std::string cat = ReduceText(NodeText(c), false, 0); !cat.empty()) item.categories.push_back(cat);
  } else if (local == "enclosure") {
    ReadEnclosure(ctx, c, item);
  } else {
    return false;
  }
  return true;
}

}  // namespace

FeedHeader ReadRssHeader(const FeedContext& ctx, pugi::xml_node channel) {
  FeedHeader h;
  for (pugi::xml_node c = channel.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    XName name = ctx.xml.Name(c);
    if (name.ns.empty() && name.local == "title" && h.title.empty()) {
      h.title = GuessAndReduceText(HtmlOf(c), 0);
    } else if (name.ns == "dc" && name.local == "title" && h.title.empty()) {
      h.title = GuessAndReduceText(HtmlOf(c), 0);
    } else if (name.ns.empty() && name.local == "link" && h.link.empty()) {
      std::string link = TrimmedText(c);
      if (!link.empty()) h.link = ResolveUrl(FeedXml::BaseUrl(c, ctx.feed_url), link);
    }
  }
  return h;
}

ItemFields ReadRssItem(const FeedContext& ctx, pugi::xml_node node) {
  ItemFields item;
  pugi::xml_node description, content_encoded;  // read once all children are seen: the last of each
  std::string guid_link;
  if (auto about = node.attribute("rdf:about")) item.id = about.value();
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    XName name = ctx.xml.Name(c);
    if (name.ns.empty() && ReadRssElement(ctx, c, name.local, item, description, guid_link)) continue;
    if (name.ns == "content" && name.local == "encoded") {
      content_encoded = c;
    } else if (name.ns == "atom" && name.local == "link") {
      ReadAtomLinkInRss(ctx, c, item);
    } else if (name.ns == "dc" && name.local == "title" && item.title.empty()) {
      item.title = GuessAndReduceText(HtmlOf(c), 0);
    } else {
      ReadSharedElement(ctx, c, name, item);
    }
  }
  if (item.link.empty()) item.link = guid_link;
  NodeText description_html = description ? HtmlOf(description) : NodeText();
  NodeText content_html = description_html.view().empty() && content_encoded ? HtmlOf(content_encoded) : NodeText();
  item.summary = ReduceText(description_html.view().empty() ? content_html.view() : description_html.view(), true,
                            ctx.max_summary_bytes);
  return item;
}

}  // namespace vigil
