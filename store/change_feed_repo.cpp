#include "store/change_feed_repo.h"

#include <algorithm>
#include <charconv>

#include "store/db_time.h"
#include "store/values_list.h"
#include "store/event_repo.h"
#include "store/job_repo.h"
#include "store/notification_repo.h"

namespace vigil {
namespace {

nlohmann::json JobItem(const JobRow& job) {
  return {{"id", job.id},
          {"kind", job.kind},
          {"queue", job.queue},
          {"state", job.state},
          {"attempt", job.attempt},
          {"max_attempts", job.max_attempts},
          {"last_error", job.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.last_error)}};
}

Result<std::optional<nlohmann::json>> JobChange(SqlConnection& db, const std::string& ref) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
  if (ec != std::errc() || end != ref.data() + ref.size()) return std::optional<nlohmann::json>();
  auto job = GetJob(db, id);
  if (!job.ok()) return job.status();
  if (!*job) return std::optional<nlohmann::json>();
  return std::optional<nlohmann::json>(JobItem(**job));
}

Result<std::optional<nlohmann::json>> EventChange(SqlConnection& db, const std::string& ref) {
  EventFilter filter;
  filter.id = ref;
  filter.limit = 1;
  auto events = ListEvents(db, filter);
  if (!events.ok()) return events.status();
  if (events->empty()) return std::optional<nlohmann::json>();
  return std::optional<nlohmann::json>(std::move(events->front()));
}

Result<std::optional<nlohmann::json>> NotificationChange(SqlConnection& db, const std::string& ref) {
  auto n = GetNotification(db, ref);
  if (!n.ok()) return n.status();
  if (!*n) return std::optional<nlohmann::json>();
  return std::optional<nlohmann::json>(NotificationToJson(**n));
}

}  // namespace

Status RecordChange(SqlConnection& db, const std::string& topic, const std::string& id) { return RecordChanges(db, topic, {id}); }

Status RecordChanges(SqlConnection& db, const std::string& topic, const std::vector<std::string>& ids) {
  return InChunks(ids, 500, [&](ValuesList& rows, const std::string& id) { rows.Add({topic, id}); },
                  [&](const ValuesList& rows) { return db.Query("INSERT INTO vigil_changes (topic, ref) VALUES " + rows.sql(), rows.params()).status(); });
}

Result<int64_t> LatestChangeSeq(SqlConnection& db) {
  auto r = db.Query("SELECT COALESCE(MAX(seq), 0) FROM vigil_changes");
  if (!r.ok()) return r.status();
  return r->rows.empty() ? int64_t{0} : r->rows[0].Int(0);
}

Result<std::vector<Change>> ReadChanges(SqlConnection& db, int64_t after, int limit) {
  auto r = db.Query("SELECT seq, topic, ref FROM vigil_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
                    {after, int64_t(std::clamp(limit, 1, 1000))});
  if (!r.ok()) return r.status();
  std::vector<Change> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) out.push_back({row.Int(0), row.Text(1), row.Text(2)});
  return out;
}

Result<std::optional<nlohmann::json>> ChangedItem(SqlConnection& db, const Change& change) {
  if (change.topic == "job") return JobChange(db, change.ref);
  if (change.topic == "event") return EventChange(db, change.ref);
  if (change.topic == "notification") return NotificationChange(db, change.ref);
  return std::optional<nlohmann::json>();
}

Result<int64_t> PruneChanges(SqlConnection& db, TimePoint before) {
  auto r = db.Query("DELETE FROM vigil_changes WHERE at < $1", {ToMicros(before)});
  if (!r.ok()) return r.status();
  return r->affected;
}

}  // namespace vigil
