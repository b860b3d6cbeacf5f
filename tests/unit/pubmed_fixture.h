// Shared by the PubMed parser tests: the real efetch/esearch responses in
// tests/fixtures/pubmed (Biopython's test corpus), and parsing a set that must parse.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sources/literature/pubmed_parser.h"
#include "tests/unit/literature_fixture.h"

namespace vigil::testing {

inline std::string Pubmed(const std::string& name) { return ReadLiteratureFixture("pubmed/" + name); }

// The events of an efetch document; a parse error fails the test and gives no events.
inline std::vector<Event> ParseArticles(const std::string& xml) {
  Result<std::vector<Event>> events = ParsePubmedArticleSet(xml);
  EXPECT_TRUE(events.ok()) << (events.ok() ? "" : events.error());
  return events.ok() ? *events : std::vector<Event>{};
}

}  // namespace vigil::testing
