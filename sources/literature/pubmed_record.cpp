#include "sources/literature/pubmed_record.h"

#include <cctype>
#include <string>
#include <string_view>

#include "sources/literature/pubmed_parser.h"
#include "sources/literature/record_tree.h"
#include "sources/literature/xml_text.h"

namespace vigil::pubmed_record {
namespace {

using nlohmann::json;
using xml_text::PlainText;

constexpr std::string_view kMonthAbbrev[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

template <class Node>
bool IsYes(Node node, const char* attribute) {
  return std::string_view(node.attribute(attribute).value()) == "Y";
}

// Sets metadata[key] to the plain text of `node` when it has any.
template <class Node>
void SetIfPresent(json& metadata, const char* key, Node node) {
  std::string text = PlainText(node);
  if (!text.empty()) metadata[key] = std::move(text);
}

// Plain text of each child of `list` named `item`, in order.
template <class Node>
json TextList(Node list, const char* item) {
  json out = json::array();
  for (Node node = list.child(item); node; node = node.next_sibling(item)) {
    std::string text = PlainText(node);
    if (!text.empty()) out.push_back(std::move(text));
  }
  return out;
}

// "LastName ForeName" (Initials without a ForeName), or the CollectiveName; built in one
// string, since every author of every record comes here.
template <class Node>
std::string AuthorName(Node author) {
  if (Node collective = author.child("CollectiveName")) return PlainText(collective);
  std::string name;
  xml_text::AppendPlainText(author.child("LastName"), name);
  size_t last_name = name.size();
  if (last_name > 0) name += ' ';
  size_t given = name.size();  // appending after the space adds no second one (AppendCollapsed)
  xml_text::AppendPlainText(author.child("ForeName"), name);
  if (name.size() == given) xml_text::AppendPlainText(author.child("Initials"), name);
  if (name.size() == given) name.resize(last_name);  // no given name: no space either
  return name;
}

template <class Node>
json AuthorNames(Node author_list) {
  json out = json::array();
  for (Node a = author_list.child("Author"); a; a = a.next_sibling("Author")) {
    if (std::string_view(a.attribute("ValidYN").value()) == "N") continue;
    std::string name = AuthorName(a);
    if (!name.empty()) out.push_back(std::move(name));
  }
  return out;
}

// Abstract paragraphs: "LABEL: text" for labelled parts, joined by a blank line.
template <class Node>
std::string AbstractText(Node abstract) {
  std::string out;
  for (Node part = abstract.child("AbstractText"); part;
       part = part.next_sibling("AbstractText")) {
    size_t before = out.size();
    if (!out.empty()) out += "\n\n";
    std::string_view label = part.attribute("Label").value();
    if (!label.empty()) out.append(label).append(": ");
    size_t text_start = out.size();
    xml_text::AppendPlainText(part, out);
    if (out.size() == text_start) out.resize(before);  // an empty part makes no paragraph
  }
  return out;
}

// Year from the first four consecutive digits, e.g. MedlineDate "1998 Dec-1999 Jan" -> 1998.
int LeadingYear(std::string_view text) {
  for (size_t i = 0; i + 4 <= text.size(); ++i) {
    bool digits = true;
    for (size_t j = i; j < i + 4; ++j) digits = digits && IsDigit(text[j]);
    if (digits) return std::stoi(std::string(text.substr(i, 4)));
  }
  return 0;
}

// Month of a MedlineDate range start: "2012 Jan-Feb" -> 1; 0 for seasons or bare years.
int MedlineDateMonth(std::string_view text) {
  size_t space = text.find(' ');
  if (space == std::string_view::npos) return 0;
  std::string_view rest = text.substr(space + 1);
  size_t end = 0;
  while (end < rest.size() && IsAlpha(rest[end])) ++end;
  return end == 3 ? ParsePubmedMonth(rest.substr(0, 3)) : 0;
}

// Fills "pub_date", "pub_date_text" and "year" from a PubDate element.
template <class Node>
void AddPubDate(Node pub_date, json& metadata) {
  if (!pub_date) return;
  json date = json::object();
  std::string text;
  if (Node medline_date = pub_date.child("MedlineDate")) {
    text = PlainText(medline_date);
    if (int year = LeadingYear(text)) date["year"] = year;
    if (int month = MedlineDateMonth(text)) date["month"] = month;
  } else {
    text = PlainText(pub_date.child("Year"));
    if (auto year = xml_text::IntegerText(pub_date.child("Year"))) date["year"] = *year;
    int month = ParsePubmedMonth(PlainText(pub_date.child("Month")));
    std::string season = PlainText(pub_date.child("Season"));
    if (month) {
      date["month"] = month;
      text.append(" ").append(kMonthAbbrev[month - 1]);
    } else if (!season.empty()) {
      text.append(" ").append(season);
    }
    auto day = xml_text::IntegerText(pub_date.child("Day"));
    if (month && day && *day >= 1 && *day <= 31) {
      date["day"] = *day;
      text.append(" ").append(std::to_string(*day));
    }
  }
  if (date.contains("year")) metadata["year"] = date["year"];
  if (!date.empty()) metadata["pub_date"] = std::move(date);
  if (!text.empty()) metadata["pub_date_text"] = std::move(text);
}

template <class Node>
void AddMesh(Node mesh_list, json& metadata) {
  json terms = json::array();
  json major = json::array();
  for (Node heading = mesh_list.child("MeshHeading"); heading;
       heading = heading.next_sibling("MeshHeading")) {
    Node descriptor = heading.child("DescriptorName");
    std::string name = PlainText(descriptor);
    if (name.empty()) continue;
    bool is_major = IsYes(descriptor, "MajorTopicYN");
    for (Node q = heading.child("QualifierName"); q && !is_major;
         q = q.next_sibling("QualifierName")) {
      is_major = IsYes(q, "MajorTopicYN");
    }
    if (is_major) major.push_back(name);
    terms.push_back(std::move(name));
  }
  metadata["mesh_terms"] = std::move(terms);
  metadata["mesh_major"] = std::move(major);
}

// "doi" and "pmc" from an ArticleIdList (PubmedData's, never a reference's).
template <class Node>
void AddArticleIds(Node id_list, json& metadata) {
  for (Node id = id_list.child("ArticleId"); id; id = id.next_sibling("ArticleId")) {
    std::string_view type = id.attribute("IdType").value();
    const char* key = type == "doi" ? "doi" : type == "pmc" ? "pmc" : nullptr;
    if (key && !metadata.contains(key)) SetIfPresent(metadata, key, id);
  }
}

// DOI from ELocationID when the ArticleIdList had none (common for ahead-of-print records).
template <class Node>
void AddElocationDoi(Node article, json& metadata) {
  if (metadata.contains("doi")) return;
  for (Node e = article.child("ELocationID"); e; e = e.next_sibling("ELocationID")) {
    bool valid = std::string_view(e.attribute("ValidYN").as_string("Y")) == "Y";
    if (valid && std::string_view(e.attribute("EIdType").value()) == "doi") {
      SetIfPresent(metadata, "doi", e);
      return;
    }
  }
}

template <class Node>
std::string Pages(Node pagination) {
  std::string pages = PlainText(pagination.child("MedlinePgn"));
  if (!pages.empty()) return pages;
  pages = PlainText(pagination.child("StartPage"));
  std::string end = PlainText(pagination.child("EndPage"));
  if (!pages.empty() && !end.empty()) pages += "-" + end;
  return pages;
}

template <class Node>
void AddJournal(Node article, Node citation, json& metadata) {
  Node journal = article.child("Journal");
  Node issue = journal.child("JournalIssue");
  SetIfPresent(metadata, "journal", journal.child("Title"));
  SetIfPresent(metadata, "journal_abbrev", journal.child("ISOAbbreviation"));
  if (!metadata.contains("journal_abbrev")) {
    SetIfPresent(metadata, "journal_abbrev", citation.child("MedlineJournalInfo").child("MedlineTA"));
  }
  SetIfPresent(metadata, "volume", issue.child("Volume"));
  SetIfPresent(metadata, "issue", issue.child("Issue"));
  if (std::string pages = Pages(article.child("Pagination")); !pages.empty()) {
    metadata["pages"] = std::move(pages);
  }
  AddPubDate(issue.child("PubDate"), metadata);
}

// Fields every record kind shares: event identity, URL, the lists that are always present.
Event NewEvent(const std::string& pmid) {
  Event event;
  event.source_type = "pubmed";
  event.source_id = pmid;
  event.source_url = "https://pubmed.ncbi.nlm.nih.gov/" + pmid + "/";
  event.source_metadata["pmid"] = pmid;
  return event;
}

// The abstract; without one, the first OtherAbstract (an abstract the publisher or another body
// supplied, often in another language), which PubMed's DTD puts under MedlineCitation, not Article.
template <class Node>
std::string SummaryOf(Node abstract_parent, Node other_abstract_parent) {
  std::string summary = AbstractText(abstract_parent.child("Abstract"));
  if (summary.empty() && other_abstract_parent) summary = AbstractText(other_abstract_parent.child("OtherAbstract"));
  return summary;
}

template <class Node>
void AddLanguage(Node parent, json& metadata) {
  SetIfPresent(metadata, "language", parent.child("Language"));
}

template <class Node>
std::optional<Event> ArticleEvent(Node pubmed_article) {
  Node citation = pubmed_article.child("MedlineCitation");
  std::string pmid = PlainText(citation.child("PMID"));
  if (pmid.empty()) return std::nullopt;
  Node article = citation.child("Article");
  Event event = NewEvent(pmid);
  event.title = PlainText(article.child("ArticleTitle"));
  if (event.title.empty()) event.title = PlainText(article.child("VernacularTitle"));
  event.summary = SummaryOf(article, citation);
  json& metadata = event.source_metadata;
  AddArticleIds(pubmed_article.child("PubmedData").child("ArticleIdList"), metadata);
  AddElocationDoi(article, metadata);
  metadata["authors"] = AuthorNames(article.child("AuthorList"));
  AddJournal(article, citation, metadata);
  AddMesh(citation.child("MeshHeadingList"), metadata);
  json keywords = json::array();
  for (Node list = citation.child("KeywordList"); list;
       list = list.next_sibling("KeywordList")) {
    for (auto& keyword : TextList(list, "Keyword")) keywords.push_back(std::move(keyword));
  }
  metadata["keywords"] = std::move(keywords);
  metadata["publication_types"] =
      TextList(article.child("PublicationTypeList"), "PublicationType");
  AddLanguage(article, metadata);
  return event;
}

template <class Node>
std::optional<Event> BookEvent(Node pubmed_book_article) {
  Node document = pubmed_book_article.child("BookDocument");
  std::string pmid = PlainText(document.child("PMID"));
  if (pmid.empty()) return std::nullopt;
  Node book = document.child("Book");
  Event event = NewEvent(pmid);
  event.title = PlainText(document.child("ArticleTitle"));  // set for a chapter
  if (event.title.empty()) event.title = PlainText(book.child("BookTitle"));
  event.summary = SummaryOf(document, Node());
  json& metadata = event.source_metadata;
  metadata["record_type"] = "book";
  AddArticleIds(document.child("ArticleIdList"), metadata);
  AddArticleIds(pubmed_book_article.child("PubmedBookData").child("ArticleIdList"), metadata);
  Node authors = document.child("AuthorList");
  if (!authors) authors = book.child("AuthorList");
  metadata["authors"] = AuthorNames(authors);
  SetIfPresent(metadata, "book_title", book.child("BookTitle"));
  SetIfPresent(metadata, "publisher", book.child("Publisher").child("PublisherName"));
  AddPubDate(book.child("PubDate"), metadata);
  metadata["mesh_terms"] = json::array();
  metadata["mesh_major"] = json::array();
  metadata["keywords"] = TextList(document.child("KeywordList"), "Keyword");
  metadata["publication_types"] = TextList(document, "PublicationType");
  AddLanguage(document, metadata);
  return event;
}

}  // namespace

std::optional<Event> ArticleToEvent(pugi::xml_node pubmed_article) {
  return ArticleEvent(pubmed_article);
}
std::optional<Event> ArticleToEvent(record_tree::NodeRef pubmed_article) {
  return ArticleEvent(pubmed_article);
}
std::optional<Event> BookToEvent(pugi::xml_node pubmed_book_article) {
  return BookEvent(pubmed_book_article);
}
std::optional<Event> BookToEvent(record_tree::NodeRef pubmed_book_article) {
  return BookEvent(pubmed_book_article);
}

}  // namespace vigil::pubmed_record
