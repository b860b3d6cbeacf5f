// What a source finds: one item that may become a row in watcher_events. Sources produce
// these; the store persists them (deduplicated by watcher and source_id); triage reads them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace vigil {

struct Event {
  std::string title;
  std::string summary;
  std::string source_type;      // "pubmed", "arxiv", "feed", "webhook", "scheduled", "log"
  std::string source_id;        // dedupe key within a watcher: PMID, arXiv id sans version, guid, delivery id
  std::string source_url;
  nlohmann::json source_metadata = nlohmann::json::object();
  nlohmann::json raw_data;      // null when there is nothing worth keeping
  // raw_data as JSON text, stored as given instead of raw_data when not empty: a webhook's JSON
  // body exactly as received and verified, which spares a copy of the parsed payload and its
  // serialization on the write path.
  std::string raw_json;
};

// Replaces what is not UTF-8 in an event's texts (title, summary, ids, URL, the strings of its
// metadata) with U+FFFD (ValidUtf8): a source's bytes from outside must not make the event
// impossible to store (PostgreSQL's text columns) or to dump as strict JSON.
void MakeEventTextUtf8(Event& e);

}  // namespace vigil
