// Internal to the PubMed parser: one efetch record (PubmedArticle or PubmedBookArticle) to one
// Event, as described in pubmed_parser.h. Split out to keep each file about one thing.
#pragma once

#include <optional>
#include <pugixml.hpp>

#include "sources/literature/record_tree.h"
#include "store/event.h"

namespace vigil::pubmed_record {

// nullopt when the record has no PMID (nothing to deduplicate on, so not an event). The same
// reading of a pugixml document and of a record_tree::Tree.
std::optional<Event> ArticleToEvent(pugi::xml_node pubmed_article);
std::optional<Event> ArticleToEvent(record_tree::NodeRef pubmed_article);
std::optional<Event> BookToEvent(pugi::xml_node pubmed_book_article);
std::optional<Event> BookToEvent(record_tree::NodeRef pubmed_book_article);

}  // namespace vigil::pubmed_record
