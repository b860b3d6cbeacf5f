// PubMed E-utilities responses (sources/literature/pubmed_parser.h): esearch and efetch bodies.
// Besides not crashing: every event is a PubMed record with a PMID and UTF-8 text, and the
// record-by-record reader agrees with the whole-document parse (a comment before the closing tag
// sends a document down the whole-document path) whenever both accept.
#include <cstdint>
#include <string>

#include "fuzz/literature_checks.h"
#include "sources/literature/pubmed_parser.h"

namespace {

nlohmann::json Described(const std::vector<vigil::Event>& events) {
  nlohmann::json out = nlohmann::json::array();
  for (const vigil::Event& e : events)
    out.push_back({{"id", e.source_id}, {"title", e.title}, {"summary", e.summary}, {"metadata", e.source_metadata}});
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  (void)vigil::ParseEsearch(xml);
  auto by_record = vigil::ParsePubmedArticleSet(xml);
  if (!by_record.ok()) return 0;
  for (const vigil::Event& e : *by_record) vigil::fuzz::CheckLiteratureEvent(e, "pubmed");
  size_t end = xml.rfind("</PubmedArticleSet>");
  if (end == std::string_view::npos) return 0;
  std::string whole_doc(xml);
  whole_doc.insert(end, "<!-- -->");
  auto whole = vigil::ParsePubmedArticleSet(whole_doc);
  if (!whole.ok()) return 0;
  VIGIL_FUZZ_CHECK(Described(*by_record) == Described(*whole), "the record reader and the whole-document parse differ");
  return 0;
}
