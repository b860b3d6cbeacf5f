#include "store/event_repo.h"

#include <algorithm>

#include "common/uuid.h"
#include "store/db_time.h"

namespace vigil {
namespace {

std::string RawDataText(const nlohmann::json& raw) {
  if (raw.is_null()) return "null";
  std::string text = raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() <= kMaxRawDataBytes) return text;
  return nlohmann::json{{"truncated", true}, {"bytes", text.size()}}.dump();
}

Result<EventInsertResult> InsertOne(SqlConnection& db, const EventInsert& in, TimePoint now) {
  const Event& e = in.event;
  std::string id = NewUuid();
  std::string ts = SeedTimestamp(now, db.dialect());
  std::string metadata = e.source_metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto ins = db.Query(
      "INSERT INTO watcher_events (id, watcher_id, subreddit_id, title, summary, source_type, source_id, source_url,"
      " source_metadata, raw_data, detected_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
      " ON CONFLICT (watcher_id, source_id) DO NOTHING",
      {id, in.watcher_id, in.community_id.empty() ? SqlValue(SqlNull{}) : SqlValue(in.community_id), e.title, e.summary,
       e.source_type, e.source_id, e.source_url, metadata, RawDataText(e.raw_data), ts});
  if (!ins.ok()) return ins.status();
  EventInsertResult result;
  if (ins->affected == 0) {
    auto existing = db.Query("SELECT id FROM watcher_events WHERE watcher_id = $1 AND source_id = $2", {in.watcher_id, e.source_id});
    if (!existing.ok()) return existing.status();
    result.id = existing->rows.empty() ? "" : existing->rows[0].Text(0);
    if (in.update_existing && !result.id.empty()) {
      auto upd = db.Query("UPDATE watcher_events SET title = $1, summary = $2, source_url = $3, source_metadata = $4 WHERE id = $5",
                          {e.title, e.summary, e.source_url, metadata, result.id});
      if (!upd.ok()) return upd.status();
      result.updated = true;
    }
    return result;
  }
  result.id = id;
  result.inserted = true;
  if (!in.follow_ups.empty()) {
    std::vector<JobSpec> jobs = in.follow_ups;
    for (auto& j : jobs) {
      if (j.args.is_object() && j.args.value("event_id", "") == "{event_id}") j.args["event_id"] = id;
    }
    auto enq = EnqueueJobsInTx(db, jobs, now);
    if (!enq.ok()) return enq.status();
  }
  return result;
}

}  // namespace

Result<std::vector<EventInsertResult>> InsertEventsInTx(SqlConnection& db, const std::vector<EventInsert>& events, TimePoint now) {
  std::vector<EventInsertResult> out;
  for (const auto& e : events) {
    auto r = InsertOne(db, e, now);
    if (!r.ok()) return r.status();
    out.push_back(*r);
  }
  return out;
}

Result<std::vector<nlohmann::json>> ListEvents(SqlConnection& db, const EventFilter& f) {
  std::string sql = std::string("SELECT e.id, w.name, s.name, e.title, e.summary, e.source_type, e.source_id, e.source_url,") +
                    " e.source_metadata, e.triage_signal, e.triage_reasoning, e.detected_at" + (f.include_raw ? ", e.raw_data" : "") +
                    " FROM watcher_events e LEFT JOIN watchers w ON w.id = e.watcher_id LEFT JOIN subreddits s ON s.id = e.subreddit_id"
                    " WHERE 1 = 1";
  std::vector<SqlValue> params;
  auto add = [&](const std::string& clause, SqlValue v) {
    params.push_back(std::move(v));
    sql += " AND " + clause + " $" + std::to_string(params.size());
  };
  if (!f.watcher.empty()) add("w.name =", f.watcher);
  if (!f.signal.empty()) add("e.triage_signal =", f.signal);
  if (f.since) add("e.detected_at >=", SeedTimestamp(*f.since, db.dialect()));
  if (!f.before_id.empty()) add("e.id <", f.before_id);
  params.push_back(int64_t(std::clamp(f.limit, 1, 500)));
  sql += " ORDER BY e.id DESC LIMIT $" + std::to_string(params.size());
  auto r = db.Query(sql, params);
  if (!r.ok()) return r.status();
  std::vector<nlohmann::json> out;
  for (const auto& row : r->rows) {
    auto meta = nlohmann::json::parse(row.Text(8), nullptr, false);
    nlohmann::json e = {{"id", row.Text(0)}, {"watcher", row.Text(1)}, {"community", row.OptText(2) ? nlohmann::json(row.Text(2)) : nlohmann::json(nullptr)},
                        {"title", row.Text(3)}, {"summary", row.Text(4)}, {"source_type", row.Text(5)}, {"source_id", row.Text(6)},
                        {"source_url", row.Text(7)}, {"source_metadata", meta.is_discarded() ? nlohmann::json::object() : meta},
                        {"triage_signal", row.OptText(9) ? nlohmann::json(row.Text(9)) : nlohmann::json(nullptr)},
                        {"triage_reasoning", row.OptText(10) ? nlohmann::json(row.Text(10)) : nlohmann::json(nullptr)},
                        {"detected_at", row.Text(11)}};
    if (f.include_raw) {
      auto raw = nlohmann::json::parse(row.Text(12), nullptr, false);
      e["raw_data"] = raw.is_discarded() ? nlohmann::json(nullptr) : raw;
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<EventInsertResult>> InsertEvents(SqlConnection& db, const std::vector<EventInsert>& events, TimePoint now) {
  std::vector<EventInsertResult> out;
  Status s = InTransaction(db, true, [&]() -> Status {
    auto r = InsertEventsInTx(db, events, now);
    if (!r.ok()) return r.status();
    out = std::move(*r);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace vigil
