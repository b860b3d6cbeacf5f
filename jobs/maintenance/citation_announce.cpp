#include "jobs/maintenance/citation_announce.h"

#include <spdlog/spdlog.h>

#include "common/ascii.h"
#include "common/utf8_cut.h"
#include "jobs/maintenance/citation_retraction.h"
#include "jobs/triage/triage_rules.h"
#include "jobs/watch/watcher_event_inserts.h"
#include "store/db_time.h"
#include "store/event_repo.h"
#include "store/watcher_repo.h"

namespace vigil {
namespace {

const RetractionNotice& FirstNotice(const CitationRecord& record) {
  static const RetractionNotice kUnnamed{"", "retraction", ""};
  return record.notices.empty() ? kUnnamed : record.notices.front();
}

std::string WorkLink(const CitationId& id) {
  if (id.kind == "doi") return "https://doi.org/" + id.value;
  if (id.kind == "pmid") return "https://pubmed.ncbi.nlm.nih.gov/" + id.value + "/";
  return id.kind == "url" ? id.value : "";
}

// A name the config checked (IsQualifiedSqlIdentifier) as SQL text, "schema"."table" when qualified.
std::string Quoted(const std::string& name) {
  auto dot = name.find('.');
  if (dot == std::string::npos) return "\"" + name + "\"";
  return "\"" + name.substr(0, dot) + "\".\"" + name.substr(dot + 1) + "\"";
}

Event RetractionEvent(const CitationId& id, const CitationRecord& record) {
  const RetractionNotice& n = FirstNotice(record);
  Event e;
  std::string title = record.title.empty() ? id.Key() : std::string(CutUtf8(record.title, 300));
  e.title = "Cited work retracted: " + title;
  e.summary = RetractionNoteText(id, record) + " It is cited in this community: syntheses relying on it need review.";
  e.source_type = kCitationRetractionSource;
  e.source_id = id.Key();
  e.source_url = n.doi.empty() ? WorkLink(id) : "https://doi.org/" + n.doi;
  e.source_metadata = {{"work", id.Key()}, {"work_url", WorkLink(id)}, {"notices", record.NoticesJson()},
                       {"notice_doi", n.doi}, {"notice_date", n.date}, {"update_type", n.type}};
  if (n.date.size() >= 4) e.source_metadata["published"] = n.date;
  MakeEventTextUtf8(e);
  return e;
}

// vigil's notes on `id`: they begin "Retracted: <key> " (RetractionNoteText). Matching the key
// anywhere would take a note on a longer DOI ("doi:10.1/ab") for one on this one ("doi:10.1/a").
std::string NotePattern(const CitationId& id) { return ContainsPattern("Retracted: " + id.Key() + " ").substr(1); }

}  // namespace

std::string CitationWatcherName(const std::string& community) { return "vigil-citations-" + community; }

std::string RetractionNoteText(const CitationId& id, const CitationRecord& record) {
  const RetractionNotice& n = FirstNotice(record);
  std::string text = "Retracted: " + id.Key();
  if (!record.title.empty()) text += " (" + std::string(CutUtf8(record.title, 300)) + ")";
  text += n.type == "retraction" ? " was retracted" : " had a " + n.type;
  if (!n.doi.empty()) text += " by notice doi:" + n.doi;
  if (!n.date.empty()) text += " on " + n.date;
  return text + ".";
}

void RetractionAnnouncer::Retracted(const CitationId& id, const CitationRecord& record, const std::string& community) {
  if (!community.empty() && announced_.insert(id.Key() + "\n" + community).second) Announce(id, record, community);
  if (annotated_.insert(id.Key()).second) Annotate(id, record);
}

void RetractionAnnouncer::Announce(const CitationId& id, const CitationRecord& record, const std::string& community) {
  auto told = vigil_.Query("SELECT 1 FROM vigil_citation_announcements WHERE work = $1 AND community = $2", {id.Key(), community});
  if (!told.ok()) {
    summary_.last_error = "reading vigil_citation_announcements: " + told.error();
    return;
  }
  if (!told->rows.empty()) return;
  WatcherDecl decl{.name = CitationWatcherName(community), .type = "scheduled",
                   .description = "Retractions of works cited in " + community + " (citation_verification)", .community = community};
  auto watcher = EnsureInternalWatcher(vigil_, decl, now_);
  if (!watcher.ok()) {
    summary_.last_error = watcher.error();
    return;
  }
  auto inserts = WatcherEventInserts(vigil_, decl.name, community, {RetractionEvent(id, record)}, now_);
  if (!inserts.ok()) {
    summary_.last_error = inserts.error();
    return;
  }
  const RetractionNotice& n = FirstNotice(record);
  bool announced = false;
  Status s = InTransaction(vigil_, true, [&]() -> Status {
    auto events = InsertEventsInTx(vigil_, *inserts, now_);
    if (!events.ok()) return events.status();
    auto row = vigil_.Query("INSERT INTO vigil_citation_announcements (work, community, notice_doi, notice_date, event_id, announced_at_us)"
                            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (work, community) DO NOTHING",
                            {id.Key(), community, n.doi, n.date, events->front().id, ToMicros(now_)});
    if (!row.ok()) return row.status();
    announced = row->affected > 0 && events->front().inserted;
    return Status::Ok();
  });
  if (!s.ok()) {
    summary_.last_error = "announcing the retraction of " + id.Key() + " to " + community + ": " + s.message();
    return;
  }
  if (!announced) return;
  ++summary_.announced;
  spdlog::warn("citation_verification: {} is retracted ({}); community {} is told", id.Key(), n.doi.empty() ? n.type : n.doi, community);
}

void RetractionAnnouncer::Annotate(const CitationId& id, const CitationRecord& record) {
  std::string content = RetractionNoteText(id, record);
  for (const auto& t : c_.targets) {
    if (!t.annotate) continue;
    Status s = AnnotateTarget(t, id, content);
    if (!s.ok()) summary_.last_error = "annotating " + t.name + " rows citing " + id.Key() + ": " + s.message();
  }
}

// The rows whose list text holds the identifier are narrowed by LIKE, then confirmed by reading
// the list: a DOI inside another one's text ("10.1/a" in "10.1/ab") is no citation of it.
Status RetractionAnnouncer::AnnotateTarget(const CitationListTarget& t, const CitationId& id, const std::string& content) {
  const auto& m = c_.tables;
  std::string as_text = "LOWER(CAST(" + Quoted(t.citations_column) + " AS TEXT))";
  std::string sql = "SELECT " + Quoted(t.id_column) + ", " + Quoted(t.citations_column) + " FROM " + Quoted(t.table) +
                    " WHERE " + as_text + " LIKE $1 ESCAPE '\\'";
  if (!t.filter.empty()) sql += " AND (" + t.filter + ")";
  auto rows = platform_.Query(sql, {ContainsPattern(AsciiLower(id.value))});
  if (!rows.ok()) return rows.status();
  for (const auto& row : rows->rows) {
    bool cites = false;
    for (const auto& text : ParseCitationList(row.Text(1)).texts) {
      for (const auto& other : ExtractCitationIds(text, "")) cites |= other == id;
    }
    if (!cites) continue;
    std::string memory = row.Text(0);
    auto existing = platform_.Query("SELECT 1 FROM " + m.T("memory_annotations") + " WHERE " + m.C("memory_annotations", "memory_id") +
                                        " = $1 AND " + m.C("memory_annotations", "annotation_type") + " = 'outdated' AND " +
                                        m.C("memory_annotations", "created_by") + " = 'vigil' AND " +
                                        m.C("memory_annotations", "content") + " LIKE $2 ESCAPE '\\'",
                                    {memory, NotePattern(id)});
    if (!existing.ok()) return existing.status();
    if (!existing->rows.empty()) continue;
    auto added = platform_.Query("INSERT INTO " + m.T("memory_annotations") + " (" + m.C("memory_annotations", "id") + ", " +
                                     m.C("memory_annotations", "memory_id") + ", " + m.C("memory_annotations", "annotation_type") + ", " +
                                     m.C("memory_annotations", "content") + ", " + m.C("memory_annotations", "created_by") + ", " +
                                     m.C("memory_annotations", "timestamp") + ") VALUES ($1, $2, 'outdated', $3, 'vigil', $4)",
                                 {platform_.NewId(), memory, content, SeedTimestamp(now_, platform_.dialect())});
    if (!added.ok()) return added.status();
    ++summary_.annotated;
  }
  return Status::Ok();
}

}  // namespace vigil
