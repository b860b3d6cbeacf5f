#include "store/event_repo.h"

#include <algorithm>
#include <unordered_set>

#include "common/json_depth.h"
#include "common/utf8_cut.h"
#include "store/db_time.h"
#include "store/sql_filter.h"
#include "store/triage_repo.h"

namespace vigil {
namespace {

// Stored whole: raw_data comes only from webhooks, whose bodies the body limits already bound.
std::string RawDataText(const Event& e) {
  if (e.raw_json.empty() && e.raw_data.is_null()) return "null";
  return !e.raw_json.empty() ? e.raw_json : e.raw_data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A stored JSON column as the listing shows it: the value; `otherwise` when the text is not JSON
// (or NULL); a marker, never parsed, when it nests past kMaxJsonDepth (a row written before the
// limit existed, or by another program): dumping such a value would overflow the stack.
nlohmann::json StoredJson(const std::string& text, nlohmann::json otherwise) {
  if (!JsonDepthAllowed(text)) return {{"unreadable", JsonTooDeepMessage()}, {"bytes", text.size()}};
  auto value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? otherwise : value;
}

// A text column's value: what is not UTF-8 becomes U+FFFD (ValidUtf8). Events come from outside
// (a log line in Latin-1, a feed's stray byte, a URL from a timed check), and PostgreSQL refuses
// text that is not UTF-8: one such event would fail its whole group, on every retry, and stall the
// watcher that found it (a log tail would never get past it).
std::string StorableText(const std::string& text) { return IsUtf8(text) ? text : ValidUtf8(text); }

std::string MetadataText(const nlohmann::json& metadata) {
  return metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Rows per INSERT statement: 11 parameters each stays far below SQLite's 32766 and PostgreSQL's
// 65535 bound parameters.
constexpr size_t kRowsPerInsert = 200;
constexpr int kColumnsPerRow = 11;

// Claims events[start, start + n) under the ids chosen for them in vigil_event_sources (one event
// per watcher and source id: vigil's own table, so the platform's watcher_events carries no index
// of vigil's) and inserts the claimed ones into watcher_events; adds their ids to `inserted`. Two
// multi-row statements for a group of events instead of two per event: what bounds a PostgreSQL
// writer.
Status InsertChunk(SqlConnection& db, const std::vector<EventInsert>& events, const std::vector<std::string>& ids,
                   size_t start, size_t n, const std::string& ts, std::unordered_set<std::string>& inserted) {
  std::string claim = "INSERT INTO vigil_event_sources (watcher_id, source_id, event_id) VALUES ";
  std::vector<SqlValue> claim_params;
  for (size_t i = start; i < start + n; ++i) {
    size_t p = claim_params.size();
    claim += (i == start ? "($" : ", ($") + std::to_string(p + 1) + ", $" + std::to_string(p + 2) + ", $" + std::to_string(p + 3) + ")";
    claim_params.insert(claim_params.end(), {events[i].watcher_id, StorableText(events[i].event.source_id), ids[i]});
  }
  auto claimed = db.Query(claim + " ON CONFLICT (watcher_id, source_id) DO NOTHING RETURNING event_id", claim_params);
  if (!claimed.ok()) return claimed.status();
  std::unordered_set<std::string> mine;
  for (const auto& row : claimed->rows) mine.insert(row.Text(0));
  std::string sql =
      "INSERT INTO watcher_events (id, watcher_id, subreddit_id, title, summary, source_type, source_id, source_url,"
      " source_metadata, raw_data, detected_at) VALUES ";
  std::vector<SqlValue> params;
  params.reserve(mine.size() * kColumnsPerRow);
  for (size_t i = start; i < start + n; ++i) {
    if (!mine.count(ids[i])) continue;
    const EventInsert& in = events[i];
    const Event& e = in.event;
    sql += params.empty() ? "(" : ", (";
    for (int c = 1; c <= kColumnsPerRow; ++c) sql += (c == 1 ? "$" : ", $") + std::to_string(params.size() + c);
    sql += ")";
    params.insert(params.end(), {ids[i], in.watcher_id, in.community_id.empty() ? SqlValue(SqlNull{}) : SqlValue(in.community_id),
                                 StorableText(e.title), StorableText(e.summary), StorableText(e.source_type),
                                 StorableText(e.source_id), StorableText(e.source_url), MetadataText(e.source_metadata),
                                 RawDataText(e), ts});
  }
  if (params.empty()) return Status::Ok();
  auto r = db.Query(sql, params);
  if (!r.ok()) return r.status();
  inserted.insert(mine.begin(), mine.end());
  return Status::Ok();
}

// An event that was already stored (before, or earlier in the same call): its row's id, and its
// fields rewritten when update_existing asks for it.
Result<EventInsertResult> Existing(SqlConnection& db, const EventInsert& in) {
  const Event& e = in.event;
  auto existing = db.Query("SELECT event_id FROM vigil_event_sources WHERE watcher_id = $1 AND source_id = $2",
                           {in.watcher_id, StorableText(e.source_id)});
  if (!existing.ok()) return existing.status();
  EventInsertResult result;
  result.id = existing->rows.empty() ? "" : existing->rows[0].Text(0);
  if (in.update_existing && !result.id.empty()) {
    auto upd = db.Query("UPDATE watcher_events SET title = $1, summary = $2, source_url = $3, source_metadata = $4 WHERE id = $5",
                        {StorableText(e.title), StorableText(e.summary), StorableText(e.source_url),
                         MetadataText(e.source_metadata), result.id});
    if (!upd.ok()) return upd.status();
    result.updated = true;
  }
  return result;
}

// The follow-up jobs of a new event, with "{event_id}" replaced by its id.
void AddFollowUps(const EventInsert& in, const std::string& id, std::vector<JobSpec>& jobs) {
  for (JobSpec j : in.follow_ups) {
    if (j.args.is_object() && j.args.value("event_id", "") == "{event_id}") j.args["event_id"] = id;
    jobs.push_back(std::move(j));
  }
}

}  // namespace

// Round trips: two INSERTs per kRowsPerInsert events, one SELECT per event already stored, one
// INSERT of the triage queue's rows, and one enqueue of all follow-up jobs together (in event
// order; the triage job once).
Result<std::vector<EventInsertResult>> InsertEventsInTx(SqlConnection& db, const std::vector<EventInsert>& events, TimePoint now) {
  std::vector<std::string> ids;
  ids.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) ids.push_back(db.NewId());
  std::string ts = SeedTimestamp(now, db.dialect());
  std::unordered_set<std::string> inserted;
  for (size_t start = 0; start < events.size(); start += kRowsPerInsert) {
    Status s = InsertChunk(db, events, ids, start, std::min(kRowsPerInsert, events.size() - start), ts, inserted);
    if (!s.ok()) return s;
  }
  std::vector<EventInsertResult> out;
  std::vector<JobSpec> jobs;
  std::vector<std::string> to_triage;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!inserted.count(ids[i])) {
      auto r = Existing(db, events[i]);
      if (!r.ok()) return r.status();
      out.push_back(*r);
      continue;
    }
    out.push_back({ids[i], true, false});
    AddFollowUps(events[i], ids[i], jobs);
    if (events[i].triage) {
      if (to_triage.empty()) jobs.push_back(*events[i].triage);
      to_triage.push_back(ids[i]);
    }
  }
  if (!to_triage.empty()) {
    Status s = QueueForTriageInTx(db, to_triage, now);
    if (!s.ok()) return s;
  }
  if (!jobs.empty()) {
    auto enq = EnqueueJobsInTx(db, jobs, now);
    if (!enq.ok()) return enq.status();
  }
  return out;
}

Result<std::vector<nlohmann::json>> ListEvents(SqlConnection& db, const EventFilter& f) {
  std::string sql = std::string("SELECT e.id, w.name, s.name, e.title, e.summary, e.source_type, e.source_id, e.source_url,") +
                    " e.source_metadata, e.triage_signal, e.triage_reasoning, e.detected_at, sc.score" + (f.include_raw ? ", e.raw_data" : "") +
                    " FROM watcher_events e LEFT JOIN watchers w ON w.id = e.watcher_id LEFT JOIN subreddits s ON s.id = e.subreddit_id"
                    " LEFT JOIN vigil_event_scores sc ON sc.event_id = CAST(e.id AS TEXT)";
  SqlFilter where;
  if (!f.id.empty()) where.Add("e.id = ?", db.IdOf(f.id));
  if (!f.watcher.empty()) where.Add("w.name = ?", f.watcher);
  if (!f.signal.empty()) where.Add("e.triage_signal = ?", f.signal);
  if (f.since) where.Add("e.detected_at >= ?", SeedTimestamp(*f.since, db.dialect()));
  if (f.until) where.Add("e.detected_at < ?", SeedTimestamp(*f.until, db.dialect()));
  if (!f.title_query.empty()) where.Add("LOWER(e.title) LIKE LOWER(?) ESCAPE '\\'", ContainsPattern(f.title_query));
  if (!f.before_id.empty()) where.Add("e.id < ?", db.IdOf(f.before_id));
  sql += where.Sql() + " ORDER BY e.id DESC LIMIT " + where.Bind(int64_t(std::clamp(f.limit, 1, 500)));
  auto r = db.Query(sql, where.params());
  if (!r.ok()) return r.status();
  std::vector<nlohmann::json> out;
  for (const auto& row : r->rows) {
    nlohmann::json e = {{"id", row.Text(0)}, {"watcher", row.Text(1)}, {"community", row.OptText(2) ? nlohmann::json(row.Text(2)) : nlohmann::json(nullptr)},
                        {"title", row.Text(3)}, {"summary", row.Text(4)}, {"source_type", row.Text(5)}, {"source_id", row.Text(6)},
                        {"source_url", row.Text(7)}, {"source_metadata", StoredJson(row.Text(8), nlohmann::json::object())},
                        {"triage_signal", row.OptText(9) ? nlohmann::json(row.Text(9)) : nlohmann::json(nullptr)},
                        {"triage_reasoning", row.OptText(10) ? nlohmann::json(row.Text(10)) : nlohmann::json(nullptr)},
                        {"triage_score", row.IsNull(12) ? nlohmann::json(nullptr) : nlohmann::json(row.Double(12))},
                        {"detected_at", row.Text(11)}};
    if (f.include_raw) e["raw_data"] = StoredJson(row.Text(13), nullptr);
    out.push_back(std::move(e));
  }
  return out;
}

std::string ContainsPattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

Result<std::vector<EventInsertResult>> InsertEvents(SqlConnection& db, const std::vector<EventInsert>& events, TimePoint now) {
  return InTransactionValue<std::vector<EventInsertResult>>(db, true, [&] { return InsertEventsInTx(db, events, now); });
}

}  // namespace vigil
