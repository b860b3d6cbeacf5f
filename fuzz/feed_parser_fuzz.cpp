// RSS and Atom feeds (sources/literature/feed_parser.h), with and without a Content-Type charset.
// Besides not crashing: every item has an id and UTF-8 text, and no summary is longer than the cut.
#include <cstdint>
#include <string>

#include "fuzz/literature_checks.h"
#include "sources/literature/feed_parser.h"

namespace {

void ParseWith(std::string_view bytes, vigil::FeedParseOptions opts) {
  auto feed = vigil::ParseFeed(bytes, opts);
  if (!feed.ok()) return;
  VIGIL_FUZZ_CHECK(vigil::fuzz::IsUtf8(feed->title) && vigil::fuzz::IsUtf8(feed->link), "feed title or link not UTF-8");
  for (const vigil::Event& e : feed->items) {
    vigil::fuzz::CheckLiteratureEvent(e, "feed");
    VIGIL_FUZZ_CHECK(e.summary.size() <= opts.max_summary_bytes, "summary of %zu bytes", e.summary.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ParseWith(bytes, {.content_type = "", .feed_url = "https://example.org/feed/", .max_summary_bytes = 20000});
  // A header charset (wins over the document's) and a short cut, where UTF-8 cutting shows.
  ParseWith(bytes, {.content_type = "application/rss+xml; charset=iso-8859-1", .feed_url = "", .max_summary_bytes = 40});
  return 0;
}
