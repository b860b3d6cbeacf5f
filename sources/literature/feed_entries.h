// Internal to the feed parser: the fields read from one RSS item or Atom entry before they
// become an Event, and the per-format readers (feed_rss.cpp, feed_atom.cpp) that fill them.
// Readers never fail; a field they cannot read stays empty.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "sources/literature/feed_xml.h"

namespace vigil {

struct FeedContext {
  const FeedXml& xml;
  std::string_view feed_url;
  size_t max_summary_bytes;
};

struct ItemFields {
  std::string title;    // plain text
  std::string link;     // resolved
  std::string id;       // guid / id / rdf:about as written (trimmed); "" when none
  std::string summary;  // plain text
  std::optional<TimePoint> published, updated;
  std::vector<std::string> authors, categories;
  nlohmann::json enclosures = nlohmann::json::array();
  std::string doi;
};

struct FeedHeader {
  std::string title;
  std::string link;
};

FeedHeader ReadRssHeader(const FeedContext& ctx, pugi::xml_node channel);
ItemFields ReadRssItem(const FeedContext& ctx, pugi::xml_node item);
FeedHeader ReadAtomHeader(const FeedContext& ctx, pugi::xml_node feed);
ItemFields ReadAtomEntry(const FeedContext& ctx, pugi::xml_node entry);

// Elements several formats share (Dublin Core, DC terms, PRISM); returns false when `child`
// is none of them.
bool ReadSharedElement(const FeedContext& ctx, pugi::xml_node child, XName name, ItemFields& item);

// Text of an element that may hold HTML: reduced with HtmlToText when `html` (or, when
// `guess`, when it looks like markup), otherwise only trimmed and whitespace-collapsed.
std::string ReduceText(std::string_view raw, bool html, size_t max_bytes);
std::string GuessAndReduceText(std::string_view raw, size_t max_bytes);
// Trims and turns each run of ASCII whitespace into one space; no entity decoding.
std::string CollapseWhitespace(std::string_view raw, size_t max_bytes);

// Trimmed text of an element (for ids, links, dates).
std::string TrimmedText(pugi::xml_node n);

}  // namespace vigil
