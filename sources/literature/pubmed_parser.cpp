#include "sources/literature/pubmed_parser.h"

#include <array>
#include <cctype>
#include <initializer_list>
#include <optional>

#include "sources/literature/pubmed_record.h"
#include "sources/literature/record_tree.h"
#include "sources/literature/xml_cut.h"
#include "sources/literature/xml_text.h"

namespace vigil {
namespace {

using namespace std::string_view_literals;

// Appends "ElementName: text" for each element child of a list (ErrorList, WarningList).
void CollectMessages(pugi::xml_node list, std::vector<std::string>& out) {
  for (pugi::xml_node item = list.first_child(); item; item = item.next_sibling()) {
    if (item.type() != pugi::node_element) continue;
    out.push_back(std::string(item.name()) + ": " + xml_text::PlainText(item));
  }
}

// NCBI reports some failures as <ERROR> directly under the root element.
Status TopLevelError(pugi::xml_node root) {
  pugi::xml_node error = root.child("ERROR");
  if (!error) return Status::Ok();
  return Status::Error("NCBI error: " + xml_text::PlainText(error));
}

// Parts of a record this parser never reads; references and history are most of its bytes.
const std::initializer_list<std::string_view> kUnreadParts = {
    "CommentsCorrectionsList"sv, "ReferenceList"sv, "History"sv, "GrantList"sv,
    "ChemicalList"sv, "AffiliationInfo"sv, "InvestigatorList"sv, "DataBankList"sv,
    "DateCompleted"sv, "DateRevised"sv, "ArticleDate"sv, "CopyrightInformation"sv,
    "CoiStatement"sv};

bool IsRecord(std::string_view name) {
  return name == "PubmedArticle" || name == "PubmedBookArticle";
}

template <class Node>
std::optional<Event> RecordToEvent(Node record) {
  std::string_view name = record.name();
  if (name == "PubmedArticle") return pubmed_record::ArticleToEvent(record);
  if (name == "PubmedBookArticle") return pubmed_record::BookToEvent(record);
  return std::nullopt;
}

Status CheckSetRoot(pugi::xml_node root) {
  if (Status error = TopLevelError(root); !error) return error.WithContext("efetch");
  if (std::string_view(root.name()) != "PubmedArticleSet") {
    return Status::Error(std::string("efetch response: unexpected root element <") +
                         root.name() + ">");
  }
  return Status::Ok();
}

// One tree for the whole set. Reports errors by their position in the input.
Result<std::vector<Event>> ParseWholeSet(std::string_view xml) {
  pugi::xml_document doc;
  std::string buffer;
  if (Status loaded = xml_text::LoadDocumentWithout(xml, kUnreadParts, doc, buffer); !loaded) {
    return loaded.WithContext("efetch response");
  }
  pugi::xml_node root = doc.document_element();
  if (Status checked = CheckSetRoot(root); !checked) return checked;
  std::vector<Event> events;
  for (pugi::xml_node record = root.first_child(); record; record = record.next_sibling()) {
    if (record.type() != pugi::node_element) continue;
    if (std::optional<Event> event = RecordToEvent(record)) events.push_back(std::move(*event));
  }
  return events;
}

// The same result as ParseWholeSet, faster on a large set: one scan cuts each record, minus
// its unread parts, into a small buffer that is read into a small tree that stays in cache,
// and leaves the set's skeleton (the root, with an empty element where each record was). The
// tree is a record_tree::Tree when the record is in the subset it reads, else a pugixml
// document. nullopt whenever that is not sure to give the same result (comments or CDATA, a
// record that is not a child of the root) or anything fails to parse or check: ParseWholeSet
// then decides, and reports errors with their positions.
std::optional<std::vector<Event>> ParseRecordByRecord(std::string_view xml) {
  std::vector<Event> events;
  size_t records = 0;
  record_tree::Tree tree;
  pugi::xml_document record_doc;
  auto read_record = [&](std::string& record) {
    ++records;
    std::optional<Event> event;
    if (tree.Read(record)) {
      event = RecordToEvent(tree.root());
    } else if (xml_text::LoadInPlace(record, record_doc)) {
      event = RecordToEvent(record_doc.document_element());
    } else {
      return false;
    }
    if (event) events.push_back(std::move(*event));
    return true;
  };
  std::string skeleton;
  if (!xml_cut::SplitRecords(xml, {"PubmedArticle"sv, "PubmedBookArticle"sv}, kUnreadParts,
                             skeleton, read_record)) {
    return std::nullopt;
  }
  pugi::xml_document set;
  if (!xml_text::LoadInPlace(skeleton, set)) return std::nullopt;
  pugi::xml_node root = set.document_element();
  if (!CheckSetRoot(root)) return std::nullopt;
  size_t placed = 0;  // records that were children of the root
  for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element && IsRecord(child.name())) ++placed;
  }
  if (placed != records) return std::nullopt;
  return events;
}

}  // namespace

int ParsePubmedMonth(std::string_view month) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (!month.empty() && std::isdigit(static_cast<unsigned char>(month[0]))) {
    int number = 0;
    for (char c : month) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || number > 12) return 0;
      number = number * 10 + (c - '0');
    }
    return number >= 1 && number <= 12 ? number : 0;
  }
  if (month.size() < 3) return 0;
  for (size_t i = 0; i < kNames.size(); ++i) {
    bool same = true;
    for (size_t j = 0; j < 3; ++j) {
      same = same && std::tolower(static_cast<unsigned char>(month[j])) == kNames[i][j];
    }
    if (same) return static_cast<int>(i) + 1;
  }
  return 0;
}

Result<EsearchResult> ParseEsearch(std::string_view xml) {
  pugi::xml_document doc;
  if (Status loaded = xml_text::LoadDocument(xml, doc); !loaded) {
    return loaded.WithContext("esearch response");
  }
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "eSearchResult") {
    return Status::Error(std::string("esearch response: unexpected root element <") +
                         root.name() + ">");
  }
  // esearch's <ERROR> answers the request itself ("Invalid query", an unknown field): permanent.
  if (Status error = TopLevelError(root); !error) return Status::Error("esearch: " + error.message(), ErrorKind::kPermanent);
  EsearchResult result;
  auto count = xml_text::IntegerText(root.child("Count"));
  if (!count) return Status::Error("esearch response: missing or non-numeric <Count>");
  result.count = *count;
  result.retmax = xml_text::IntegerText(root.child("RetMax")).value_or(0);
  result.retstart = xml_text::IntegerText(root.child("RetStart")).value_or(0);
  for (pugi::xml_node id = root.child("IdList").child("Id"); id; id = id.next_sibling("Id")) {
    result.ids.push_back(xml_text::PlainText(id));
  }
  result.webenv = xml_text::PlainText(root.child("WebEnv"));
  result.query_key = xml_text::PlainText(root.child("QueryKey"));
  CollectMessages(root.child("ErrorList"), result.errors);
  CollectMessages(root.child("WarningList"), result.warnings);
  return result;
}

Result<std::vector<Event>> ParsePubmedArticleSet(std::string_view xml) {
  std::optional<std::vector<Event>> events = ParseRecordByRecord(xml);
  if (!events) {
    auto whole = ParseWholeSet(xml);
    if (!whole.ok()) return whole;
    events = std::move(*whole);
  }
  // pugixml passes bytes that are not UTF-8 through as they are; an event must be storable.
  for (Event& e : *events) MakeEventTextUtf8(e);
  return std::move(*events);
}

}  // namespace vigil
