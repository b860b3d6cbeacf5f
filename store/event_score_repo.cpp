#include "store/event_score_repo.h"

#include <algorithm>

#include "common/json_depth.h"
#include "store/db_time.h"
#include "store/sql_filter.h"
#include "store/values_list.h"

namespace vigil {

Status RecordEventScoresInTx(SqlConnection& db, const std::vector<EventScore>& scores, TimePoint now) {
  return InChunks(scores, 500, [&](ValuesList& rows, const EventScore& s) { rows.Add({s.event_id, s.score, s.duplicate_of, s.scored_by, ToMicros(now)}); },
                  [&](const ValuesList& rows) {
                    return db.Query("INSERT INTO vigil_event_scores (event_id, score, duplicate_of, scored_by, scored_at) VALUES " + rows.sql() +
                                        " ON CONFLICT (event_id) DO UPDATE SET score = excluded.score, duplicate_of = excluded.duplicate_of,"
                                        " scored_by = excluded.scored_by, scored_at = excluded.scored_at",
                                    rows.params())
                        .status();
                  });
}

Result<std::optional<EventScore>> GetEventScore(SqlConnection& db, const std::string& event_id) {
  auto r = db.Query("SELECT event_id, score, duplicate_of, scored_by FROM vigil_event_scores WHERE event_id = $1", {db.IdOf(event_id)});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<EventScore>();
  const SqlRow& row = r->rows[0];
  return std::optional<EventScore>(EventScore{row.Text(0), row.Double(1), row.Text(2), row.Text(3)});
}

Result<std::vector<StoredTriage>> StoredTriageSince(SqlConnection& db, const ReplayFilter& f) {
  SqlFilter where;
  where.Add("e.detected_at >= ?", SeedTimestamp(f.since, db.dialect()));
  if (!f.watcher.empty()) where.Add("w.name = ?", f.watcher);
  // The scores' event_id is the event's id as text (what the database prints for it).
  std::string sql =
      "SELECT e.id, w.name, e.subreddit_id, s.name, e.title, e.summary, e.source_type, e.source_id, e.source_url,"
      " e.source_metadata, e.detected_at, e.triage_signal, e.triage_reasoning, sc.score, sc.duplicate_of, sc.scored_by,"
      " (SELECT MIN(CAST(n.id AS TEXT)) FROM notifications n WHERE n.event_id = e.id)"
      " FROM watcher_events e LEFT JOIN watchers w ON w.id = e.watcher_id LEFT JOIN subreddits s ON s.id = e.subreddit_id"
      " LEFT JOIN vigil_event_scores sc ON sc.event_id = CAST(e.id AS TEXT)" +
      where.Sql() + " ORDER BY e.detected_at, e.id LIMIT " + where.Bind(int64_t(std::max(f.limit, 1)));
  auto r = db.Query(sql, where.params());
  if (!r.ok()) return r.status();
  std::vector<StoredTriage> out;
  for (const auto& row : r->rows) {
    StoredTriage t;
    std::string* text[] = {&t.event_id, &t.watcher_name, &t.community_id, &t.community_name, &t.title, &t.summary,
                           &t.source_type, &t.source_id, &t.source_url};
    for (size_t i = 0; i < std::size(text); ++i) *text[i] = row.Text(i);
    if (auto m = ParseJsonOrDiscarded(row.Text(9)); m.is_object()) t.source_metadata = std::move(m);
    t.detected_at = row.Text(10);
    t.signal = row.Text(11);
    t.reasoning = row.Text(12);
    if (!row.IsNull(13)) t.score = EventScore{t.event_id, row.Double(13), row.Text(14), row.Text(15)};
    t.notification_id = row.Text(16);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace vigil
