// The literature parsers on damaged copies of real responses: bytes replaced (often by XML's own
// < > & " ' characters), ranges deleted or repeated, documents cut short. Each parse must return
// events or an error, never crash or read out of bounds (the sanitizer build runs this too), and
// for PubMed the record-by-record path (its strict record reader, pugixml as the fallback) must
// give what the whole-document pugixml parse gives whenever both succeed.
//
// A seeded generator makes every run the same; VIGIL_FUZZ_ITERATIONS (default 150 per file)
// makes a longer run: `VIGIL_FUZZ_ITERATIONS=20000 build/vigil_test --gtest_filter='ParserMutation*'`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

#include "sources/literature/arxiv_parser.h"
#include "sources/literature/feed_parser.h"
#include "sources/literature/pubmed_parser.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using testing::ReadFixture;

int Iterations() {
  const char* env = std::getenv("VIGIL_FUZZ_ITERATIONS");
  int n = env ? std::atoi(env) : 0;
  return n > 0 ? n : 150;
}

// One random damage to `doc`, near markup more often than not (where parsers branch).
std::string Mutate(std::string doc, std::mt19937& rng) {
  if (doc.empty()) return doc;
  auto at = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  size_t pos = at(doc.size());
  if (rng() % 2) {  // move to the nearest markup character
    size_t lt = doc.find_first_of("<&>\"", pos);
    if (lt != std::string::npos) pos = lt + at(3);
    pos = std::min(pos, doc.size() - 1);
  }
  static const std::string kBytes = "<>&\"'/=;#x!?[]- \n\0\xC3\xA9\xFF" "aZ09";
  switch (rng() % 5) {
    case 0: doc[pos] = kBytes[at(kBytes.size())]; break;
    case 1: doc.erase(pos, 1 + at(24)); break;
    case 2: doc.insert(pos, doc.substr(pos, 1 + at(40))); break;
    case 3: doc.resize(pos); break;
    default: doc.insert(pos, 1, kBytes[at(kBytes.size())]); break;
  }
  return doc;
}

nlohmann::json Described(const std::vector<Event>& events) {
  nlohmann::json out = nlohmann::json::array();
  for (const Event& e : events) {
    out.push_back({{"id", e.source_id}, {"title", e.title}, {"summary", e.summary}, {"metadata", e.source_metadata}});
  }
  return out;
}

TEST(ParserMutation, PubmedRecordPathAgreesWithTheWholeDocumentParseOrBothRefuse) {
  std::mt19937 rng(20261125);
  int compared = 0;
  for (const char* file : {"pubmed/pubmed1.xml", "pubmed/pubmed2.xml", "pubmed/pubmed4.xml", "pubmed/pubmed5.xml", "pubmed/efetch_pmc.xml"}) {
    std::string original = ReadFixture(file);
    ASSERT_FALSE(original.empty()) << file;
    for (int i = 0; i < Iterations(); ++i) {
      std::string damaged = Mutate(original, rng);
      auto by_record = ParsePubmedArticleSet(damaged);
      // A comment anywhere sends the document to the whole-document parse.
      size_t end = damaged.rfind("</PubmedArticleSet>");
      if (end == std::string::npos) continue;
      std::string whole_doc = damaged;
      whole_doc.insert(end, "<!-- -->");
      auto whole = ParsePubmedArticleSet(whole_doc);
      if (!by_record.ok() || !whole.ok()) continue;
      ++compared;
      ASSERT_EQ(Described(*by_record), Described(*whole)) << file << ", mutation " << i;
    }
  }
  EXPECT_GT(compared, Iterations() / 2) << "enough damaged documents still parse both ways to compare";
}

TEST(ParserMutation, ArxivAndFeedsReturnEventsOrAnError) {
  std::mt19937 rng(11);
  const char* files[] = {"arxiv/query_testing_start0_max10.atom", "arxiv/id_1707.08567.atom"};
  for (const char* file : files) {
    std::string original = ReadFixture(file);
    ASSERT_FALSE(original.empty()) << file;
    for (int i = 0; i < Iterations(); ++i) (void)ParseArxivFeed(Mutate(Mutate(original, rng), rng));
  }
  int feeds = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testing::FixturesDir() / "feeds")) {
    if (!entry.is_regular_file() || entry.file_size() > 256 * 1024 || feeds >= 40) continue;
    std::string original = testing::ReadFileBytes(entry.path());
    ++feeds;
    for (int i = 0; i < Iterations() / 10 + 1; ++i) {
      auto parsed = ParseFeed(Mutate(Mutate(original, rng), rng), {});
      if (parsed.ok()) {
        for (const auto& item : parsed->items) EXPECT_FALSE(item.source_id.empty()) << entry.path();
      }
    }
  }
  EXPECT_GT(feeds, 10);
}

}  // namespace
}  // namespace vigil
