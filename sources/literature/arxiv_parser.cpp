#include "sources/literature/arxiv_parser.h"

#include <cctype>
#include <charconv>
#include <optional>
#include <string>

#include "sources/literature/xml_text.h"

namespace vigil {
namespace {

using nlohmann::json;
using xml_text::ChildByLocalName;
using xml_text::LocalName;
using xml_text::PlainText;

constexpr std::string_view kAbsPath = "/abs/";
constexpr std::string_view kErrorPath = "arxiv.org/api/errors";

struct ArxivId {
  std::string unversioned;  // "2104.12255"
  std::string versioned;    // "2104.12255v1", or the same as unversioned
  int version = 0;          // 0 when the id carries none
};

// "http://arxiv.org/abs/2104.12255v1" -> {2104.12255, 2104.12255v1, 1}; old-style ids keep
// their archive: ".../abs/math/0211159v1" -> "math/0211159". nullopt if not an abs URL.
std::optional<ArxivId> ParseAbsUrl(std::string_view url) {
  size_t at = url.find(kAbsPath);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view id = url.substr(at + kAbsPath.size());
  if (id.empty()) return std::nullopt;
  ArxivId out{std::string(id), std::string(id), 0};
  size_t digits = id.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(id[digits - 1]))) --digits;
  int version = 0;
  auto [end, error] = std::from_chars(id.data() + digits, id.data() + id.size(), version);
  // A version past int's range is no version arXiv gives (found by arxiv_parser_fuzz: std::stoi
  // threw on it): the id is kept whole, unversioned.
  if (digits < id.size() && digits >= 2 && id[digits - 1] == 'v' && error == std::errc() && end == id.data() + id.size()) {
    out.unversioned = std::string(id.substr(0, digits - 1));
    out.version = version;
  }
  return out;
}

void SetIfPresent(json& metadata, const char* key, pugi::xml_node node) {
  std::string text = PlainText(node);
  if (!text.empty()) metadata[key] = std::move(text);
}

void AddAuthors(pugi::xml_node entry, json& metadata) {
  json names = json::array();
  json affiliations = json::object();
  for (pugi::xml_node a = ChildByLocalName(entry, "author"); a;
       a = xml_text::NextByLocalName(a, "author")) {
    std::string name = PlainText(ChildByLocalName(a, "name"));
    if (name.empty()) continue;
    json places = json::array();
    for (pugi::xml_node p = ChildByLocalName(a, "affiliation"); p;
         p = xml_text::NextByLocalName(p, "affiliation")) {
      if (std::string place = PlainText(p); !place.empty()) places.push_back(std::move(place));
    }
    if (!places.empty()) affiliations[name] = std::move(places);
    names.push_back(std::move(name));
  }
  metadata["authors"] = std::move(names);
  if (!affiliations.empty()) metadata["affiliations"] = std::move(affiliations);
}

// Categories, links and the arXiv extension elements, in one pass over the entry's children.
void AddLinksAndExtensions(pugi::xml_node entry, Event& event) {
  json& metadata = event.source_metadata;
  json categories = json::array();
  for (pugi::xml_node child = entry.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = LocalName(child.name());
    if (name == "category") {
      if (std::string_view term = child.attribute("term").value(); !term.empty()) {
        categories.push_back(term);
      }
    } else if (name == "primary_category") {
      if (std::string_view term = child.attribute("term").value(); !term.empty()) {
        metadata["primary_category"] = term;
      }
    } else if (name == "link") {
      std::string_view href = child.attribute("href").value();
      std::string_view rel = child.attribute("rel").value();
      if (std::string_view(child.attribute("title").value()) == "pdf") {
        metadata["pdf_url"] = href;
      } else if (rel == "alternate" && event.source_url.empty()) {
        event.source_url = href;
      }
    } else if (name == "doi" || name == "journal_ref" || name == "comment") {
      SetIfPresent(metadata, std::string(name).c_str(), child);
    }
  }
  metadata["categories"] = std::move(categories);
}

std::optional<Event> EntryToEvent(pugi::xml_node entry) {
  std::string id_url = PlainText(ChildByLocalName(entry, "id"));
  std::optional<ArxivId> id = ParseAbsUrl(id_url);
  Event event;
  event.title = PlainText(ChildByLocalName(entry, "title"));
  if (!id || event.title.empty()) return std::nullopt;
  event.source_type = "arxiv";
  event.source_id = id->unversioned;
  event.summary = PlainText(ChildByLocalName(entry, "summary"));
  json& metadata = event.source_metadata;
  metadata["arxiv_id_versioned"] = id->versioned;
  if (id->version > 0) metadata["version"] = id->version;
  AddAuthors(entry, metadata);
  AddLinksAndExtensions(entry, event);
  if (event.source_url.empty()) event.source_url = id_url;
  SetIfPresent(metadata, "published", ChildByLocalName(entry, "published"));
  SetIfPresent(metadata, "updated", ChildByLocalName(entry, "updated"));
  return event;
}

// arXiv answers a bad request with a feed whose single entry is the error.
std::optional<std::string> ErrorMessage(pugi::xml_node feed) {
  for (pugi::xml_node entry = ChildByLocalName(feed, "entry"); entry;
       entry = xml_text::NextByLocalName(entry, "entry")) {
    std::string id = PlainText(ChildByLocalName(entry, "id"));
    if (id.find(kErrorPath) == std::string::npos) continue;
    std::string message = PlainText(ChildByLocalName(entry, "summary"));
    return message.empty() ? id : message;
  }
  return std::nullopt;
}

int64_t PagingField(pugi::xml_node feed, std::string_view name) {
  return xml_text::IntegerText(ChildByLocalName(feed, name)).value_or(0);
}

}  // namespace

Result<ArxivPage> ParseArxivFeed(std::string_view xml) {
  pugi::xml_document doc;
  if (Status loaded = xml_text::LoadDocument(xml, doc); !loaded) {
    return loaded.WithContext("arXiv response");
  }
  pugi::xml_node feed = doc.document_element();
  if (LocalName(feed.name()) != "feed") {
    return Status::Error(std::string("arXiv response: unexpected root element <") +
                         feed.name() + ">");
  }
  if (std::optional<std::string> error = ErrorMessage(feed)) {
    return Status::Error("arXiv API error: " + *error, ErrorKind::kPermanent);  // a bad query stays bad
  }
  ArxivPage page;
  page.total_results = PagingField(feed, "totalResults");
  page.start_index = PagingField(feed, "startIndex");
  page.items_per_page = PagingField(feed, "itemsPerPage");
  for (pugi::xml_node entry = ChildByLocalName(feed, "entry"); entry;
       entry = xml_text::NextByLocalName(entry, "entry")) {
    std::optional<Event> event = EntryToEvent(entry);
    if (event) {
      MakeEventTextUtf8(*event);  // pugixml passes bytes that are not UTF-8 through as they are
      page.entries.push_back(std::move(*event));
    } else {
      ++page.skipped_entries;
    }
  }
  return page;
}

}  // namespace vigil
