#include "store/notification_repo.h"

#include "store/change_feed_repo.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "store/db_time.h"
#include "store/sql_filter.h"

namespace vigil {
namespace {

SqlValue TextOrNull(const std::string& s) { return s.empty() ? SqlValue(SqlNull{}) : SqlValue(s); }

constexpr const char* kSelect =
    "SELECT n.id, n.watcher_id, n.event_id, n.subreddit_id, s.name, n.title, n.summary, n.signal, n.suggested_hypothesis,"
    " n.status, n.action_taken, n.thread_id, n.created_at, n.acted_at, e.source_url, e.triage_reasoning, w.name,"
    " s.participation_model, sc.score"
    " FROM notifications n LEFT JOIN subreddits s ON s.id = n.subreddit_id LEFT JOIN watcher_events e ON e.id = n.event_id"
    " LEFT JOIN watchers w ON w.id = n.watcher_id LEFT JOIN vigil_event_scores sc ON sc.event_id = CAST(n.event_id AS TEXT)";

NotificationRow FromRow(const SqlRow& row) {
  NotificationRow n;
  std::string* fields[] = {&n.id,     &n.watcher_id,   &n.event_id,  &n.community_id, &n.community_name, &n.title,
                           &n.summary, &n.signal,      &n.suggested_hypothesis, &n.status, &n.action_taken, &n.thread_id,
                           &n.created_at, &n.acted_at, &n.source_url, &n.triage_reasoning, &n.watcher_name,
                           &n.participation_model};
  for (size_t i = 0; i < std::size(fields); ++i) *fields[i] = row.Text(i);
  if (!row.IsNull(std::size(fields))) n.triage_score = row.Double(std::size(fields));
  return n;
}

// "U+0000" for a byte below 0x80.
std::string ControlName(unsigned char c) {
  char text[8];
  std::snprintf(text, sizeof(text), "U+%04X", static_cast<unsigned>(c));
  return text;
}

bool KnownStatus(const std::string& s) { return s == "pending" || s == "read" || s == "acted" || s == "dismissed"; }

}  // namespace

Result<std::string> InsertNotificationInTx(SqlConnection& db, const NotificationInsert& in, TimePoint now) {
  std::string id = db.NewId();
  auto r = db.Query(
      "INSERT INTO notifications (id, watcher_id, event_id, subreddit_id, title, summary, signal, suggested_hypothesis, status,"
      " created_at, action_taken) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10)",
      {id, TextOrNull(in.watcher_id), in.event_id, TextOrNull(in.community_id), in.title, in.summary, in.signal,
       in.suggested_hypothesis, SeedTimestamp(now, db.dialect()), TextOrNull(in.action_taken)});
  if (!r.ok()) return r.status();
  if (Status s = RecordChange(db, "notification", id); !s.ok()) return s;
  return id;
}

Result<std::optional<NotificationRow>> GetNotification(SqlConnection& db, const std::string& id) {
  auto r = db.Query(std::string(kSelect) + " WHERE n.id = $1", {db.IdOf(id)});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<NotificationRow>();
  return std::optional<NotificationRow>(FromRow(r->rows[0]));
}

Result<std::vector<NotificationRow>> ListNotifications(SqlConnection& db, const NotificationFilter& f) {
  SqlFilter where;
  if (!f.status.empty()) where.Add("n.status = ?", f.status);
  if (!f.community.empty()) where.Add("s.name = ?", f.community);
  if (!f.watcher.empty()) where.Add("w.name = ?", f.watcher);
  if (!f.signal.empty()) where.Add("n.signal = ?", f.signal);
  if (!f.event_id.empty()) where.Add("n.event_id = ?", db.IdOf(f.event_id));
  if (f.since) where.Add("n.created_at >= ?", SeedTimestamp(*f.since, db.dialect()));
  if (!f.after.empty()) where.Add("(n.created_at, n.id) < (SELECT c.created_at, c.id FROM notifications c WHERE c.id = ?)", db.IdOf(f.after));
  std::string sql = std::string(kSelect) + where.Sql() + " ORDER BY n.created_at DESC, n.id DESC LIMIT " +
                    where.Bind(static_cast<int64_t>(std::max(f.limit, 1)));
  auto r = db.Query(sql, where.params());
  if (!r.ok()) return r.status();
  std::vector<NotificationRow> out;
  for (const auto& row : r->rows) out.push_back(FromRow(row));
  return out;
}

Status CheckActionTaken(const std::string& action) {
  if (action.size() > kMaxActionTakenBytes)
    return Status::Error("action_taken is " + std::to_string(action.size()) + " bytes; the limit is " +
                         std::to_string(kMaxActionTakenBytes));
  for (unsigned char c : action) {
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
      return Status::Error("action_taken holds the control character " + ControlName(c) + " (only tab and newline may appear)");
  }
  return Status::Ok();
}

Status SetNotificationStatus(SqlConnection& db, const std::string& id, const std::string& status, const std::string& action,
                             TimePoint now) {
  if (!KnownStatus(status)) return Status::Error("unknown status \"" + status + "\" (expected pending, read, acted or dismissed)");
  if (Status s = CheckActionTaken(action); !s.ok()) return s;
  Result<SqlResult> r = Status::Ok();
  if (status == "acted") {
    r = db.Query("UPDATE notifications SET status = 'acted', acted_at = $1, action_taken = COALESCE($2, action_taken) WHERE id = $3",
                 {SeedTimestamp(now, db.dialect()), TextOrNull(action), db.IdOf(id)});
  } else {
    r = db.Query("UPDATE notifications SET status = $1 WHERE id = $2", {status, db.IdOf(id)});
  }
  if (!r.ok()) return r.status();
  if (r->affected == 0) return Status::Error("no notification " + id);
  return RecordChange(db, "notification", db.IdOf(id));
}

Status CheckThreadAllowed(const NotificationRow& n) {
  if (n.status == "dismissed") return Status::Error("notification " + n.id + " was dismissed: no thread is opened for it");
  if (!n.thread_id.empty()) return Status::Error("notification " + n.id + " already has thread " + n.thread_id);
  return Status::Ok();
}

Status HoldThreadForPerson(SqlConnection& db, const std::string& id, const std::string& reason) {
  auto r = db.Query("UPDATE notifications SET action_taken = $1 WHERE id = $2 AND thread_id IS NULL AND status IN ('pending', 'read')",
                    {reason, db.IdOf(id)});
  if (!r.ok()) return r.status();
  if (r->affected > 0) return RecordChange(db, "notification", db.IdOf(id));
  auto there = db.Query("SELECT 1 FROM notifications WHERE id = $1", {db.IdOf(id)});
  if (!there.ok()) return there.status();
  return there->rows.empty() ? Status::Error("no notification " + id) : Status::Ok();
}

Result<bool> RecordThread(SqlConnection& db, const std::string& id, const std::string& thread_id, const std::string& action,
                          TimePoint now) {
  auto r = db.Query(
      "UPDATE notifications SET thread_id = $1, action_taken = $2, status = 'acted', acted_at = $3"
      " WHERE id = $4 AND thread_id IS NULL AND status <> 'dismissed'",
      {db.IdOf(thread_id), action, SeedTimestamp(now, db.dialect()), db.IdOf(id)});
  if (!r.ok()) return r.status();
  if (r->affected > 0) {
    if (Status s = RecordChange(db, "notification", db.IdOf(id)); !s.ok()) return s;
    return true;
  }
  auto there = db.Query("SELECT 1 FROM notifications WHERE id = $1", {db.IdOf(id)});
  if (!there.ok()) return there.status();
  if (there->rows.empty()) return Status::Error("no notification " + id);
  return false;
}

nlohmann::json NotificationToJson(const NotificationRow& n) {
  auto opt = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  return {{"id", n.id},
          {"watcher_id", opt(n.watcher_id)},
          {"watcher", opt(n.watcher_name)},
          {"event_id", n.event_id},
          {"community", opt(n.community_name)},
          {"title", n.title},
          {"summary", n.summary},
          {"signal", n.signal},
          {"suggested_hypothesis", n.suggested_hypothesis},
          {"status", n.status},
          {"action_taken", opt(n.action_taken)},
          {"thread_id", opt(n.thread_id)},
          {"created_at", n.created_at},
          {"acted_at", opt(n.acted_at)},
          {"source_url", opt(n.source_url)},
          {"triage_reasoning", opt(n.triage_reasoning)},
          {"triage_score", n.triage_score ? nlohmann::json(*n.triage_score) : nlohmann::json(nullptr)}};
}

}  // namespace vigil
