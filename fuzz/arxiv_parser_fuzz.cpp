// arXiv API pages (sources/literature/arxiv_parser.h). Besides not crashing: every event is an
// arXiv entry with an id and UTF-8 text.
#include <cstdint>
#include <string>

#include "fuzz/literature_checks.h"
#include "sources/literature/arxiv_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto page = vigil::ParseArxivFeed(xml);
  if (!page.ok()) return 0;
  VIGIL_FUZZ_CHECK(page->skipped_entries >= 0, "negative skipped_entries");
  for (const vigil::Event& e : page->entries) vigil::fuzz::CheckLiteratureEvent(e, "arxiv");
  return 0;
}
