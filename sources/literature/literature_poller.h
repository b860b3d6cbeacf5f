// One poll of a literature watcher (PubMed, arXiv or a feed) over the HttpClient interface:
// what is new since the last successful poll, as Events. No storage here: the poll job stores
// what this returns, and `vigil watchers test` prints it.
//
// Threads: any worker thread; blocking (rate limits, HTTP).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/clock.h"
#include "common/http/http_client.h"
#include "store/event.h"

namespace vigil {

struct LiteratureSpec {
  std::string name;
  std::string source;  // pubmed | arxiv | feed
  std::string query;   // pubmed, arxiv
  std::string url;     // feed
  std::string base_url;  // pubmed, arxiv (defaults below)
  int first_poll_limit = 50;
  int max_items = 1000;  // per poll, after the first
  int page_size = 100;   // arxiv results per request
  std::string api_key;   // NCBI
  std::string email;     // NCBI asks for tool and email
  bool from_data = false;  // a platform row's: its URLs go through the address guard
};

inline constexpr const char* kPubmedBaseUrl = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils";
inline constexpr const char* kArxivBaseUrl = "https://export.arxiv.org/api";
// New items are looked for from the last success minus this, so nothing at the boundary is lost.
inline constexpr std::chrono::hours kPollOverlap{48};

struct PollCursor {
  std::optional<TimePoint> last_success;  // none: the first poll
};

struct PollResult {
  std::vector<Event> events;
  bool updates_existing = false;  // arXiv: a new version of a stored paper updates it
  bool not_modified = false;      // feed answered 304
  std::vector<std::string> warnings;
};

Result<PollResult> PollLiterature(const LiteratureSpec& spec, const PollCursor& cursor, HttpClient& http,
                                  const CancelToken* cancel, TimePoint now);

// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay).
std::string UrlEncode(std::string_view value);

}  // namespace vigil
