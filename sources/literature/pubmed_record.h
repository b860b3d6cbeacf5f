// Internal to the PubMed parser: one efetch record (PubmedArticle or PubmedBookArticle) to one
// Event, as described in pubmed_parser.h. Split out to keep each file about one thing.
#pragma once

#include <optional>
#include <pugixml.hpp>

#include "sources/event.h"

namespace vigil::pubmed_record {

// nullopt when the record has no PMID (nothing to deduplicate on, so not an event).
std::optional<Event> ArticleToEvent(pugi::xml_node pubmed_article);
std::optional<Event> BookToEvent(pugi::xml_node pubmed_book_article);

}  // namespace vigil::pubmed_record
