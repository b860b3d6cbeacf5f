#include "sources/literature/literature_poller.h"

#include <algorithm>
#include <ctime>

#include "common/http/retry_policy.h"
#include "sources/literature/arxiv_parser.h"
#include "sources/literature/feed_dates.h"
#include "sources/literature/feed_parser.h"
#include "sources/literature/pubmed_parser.h"

namespace vigil {
namespace {

Result<HttpClientResponse> Get(HttpClient& http, const std::string& url, bool from_data, const CancelToken* cancel,
                               bool conditional = false) {
  HttpClientRequest req;
  req.url = url;
  req.from_data = from_data;
  req.conditional = conditional;
  auto res = http.Send(req, cancel);
  if (!res.ok()) return res.status();
  if (res->not_modified || (res->status >= 200 && res->status < 300)) return res;
  return HttpStatusError(res->status, url.substr(0, url.find('?')));
}

std::string EntrezDate(TimePoint t) {
  time_t secs = std::chrono::system_clock::to_time_t(t);
  char buf[16];
  strftime(buf, sizeof buf, "%Y/%m/%d", gmtime(&secs));
  return buf;
}

std::string NcbiParams(const LiteratureSpec& s) {
  std::string p = "&tool=vigil";
  if (!s.email.empty()) p += "&email=" + UrlEncode(s.email);
  if (!s.api_key.empty()) p += "&api_key=" + UrlEncode(s.api_key);
  return p;
}

Result<PollResult> PollPubmed(const LiteratureSpec& s, const PollCursor& cursor, HttpClient& http, const CancelToken* cancel) {
  std::string base = s.base_url.empty() ? kPubmedBaseUrl : s.base_url;
  int limit = cursor.last_success ? s.max_items : s.first_poll_limit;
  std::string url = base + "/esearch.fcgi?db=pubmed&usehistory=y&sort=pub_date&retmax=" + std::to_string(limit) +
                    "&term=" + UrlEncode(s.query) + NcbiParams(s);
  if (cursor.last_success) url += "&datetype=edat&mindate=" + EntrezDate(*cursor.last_success - kPollOverlap) + "&maxdate=3000";
  auto res = Get(http, url, s.from_data, cancel);
  if (!res.ok()) return res.status().WithContext("esearch");
  auto search = ParseEsearch(res->body);
  if (!search.ok()) return search.status().WithContext("esearch");
  PollResult out;
  out.warnings = search->warnings;
  if (search->ids.empty()) return out;
  constexpr int kBatch = 200;
  int total = static_cast<int>(search->ids.size());
  for (int start = 0; start < total; start += kBatch) {
    std::string fetch = base + "/efetch.fcgi?db=pubmed&retmode=xml&retstart=" + std::to_string(start) +
                        "&retmax=" + std::to_string(std::min(kBatch, total - start));
    if (!search->webenv.empty()) {
      fetch += "&WebEnv=" + UrlEncode(search->webenv) + "&query_key=" + UrlEncode(search->query_key);
    } else {
      std::string ids;
      for (int i = start; i < std::min(total, start + kBatch); ++i) ids += (ids.empty() ? "" : ",") + search->ids[i];
      fetch += "&id=" + ids;
    }
    auto page = Get(http, fetch + NcbiParams(s), s.from_data, cancel);
    if (!page.ok()) return page.status().WithContext("efetch");
    auto events = ParsePubmedArticleSet(page->body);
    if (!events.ok()) return events.status().WithContext("efetch");
    for (auto& e : *events) out.events.push_back(std::move(e));
  }
  return out;
}

Result<PollResult> PollArxiv(const LiteratureSpec& s, const PollCursor& cursor, HttpClient& http, const CancelToken* cancel) {
  std::string base = s.base_url.empty() ? kArxivBaseUrl : s.base_url;
  int limit = cursor.last_success ? s.max_items : s.first_poll_limit;
  int page_size = std::max(1, std::min(limit, s.page_size));
  PollResult out;
  out.updates_existing = true;
  std::optional<TimePoint> since;
  if (cursor.last_success) since = *cursor.last_success - kPollOverlap;
  for (int start = 0; start < limit; start += page_size) {
    std::string url = base + "/query?search_query=" + UrlEncode(s.query) + "&sortBy=submittedDate&sortOrder=descending&start=" +
                      std::to_string(start) + "&max_results=" + std::to_string(std::min(page_size, limit - start));
    auto res = http.Send(HttpClientRequest{.url = url, .from_data = s.from_data}, cancel);
    if (!res.ok()) return res.status();
    auto page = ParseArxivFeed(res->body);  // the API's error feed (HTTP 400) becomes an error here
    if (!page.ok()) return page.status();
    if (res->status >= 300) return HttpStatusError(res->status, "the arXiv API");
    bool older = false;
    for (auto& e : page->entries) {
      auto published = ParseFeedDate(e.source_metadata.value("updated", e.source_metadata.value("published", "")));
      if (since && published && *published < *since) {
        older = true;
        continue;
      }
      if (static_cast<int>(out.events.size()) < limit) out.events.push_back(std::move(e));
    }
    if (older || page->entries.empty() || start + page_size >= page->total_results) break;
  }
  return out;
}

Result<PollResult> PollFeed(const LiteratureSpec& s, HttpClient& http, const CancelToken* cancel) {
  auto res = Get(http, s.url, s.from_data, cancel, true);
  if (!res.ok()) return res.status();
  PollResult out;
  if (res->not_modified) {
    out.not_modified = true;
    return out;
  }
  FeedParseOptions opts;
  if (const auto* ct = res->Header("Content-Type")) opts.content_type = *ct;
  opts.feed_url = res->final_url.empty() ? s.url : res->final_url;
  auto feed = ParseFeed(res->body, opts);
  if (!feed.ok()) return feed.status();
  out.events = std::move(feed->items);
  out.warnings = std::move(feed->warnings);
  return out;
}

}  // namespace

std::string UrlEncode(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<PollResult> PollLiterature(const LiteratureSpec& spec, const PollCursor& cursor, HttpClient& http,
                                  const CancelToken* cancel, TimePoint) {
  if (spec.source == "pubmed") return PollPubmed(spec, cursor, http, cancel);
  if (spec.source == "arxiv") return PollArxiv(spec, cursor, http, cancel);
  if (spec.source == "feed") return PollFeed(spec, http, cancel);
  return Status::Error("unknown literature source \"" + spec.source + "\"");
}

}  // namespace vigil
