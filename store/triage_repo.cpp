#include "store/triage_repo.h"

#include "store/change_feed_repo.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "common/json_depth.h"
#include "store/db_time.h"
#include "store/values_list.h"

namespace vigil {
namespace {

SqlValue TextOrNull(const std::string& s) { return s.empty() ? SqlValue(SqlNull{}) : SqlValue(s); }

// "YYYY-MM-DD", the UTC day of `t`.
std::string UtcDay(TimePoint t) { return SeedTimestamp(t, "sqlite").substr(0, 10); }

}  // namespace

namespace {

TriageEventRow TriageRowOf(const SqlRow& row) {
  TriageEventRow e;
  e.id = row.Text(0);
  e.watcher_id = row.Text(1);
  e.watcher_name = row.Text(2);
  e.auto_create_thread = !row.IsNull(3) && row.Bool(3);
  if (!row.IsNull(4)) e.auto_thread_approval_rate = row.Double(4);
  e.community_id = row.Text(5);
  e.community_name = row.Text(6);
  e.title = row.Text(7);
  e.summary = row.Text(8);
  e.source_type = row.Text(9);
  e.source_id = row.Text(10);
  e.source_url = row.Text(11);
  auto metadata = ParseJsonOrDiscarded(row.Text(12));
  if (metadata.is_object()) e.source_metadata = std::move(metadata);
  e.triage_signal = row.Text(13);
  e.community_display_name = row.Text(14);
  e.community_description = row.Text(15);
  if (auto purpose = ParseJsonOrDiscarded(row.Text(16)); !purpose.is_discarded()) e.community_purpose = std::move(purpose);
  e.participation_model = row.Text(17);
  return e;
}

constexpr const char* kTriageRowSelect =
    "SELECT e.id, e.watcher_id, w.name, w.auto_create_thread, w.auto_thread_approval_rate, e.subreddit_id, s.name,"
    " e.title, e.summary, e.source_type, e.source_id, e.source_url, e.source_metadata, e.triage_signal,"
    " s.display_name, s.description, s.purpose, s.participation_model"
    " FROM watcher_events e LEFT JOIN watchers w ON w.id = e.watcher_id LEFT JOIN subreddits s ON s.id = e.subreddit_id";

}  // namespace

Result<std::optional<TriageEventRow>> LoadEventForTriage(SqlConnection& db, const std::string& event_id) {
  auto rows = LoadEventsForTriage(db, {event_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<TriageEventRow>();
  return std::optional<TriageEventRow>(std::move(rows->front()));
}

Result<std::vector<TriageEventRow>> LoadEventsForTriage(SqlConnection& db, const std::vector<std::string>& event_ids) {
  std::vector<TriageEventRow> out;
  Status s = InChunks(event_ids, 500, [](ValuesList& ids, const std::string& id) { ids.Add({id}); }, [&](const ValuesList& ids) {
    // "($1), ($2)" as an IN list: each id compared as the column's type (uuid on PostgreSQL).
    auto r = db.Query(std::string(kTriageRowSelect) + " WHERE e.id IN (" + ids.sql() + ")", ids.params());
    if (!r.ok()) return r.status();
    for (const auto& row : r->rows) out.push_back(TriageRowOf(row));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

// The events' items change with their signals: the live stream sends them again.
Result<std::set<std::string>> RecordTriagesInTx(SqlConnection& db, const std::vector<TriageVerdict>& verdicts) {
  std::set<std::string> written;
  std::vector<std::string> changed;
  Status s = InChunks(verdicts, 200, [](ValuesList& rows, const TriageVerdict& v) { rows.Add({v.event_id, v.signal, v.reasoning}); },
                      [&](const ValuesList& rows) {
    // Row i's id, signal and reasoning are $3i+1, $3i+2, $3i+3: each column set by a CASE on the id.
    std::string signal = "CASE id", reasoning = "CASE id", ids;
    for (size_t i = 0; i < rows.rows(); ++i) {
      std::string id = "$" + std::to_string(3 * i + 1);
      signal += " WHEN " + id + " THEN $" + std::to_string(3 * i + 2);
      reasoning += " WHEN " + id + " THEN $" + std::to_string(3 * i + 3);
      ids += (i == 0 ? "" : ", ") + id;
    }
    auto r = db.Query("UPDATE watcher_events SET triage_signal = " + signal + " END, triage_reasoning = " + reasoning +
                          " END WHERE id IN (" + ids + ") AND triage_signal IS NULL RETURNING id",
                      rows.params());
    if (!r.ok()) return r.status();
    for (const auto& row : r->rows) {
      written.insert(row.Text(0));
      changed.push_back(row.Text(0));
    }
    return Status::Ok();
  });
  if (s.ok()) s = RecordChanges(db, "event", changed);
  if (!s.ok()) return s;
  return written;
}

Result<int64_t> TriageEpoch(SqlConnection& db) {
  auto r = db.Query("SELECT n FROM vigil_triage_epoch WHERE id = 1");
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::Error("vigil_triage_epoch has no row (run vigil migrate)");
  return r->rows[0].Int(0);
}

Status BumpTriageEpochInTx(SqlConnection& db) {
  if (db.dialect() == "postgres") return Status::Ok();  // its batches never decide before they lock
  return db.Query("UPDATE vigil_triage_epoch SET n = n + 1 WHERE id = 1").status();
}

Status QueueForTriageInTx(SqlConnection& db, const std::vector<std::string>& event_ids, TimePoint now) {
  constexpr size_t kRowsPerInsert = 500;
  for (size_t start = 0; start < event_ids.size(); start += kRowsPerInsert) {
    std::string sql = "INSERT INTO vigil_triage_pending (event_id, queued_at) VALUES ";
    std::vector<SqlValue> params;
    for (size_t i = start; i < std::min(event_ids.size(), start + kRowsPerInsert); ++i) {
      sql += params.empty() ? "($1, $2)" : ", ($" + std::to_string(params.size() + 1) + ", $2)";
      if (params.empty()) {
        params.push_back(event_ids[i]);
        params.push_back(ToMicros(now));
      } else {
        params.push_back(event_ids[i]);
      }
    }
    auto r = db.Query(sql, params);
    if (!r.ok()) return r.status();
  }
  return Status::Ok();
}

Result<std::vector<PendingTriage>> TakePendingTriageInTx(SqlConnection& db, int limit) {
  std::string lock = db.dialect() == "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
  auto r = db.Query("SELECT seq, event_id, attempts FROM vigil_triage_pending ORDER BY seq LIMIT $1" + lock, {int64_t(limit)});
  if (!r.ok()) return r.status();
  std::vector<PendingTriage> out;
  for (const auto& row : r->rows) out.push_back({row.Int(0), row.Text(1), static_cast<int>(row.Int(2))});
  return out;
}

Result<int64_t> DeletePendingTriageInTx(SqlConnection& db, const std::vector<int64_t>& seqs) {
  if (seqs.empty()) return int64_t(0);
  std::string sql = "DELETE FROM vigil_triage_pending WHERE seq IN (";
  std::vector<SqlValue> params;
  for (int64_t seq : seqs) {
    params.push_back(seq);
    sql += (params.size() == 1 ? "$" : ", $") + std::to_string(params.size());
  }
  auto r = db.Query(sql + ")", params);
  if (!r.ok()) return r.status();
  return r->affected;
}

Status FailPendingTriage(SqlConnection& db, int64_t seq, const std::string& error) {
  return db.Query("UPDATE vigil_triage_pending SET attempts = attempts + 1, last_error = $1 WHERE seq = $2", {error, seq}).status();
}

Result<int64_t> PendingTriageCount(SqlConnection& db) {
  auto r = db.Query("SELECT COUNT(*) FROM vigil_triage_pending");
  if (!r.ok()) return r.status();
  return r->rows.empty() ? int64_t(0) : r->rows[0].Int(0);
}

Result<std::vector<StoredKeys>> EventsHoldingKeys(SqlConnection& db, const std::string& community, const std::set<std::string>& keys) {
  std::vector<StoredKeys> out;
  if (keys.empty()) return out;
  // No ORDER BY: given one, SQLite walked the community's (community, created_at) index, every key
  // the community ever stored, for the order's sake (3.7 ms a triage batch at 8,000 keys, growing
  // with the table), where the primary key finds each asked-for key directly. Ordered here.
  // On PostgreSQL each key through its own primary-key probe (LATERAL ... LIMIT 1, which the
  // planner cannot turn into one scan): given an IN list while the table had no statistics yet (a
  // fresh database's first burst), it read the community's every key and filtered them.
  auto r = [&]() -> Result<SqlResult> {
    if (db.dialect() == "postgres") {
      return db.Query(
          "SELECT k.event_id, k.dedupe_key, k.created_at FROM unnest($2::text[]) AS w(key) CROSS JOIN LATERAL"
          " (SELECT event_id, dedupe_key, created_at FROM vigil_triage_keys WHERE community = $1 AND dedupe_key = w.key LIMIT 1) AS k",
          {community, PgTextArray(std::vector<std::string>(keys.begin(), keys.end()))});
    }
    std::string sql = "SELECT event_id, dedupe_key, created_at FROM vigil_triage_keys WHERE community = $1 AND dedupe_key IN (";
    std::vector<SqlValue> params = {community};
    for (const auto& key : keys) {
      params.push_back(key);
      sql += (params.size() == 2 ? "$" : ", $") + std::to_string(params.size());
    }
    return db.Query(sql + ")", params);
  }();
  if (!r.ok()) return r.status();
  std::vector<const SqlRow*> rows;
  for (const auto& row : r->rows) rows.push_back(&row);
  std::sort(rows.begin(), rows.end(), [](const SqlRow* a, const SqlRow* b) {
    return std::pair(a->Int(2), a->Text(0)) < std::pair(b->Int(2), b->Text(0));
  });
  std::map<std::string, size_t> index;
  for (const SqlRow* row : rows) {
    std::string id = row->Text(0);
    auto [it, fresh] = index.emplace(id, out.size());
    if (fresh) out.push_back({id, {}});
    out[it->second].keys.insert(row->Text(1));
  }
  return out;
}

Status InsertKeysInTx(SqlConnection& db, const std::vector<TriagedTraces>& events, TimePoint now) {
  std::vector<std::pair<const TriagedTraces*, const std::string*>> keys;
  for (const auto& e : events)
    for (const auto& key : e.keys) keys.emplace_back(&e, &key);
  return InChunks(keys, 500, [&](ValuesList& rows, const auto& k) { rows.Add({k.first->community, *k.second, k.first->event_id, ToMicros(now)}); },
                  [&](const ValuesList& rows) {
                    return db.Query("INSERT INTO vigil_triage_keys (community, dedupe_key, event_id, created_at) VALUES " + rows.sql() +
                                        " ON CONFLICT (community, dedupe_key) DO NOTHING",
                                    rows.params())
                        .status();
                  });
}

namespace {

// A title-word row's event and all its title's words (stored joined by spaces).
TitledEvent TitledEventOf(std::string event_id, const std::string& all) {
  TitledEvent e{std::move(event_id), {}};
  std::string_view words = all;
  while (!words.empty()) {
    size_t end = std::min(words.find(' '), words.size());
    if (end > 0) e.title_tokens.emplace(words.substr(0, end));
    words.remove_prefix(std::min(end + 1, words.size()));
  }
  return e;
}

}  // namespace

Result<std::vector<TitledEvent>> RecentEventsWithTitleWord(SqlConnection& db, const std::string& community, const std::string& token,
                                                           TimePoint since, int limit) {
  auto r = db.Query(
      "SELECT event_id, title_tokens FROM vigil_triage_title_tokens WHERE community = $1 AND token = $2 AND created_at >= $3"
      " ORDER BY created_at DESC, event_id DESC LIMIT $4",
      {community, token, ToMicros(since), int64_t(limit)});
  if (!r.ok()) return r.status();
  std::vector<TitledEvent> out;
  for (const auto& row : r->rows) out.push_back(TitledEventOf(row.Text(0), row.Text(1)));
  return out;
}

Result<std::map<std::string, std::vector<TitledEvent>>> RecentEventsWithTitleWords(SqlConnection& db, const std::string& community,
                                                                                   const std::set<std::string>& words, TimePoint since,
                                                                                   int limit) {
  std::map<std::string, std::vector<TitledEvent>> out;
  if (words.empty()) return out;
  if (db.dialect() != "postgres") {
    for (const auto& word : words) {
      auto titled = RecentEventsWithTitleWord(db, community, word, since, limit);
      if (!titled.ok()) return titled.status();
      out[word] = std::move(*titled);
    }
    return out;
  }
  // Each word's newest through its own index scan (LATERAL ... LIMIT), as one word's query would.
  std::string json = nlohmann::json(std::vector<std::string>(words.begin(), words.end()))
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto r = db.Query(
      "SELECT w.token, t.event_id, t.title_tokens FROM json_array_elements_text($2::json) AS w(token) CROSS JOIN LATERAL"
      " (SELECT event_id, title_tokens, created_at FROM vigil_triage_title_tokens WHERE community = $1 AND token = w.token"
      " AND created_at >= $3 ORDER BY created_at DESC, event_id DESC LIMIT $4) AS t"
      " ORDER BY w.token, t.created_at DESC, t.event_id DESC",
      {community, json, ToMicros(since), int64_t(limit)});
  if (!r.ok()) return r.status();
  for (const auto& word : words) out[word];
  for (const auto& row : r->rows) out[row.Text(0)].push_back(TitledEventOf(row.Text(1), row.Text(2)));
  return out;
}

Status InsertTitleTokensInTx(SqlConnection& db, const std::vector<TriagedTraces>& events, TimePoint now) {
  // Every word of every event in one statement, its text the same whatever the count: on
  // PostgreSQL one round trip instead of one per word (they were a third of a webhook event's
  // statements: bench/capacity_bench.sh), and however long a title, no parameter limit to meet.
  // Each row is [community, event id, word, all the event's words].
  std::vector<std::string> columns[4];
  for (const auto& e : events) {
    std::string joined;
    for (const auto& t : e.title_tokens) joined += (joined.empty() ? "" : " ") + t;
    for (const auto& t : e.title_tokens) {
      columns[0].push_back(e.community);
      columns[1].push_back(e.event_id);
      columns[2].push_back(t);
      columns[3].push_back(joined);
    }
  }
  if (columns[0].empty()) return Status::Ok();
  if (db.dialect() == "postgres") {
    // The columns as four text[] parameters: unnest reads them as they are, where a JSON array of
    // rows was parsed again for each ->> (the statement was the server's largest under a webhook
    // burst: 1.8 s of 10,000 events' 16.7 s, bench/capacity_bench.sh TOP). No ON CONFLICT: on
    // PostgreSQL that is a speculative insertion, each row's key probed, then inserted, then
    // confirmed, three times the plain insert's work (6.4 against 2.2 ms for a batch's 448 rows;
    // still the server's largest statement under a webhook burst). No row can conflict: the key
    // holds the event, the word and `now`, an event's words are a set, and only events whose
    // verdict this transaction wrote come here, each once. Were one to conflict anyway (an event's
    // verdict cleared and written again within the microsecond), the batch fails and is retried.
    return db
        .Query("INSERT INTO vigil_triage_title_tokens (community, event_id, token, title_tokens, created_at)"
               " SELECT c, e, t, a, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(c, e, t, a)",
               {PgTextArray(columns[0]), PgTextArray(columns[1]), PgTextArray(columns[2]), PgTextArray(columns[3]), ToMicros(now)})
        .status();
  }
  nlohmann::json rows = nlohmann::json::array();
  for (size_t i = 0; i < columns[0].size(); ++i) rows.push_back({columns[0][i], columns[1][i], columns[2][i], columns[3][i]});
  std::string json = rows.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // WHERE true: SQLite's parser needs it before an upsert clause after a SELECT.
  return db.Query("INSERT INTO vigil_triage_title_tokens (community, event_id, token, title_tokens, created_at)"
                  " SELECT value->>0, value->>1, value->>2, value->>3, $2 FROM json_each($1) WHERE true ON CONFLICT DO NOTHING",
                  {json, ToMicros(now)})
      .status();
}

Result<int64_t> PruneTitleTokens(SqlConnection& db, TimePoint before) {
  auto r = db.Query("DELETE FROM vigil_triage_title_tokens WHERE created_at < $1", {ToMicros(before)});
  if (!r.ok()) return r.status();
  return r->affected;
}

Result<std::optional<TimePoint>> LastPushAt(SqlConnection& db, const std::string& community) {
  auto r = db.Query("SELECT last_pushed_at FROM vigil_community_pushes WHERE community = $1", {community});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<TimePoint>();
  return std::optional<TimePoint>(FromMicros(r->rows[0].Int(0)));
}

Status RecordPushInTx(SqlConnection& db, const std::string& community, TimePoint now) {
  return db.Query(
             "INSERT INTO vigil_community_pushes (community, last_pushed_at) VALUES ($1, $2)"
             " ON CONFLICT (community) DO UPDATE SET last_pushed_at = excluded.last_pushed_at",
             {community, ToMicros(now)})
      .status();
}

Result<bool> TakeAutoThreadSlotInTx(SqlConnection& db, const std::string& community, TimePoint now, int per_day) {
  if (per_day <= 0) return false;
  // A row that already counts per_day is left as it is: nothing changes, nothing is counted.
  auto r = db.Query(
      "INSERT INTO vigil_auto_threads (community, day, threads) VALUES ($1, $2, 1)"
      " ON CONFLICT (community, day) DO UPDATE SET threads = vigil_auto_threads.threads + 1 WHERE vigil_auto_threads.threads < $3",
      {community, UtcDay(now), int64_t(per_day)});
  if (!r.ok()) return r.status();
  return r->affected > 0;
}

Status PruneAutoThreadCounts(SqlConnection& db, TimePoint before) {
  return db.Query("DELETE FROM vigil_auto_threads WHERE day < $1", {UtcDay(before)}).status();
}

Status AddDigestItemInTx(SqlConnection& db, const std::string& community, const std::string& event_id,
                         const std::string& notification_id, double score, TimePoint now) {
  return db.Query(
             "INSERT INTO vigil_digest_items (community, event_id, notification_id, added_at, score) VALUES ($1, $2, $3, $4, $5)"
             " ON CONFLICT (community, event_id) DO NOTHING",
             {community, event_id, TextOrNull(notification_id), ToMicros(now), score})
      .status();
}

}  // namespace vigil
