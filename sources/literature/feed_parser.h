// RSS and Atom feeds read into Events (pure logic: bytes in, items out; fetching is elsewhere).
// Reads RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0 and, leniently, Atom 0.3. Survives what real
// feeds do: wrong or missing charsets (see text_encoding.h), HTML entities XML does not define,
// undeclared namespace prefixes, truncated or malformed XML (what parsed before the error is
// kept). Each problem it recovers from becomes a warning, as feedparser's "bozo" flag would.
// Pure function; any thread may call it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/event.h"

namespace vigil {

struct FeedParseOptions {
  std::string content_type;   // the HTTP Content-Type header, may carry charset=; "" if unknown
  std::string feed_url;       // where the feed was fetched from: the base for relative links
  size_t max_summary_bytes = 20000;
};

struct ParsedFeed {
  std::string title;                  // reduced to plain text
  std::string link;                   // the feed's web page, resolved; "" when none
  std::string format;                 // "rss20", "rss09x", "rss10", "atom10", "atom03"
  std::string encoding;               // the charset the bytes were decoded from
  std::vector<Event> items;           // in document order
  std::vector<std::string> warnings;  // recovered problems; empty for a clean feed
};

// Reads a feed. Every item or entry becomes an Event, whatever it holds (as feedparser keeps
// every entry; an Atom feed's <item> counts as an entry), with source_type "feed"; source_id is
// the guid (RSS), id (Atom), rdf:about (RSS 1.0) or link, else "sha256:" + hex sha256 of
// title + link + summary, else (no title, no summary: say only a contributor) of the entry's
// markup as written, so such entries stay apart; entries with nothing in them share one id.
// Title and summary are plain text (summary from description / summary / content:encoded /
// content, cut to max_summary_bytes); HTML is reduced to text where the feed declares it (Atom
// type="html"/"xhtml", RSS description) or, in an RSS title, where feedparser's guess would
// (see LooksLikeHtml); Atom type="text" is never stripped. source_url is the item link resolved
// against xml:base and then feed_url: the <link> (RSS) or first HTML alternate (Atom), else a
// permalink guid or an Atom id that is an http(s)/ftp URL, else Atom's first other alternate;
// an enclosure is never the link.
// source_metadata holds "feed_title" and, when
// present, "published" and "updated" (RFC 3339 UTC), "authors", "categories", "enclosures"
// ([{"url","type","length"}]) and "doi" (from prism:doi or a DOI-shaped dc:identifier).
// Errors only when no feed can be recovered at all (empty input, not XML, not a feed).
Result<ParsedFeed> ParseFeed(std::string_view bytes, const FeedParseOptions& opts);

}  // namespace vigil
