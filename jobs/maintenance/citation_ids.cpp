#include "jobs/maintenance/citation_ids.h"

#include <re2/re2.h>

#include <algorithm>

#include "common/ascii.h"

namespace vigil {
namespace {

// Sentence punctuation that ends a citation is not part of the identifier before it.
std::string TrimTrailing(std::string s) {
  while (!s.empty() && std::string_view(".,;:)]}>'\"").find(s.back()) != std::string_view::npos) {
    if (s.back() == ')' && std::count(s.begin(), s.end(), '(') >= std::count(s.begin(), s.end(), ')')) break;  // 10.1016/0005-2795(76)90109-4
    s.pop_back();
  }
  return s;
}

void FindAll(std::string_view text, const RE2& re, const std::string& kind, std::vector<CitationId>* out) {
  re2::StringPiece input(text.data(), text.size());
  std::string match;
  while (RE2::FindAndConsume(&input, re, &match)) {
    std::string value = TrimTrailing(match);
    if (kind == "doi") value = AsciiLower(value);
    if (kind == "pmcid") value = "PMC" + value;
    CitationId id{kind, value};
    if (!value.empty() && std::find(out->begin(), out->end(), id) == out->end()) out->push_back(id);
  }
}

}  // namespace

std::vector<CitationId> ExtractCitationIds(std::string_view citation_text, std::string_view source_url) {
  static const RE2 kDoi("(?i)\\b(10\\.\\d{4,9}/[^\\s\"<>]+)");
  static const RE2 kPmid("(?i)(?:\\bPMID:?\\s*|pubmed\\.ncbi\\.nlm\\.nih\\.gov/|ncbi\\.nlm\\.nih\\.gov/pubmed/)(\\d{1,9})\\b");
  static const RE2 kPmcid("(?i)\\bPMC(\\d{3,9})\\b");
  static const RE2 kArxiv(
      "(?i)(?:\\barxiv:\\s*|arxiv\\.org/(?:abs|pdf)/)((?:\\d{4}\\.\\d{4,5}|[a-z\\-]+(?:\\.[A-Z]{2})?/\\d{7})(?:v\\d+)?)");
  static const RE2 kUrl("(https?://[^\\s\"<>]+)");
  std::string all = std::string(citation_text) + "\n" + std::string(source_url);
  std::vector<CitationId> out;
  FindAll(all, kDoi, "doi", &out);
  FindAll(all, kPmid, "pmid", &out);
  FindAll(all, kPmcid, "pmcid", &out);
  FindAll(all, kArxiv, "arxiv", &out);
  FindAll(all, kUrl, "url", &out);
  return out;
}

}  // namespace vigil
