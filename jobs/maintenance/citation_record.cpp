#include "jobs/maintenance/citation_record.h"

#include <re2/re2.h>

#include "common/json_depth.h"
#include "common/utf8_cut.h"
#include "sources/literature/arxiv_parser.h"
#include "sources/literature/html_text.h"
#include "sources/literature/literature_poller.h"
#include "sources/literature/pubmed_parser.h"

namespace vigil {
namespace {

CitationRecord NotFound(int status, std::string note) {
  CitationRecord r;
  r.http_status = status;
  r.note = std::move(note);
  return r;
}

Result<HttpClientResponse> Get(HttpClient& http, const std::string& url, const CitationSources& s, bool from_data,
                               const CancelToken* cancel) {
  HttpClientRequest request;
  request.url = url;
  request.timeout = s.timeout;
  request.from_data = from_data;
  return http.Send(request, cancel);
}

// Services: 200 is an answer, 404/400/410 a definite "no such record", anything else try later.
Result<HttpClientResponse> ServiceGet(HttpClient& http, const std::string& url, const CitationSources& s, const CancelToken* cancel) {
  auto r = Get(http, url, s, false, cancel);
  if (!r.ok()) return r;
  if (r->status == 200 || r->status == 404 || r->status == 400 || r->status == 410) return r;
  return Status::Error("HTTP " + std::to_string(r->status) + " from " + url);
}

std::string NcbiParams(const CitationSources& s) {
  std::string p = "&tool=vigil";
  if (!s.mailto.empty()) p += "&email=" + UrlEncode(s.mailto);
  if (!s.pubmed_api_key.empty()) p += "&api_key=" + UrlEncode(s.pubmed_api_key);
  return p;
}

CitationRecord FromEvent(const Event& e, bool retracted) {
  CitationRecord r;
  r.found = true;
  r.http_status = 200;
  r.title = e.title;
  for (const auto& a : e.source_metadata.value("authors", nlohmann::json::array())) r.authors.push_back(a.get<std::string>());
  r.year = e.source_metadata.value("year", 0);
  if (r.year == 0 && e.source_metadata.contains("published")) r.year = std::atoi(e.source_metadata["published"].get<std::string>().substr(0, 4).c_str());
  r.retracted = retracted;
  r.final_url = e.source_url;
  return r;
}

Result<CitationRecord> Crossref(const std::string& doi, const CitationSources& s, HttpClient& http, const CancelToken* cancel) {
  std::string url = s.crossref_base + "/works/" + UrlEncode(doi);
  if (!s.mailto.empty()) url += "?mailto=" + UrlEncode(s.mailto);
  auto r = ServiceGet(http, url, s, cancel);
  if (!r.ok()) return r.status();
  if (r->status != 200) return NotFound(r->status, "Crossref has no record of doi " + doi);
  auto work = ParseCrossrefWork(r->body);
  if (!work.ok()) return work;
  std::string updates = s.crossref_base + "/works?filter=" + UrlEncode("updates:" + doi) + "&rows=20";
  if (!s.mailto.empty()) updates += "&mailto=" + UrlEncode(s.mailto);
  auto listed = ServiceGet(http, updates, s, cancel);
  if (!listed.ok()) return listed.status();
  if (listed->status == 200) {
    auto notices = ParseUpdatingNotices(listed->body, doi);
    if (!notices.ok()) return notices.status().WithContext("Crossref's notices updating " + doi);
    work->notices = MergeNotices(std::move(work->notices), *notices);
    work->retracted = !work->notices.empty();
  }
  return work;
}

Result<CitationRecord> Pubmed(const std::string& pmid, const CitationSources& s, HttpClient& http, const CancelToken* cancel) {
  auto r = ServiceGet(http, s.pubmed_base + "/efetch.fcgi?db=pubmed&retmode=xml&id=" + UrlEncode(pmid) + NcbiParams(s), s, cancel);
  if (!r.ok()) return r.status();
  if (r->status != 200) return NotFound(r->status, "PubMed has no record " + pmid);
  auto events = ParsePubmedArticleSet(r->body);
  if (!events.ok()) return NotFound(r->status, events.error());
  for (const auto& e : *events) {
    if (e.source_id != pmid) continue;
    bool retracted = false;
    for (const auto& t : e.source_metadata.value("publication_types", nlohmann::json::array())) retracted |= t == "Retracted Publication";
    CitationRecord out = FromEvent(e, retracted);
    if (retracted) out.notices.push_back({"", "retraction", ""});  // PubMed names no notice DOI
    return out;
  }
  return NotFound(r->status, "PubMed has no record " + pmid);
}

Result<CitationRecord> Pmcid(const std::string& pmcid, const CitationSources& s, HttpClient& http, const CancelToken* cancel) {
  auto r = ServiceGet(http, s.pubmed_base + "/esearch.fcgi?db=pubmed&retmode=xml&term=" + UrlEncode(pmcid + "[pmcid]") + NcbiParams(s),
                      s, cancel);
  if (!r.ok()) return r.status();
  auto found = r->status == 200 ? ParseEsearch(r->body) : Result<EsearchResult>(Status::Error("HTTP " + std::to_string(r->status)));
  if (!found.ok() || found->ids.empty()) return NotFound(r->status, "PubMed has no record for " + pmcid);
  return Pubmed(found->ids.front(), s, http, cancel);
}

Result<CitationRecord> Arxiv(const std::string& id, const CitationSources& s, HttpClient& http, const CancelToken* cancel) {
  auto r = ServiceGet(http, s.arxiv_base + "/query?id_list=" + UrlEncode(id) + "&max_results=1", s, cancel);
  if (!r.ok()) return r.status();
  auto page = ParseArxivFeed(r->body);
  if (!page.ok() || page->entries.empty()) return NotFound(r->status, page.ok() ? "arXiv has no " + id : page.error());
  return FromEvent(page->entries.front(), false);
}

Result<CitationRecord> Page(const std::string& url, const CitationSources& s, HttpClient& http, const CancelToken* cancel) {
  auto r = Get(http, url, s, true, cancel);
  if (!r.ok()) {
    if (cancel && cancel->cancelled()) return r.status();
    return NotFound(0, r.error());  // refused by the address guard, unreachable, too many redirects
  }
  CitationRecord out = NotFound(r->status, "HTTP " + std::to_string(r->status));
  out.final_url = r->final_url;
  if (r->status < 200 || r->status >= 300) return out;
  out.found = true;
  out.note.clear();
  static const RE2 kTitle("(?is)<title[^>]*>(.*?)</title>");
  std::string title;
  if (RE2::PartialMatch(CutUtf8(r->body, 256 * 1024), kTitle, &title)) out.title = HtmlToText(title, 1000);
  return out;
}

}  // namespace

nlohmann::json CitationRecord::ToJson() const {
  return {{"found", found}, {"title", title}, {"authors", authors}, {"year", year}, {"retracted", retracted},
          {"http_status", http_status}, {"final_url", final_url}, {"note", note}, {"notices", NoticesJson()}};
}

nlohmann::json CitationRecord::NoticesJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& n : notices) out.push_back({{"doi", n.doi}, {"type", n.type}, {"date", n.date}});
  return out;
}

CitationRecord CitationRecord::FromJson(const nlohmann::json& j) {
  CitationRecord r;
  r.found = j.value("found", false);
  r.title = j.value("title", "");
  r.authors = j.value("authors", std::vector<std::string>{});
  r.year = j.value("year", 0);
  r.retracted = j.value("retracted", false);
  r.http_status = j.value("http_status", 0);
  r.final_url = j.value("final_url", "");
  r.note = j.value("note", "");
  for (const auto& n : j.value("notices", nlohmann::json::array())) {
    if (n.is_object()) r.notices.push_back({n.value("doi", ""), n.value("type", ""), n.value("date", "")});
  }
  // A record cached before notices were kept says only that it is retracted.
  if (r.retracted && r.notices.empty()) r.notices.push_back({"", "retraction", ""});
  return r;
}

Result<CitationRecord> ParseCrossrefWork(std::string_view body) {
  auto j = ParseJsonOrDiscarded(body);
  if (j.is_discarded() || !j.contains("message") || !j["message"].is_object()) return Status::Error("not a Crossref work");
  const auto& m = j["message"];
  CitationRecord r;
  r.found = true;
  r.http_status = 200;
  if (m.contains("title") && m["title"].is_array() && !m["title"].empty()) r.title = HtmlToText(m["title"][0].get<std::string>());
  for (const auto& a : m.value("author", nlohmann::json::array())) {
    std::string name = a.value("family", a.value("name", ""));
    if (!name.empty()) r.authors.push_back(name);
  }
  for (const char* date : {"issued", "published-print", "published-online", "published"}) {
    if (r.year != 0 || !m.contains(date)) continue;
    const auto& parts = m[date].value("date-parts", nlohmann::json::array());
    if (!parts.empty() && parts[0].is_array() && !parts[0].empty() && parts[0][0].is_number()) r.year = parts[0][0].get<int>();
  }
  r.notices = NoticesUpdatingWork(m);
  r.retracted = !r.notices.empty();
  r.final_url = m.value("URL", "");
  return r;
}

Result<CitationRecord> LookupCitation(const CitationId& id, const CitationSources& sources, HttpClient& api, HttpClient& pages,
                                      const CancelToken* cancel) {
  if (id.kind == "doi") return Crossref(id.value, sources, api, cancel);
  if (id.kind == "pmid") return Pubmed(id.value, sources, api, cancel);
  if (id.kind == "pmcid") return Pmcid(id.value, sources, api, cancel);
  if (id.kind == "arxiv") return Arxiv(id.value, sources, api, cancel);
  return Page(id.value, sources, pages, cancel);
}

}  // namespace vigil
