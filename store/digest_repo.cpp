#include "store/digest_repo.h"

#include <algorithm>

#include "common/iso8601.h"
#include "common/json_depth.h"
#include "store/db_time.h"

namespace vigil {
namespace {

int SignalRank(const std::string& signal) { return signal == "high" ? 0 : signal == "medium" ? 1 : 2; }

bool Stronger(const DigestItem& a, const DigestItem& b) {
  if (SignalRank(a.signal) != SignalRank(b.signal)) return SignalRank(a.signal) < SignalRank(b.signal);
  if (a.score.value_or(-1) != b.score.value_or(-1)) return a.score.value_or(-1) > b.score.value_or(-1);
  if (a.added_at != b.added_at) return a.added_at < b.added_at;
  return a.event_id < b.event_id;
}

// The string at `key`; "" when absent or null.
std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

DigestItem ItemFromJson(const nlohmann::json& j) {
  DigestItem item{Str(j, "event_id"), Str(j, "notification_id"), Str(j, "title"),  Str(j, "watcher"),
                  Str(j, "source_type"), Str(j, "source_url"),  Str(j, "signal"), std::nullopt, {}};
  if (j.contains("score") && j["score"].is_number()) item.score = j["score"].get<double>();
  if (auto t = ParseIso8601(Str(j, "added_at")); t.ok()) item.added_at = *t;
  return item;
}

constexpr const char* kDigestSelect =
    "SELECT d.id, d.community, s.name, d.job_id, d.created_at, d.items FROM vigil_digests d"
    " LEFT JOIN subreddits s ON CAST(s.id AS TEXT) = d.community";

DigestRow DigestFromRow(const SqlRow& row) {
  DigestRow d;
  d.id = row.Text(0);
  d.community_id = row.Text(1);
  d.community_name = row.Text(2);
  d.job_id = row.Int(3);
  d.created_at = FromMicros(row.Int(4));
  auto items = ParseJsonOrDiscarded(row.Text(5));
  for (const auto& j : items.is_array() ? items : nlohmann::json::array()) d.items.push_back(ItemFromJson(j));
  return d;
}

}  // namespace

Result<std::optional<std::string>> CommunityIdByName(SqlConnection& db, const std::string& name) {
  auto r = db.Query("SELECT id FROM subreddits WHERE name = $1", {name});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(r->rows[0].Text(0));
}

Result<std::optional<std::string>> DigestIdOfJobInTx(SqlConnection& db, int64_t job_id) {
  auto r = db.Query("SELECT id FROM vigil_digests WHERE job_id = $1", {job_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(r->rows[0].Text(0));
}

Result<int64_t> DropDismissedItemsInTx(SqlConnection& db, const std::string& community_id) {
  auto r = db.Query(
      "DELETE FROM vigil_digest_items WHERE community = $1 AND digest_id IS NULL AND notification_id IN"
      " (SELECT CAST(id AS TEXT) FROM notifications WHERE status = 'dismissed')",
      {community_id});
  if (!r.ok()) return r.status();
  return r->affected;
}

Result<int64_t> ClaimOpenItemsInTx(SqlConnection& db, const std::string& community_id, const std::string& digest_id) {
  auto r = db.Query("UPDATE vigil_digest_items SET digest_id = $1 WHERE community = $2 AND digest_id IS NULL",
                    {digest_id, community_id});
  if (!r.ok()) return r.status();
  return r->affected;
}

Result<std::vector<DigestItem>> ClaimedItemsInTx(SqlConnection& db, const std::string& digest_id) {
  // watcher_events.id is a UUID on PostgreSQL: compare as one, so the join uses its primary key.
  std::string event_id = db.dialect() == "postgres" ? "CAST(i.event_id AS UUID)" : "i.event_id";
  auto r = db.Query(
      "SELECT i.event_id, i.notification_id, e.title, w.name, e.source_type, e.source_url, e.triage_signal, i.score, i.added_at"
      " FROM vigil_digest_items i LEFT JOIN watcher_events e ON e.id = " + event_id +
      " LEFT JOIN watchers w ON w.id = e.watcher_id WHERE i.digest_id = $1",
      {digest_id});
  if (!r.ok()) return r.status();
  std::vector<DigestItem> items;
  for (const auto& row : r->rows) {
    DigestItem item{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4), row.Text(5), row.Text(6),
                    std::nullopt, FromMicros(row.Int(8))};
    if (!row.IsNull(7)) item.score = row.Double(7);
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(), Stronger);
  return items;
}

Status InsertDigestInTx(SqlConnection& db, const DigestRow& digest) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : digest.items) items.push_back(DigestItemToJson(item));
  return db.Query("INSERT INTO vigil_digests (id, community, items, created_at, job_id) VALUES ($1, $2, $3, $4, $5)",
                  {digest.id, digest.community_id, items.dump(), ToMicros(digest.created_at),
                   digest.job_id == 0 ? SqlValue(SqlNull{}) : SqlValue(digest.job_id)})
      .status();
}

Result<std::optional<DigestRow>> GetDigest(SqlConnection& db, const std::string& id) {
  auto r = db.Query(std::string(kDigestSelect) + " WHERE d.id = $1", {db.IdOf(id)});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<DigestRow>();
  return std::optional<DigestRow>(DigestFromRow(r->rows[0]));
}

Result<std::vector<DigestRow>> ListDigests(SqlConnection& db, const std::string& community, int limit, const std::string& before_id) {
  auto r = db.Query(std::string(kDigestSelect) +
                        " WHERE ($1 = '' OR s.name = $1) AND ($3 = '' OR (d.created_at, d.id) <"
                        " (SELECT c.created_at, c.id FROM vigil_digests c WHERE c.id = $3))"
                        " ORDER BY d.created_at DESC, d.id DESC LIMIT $2",
                    {community, static_cast<int64_t>(limit), before_id});
  if (!r.ok()) return r.status();
  std::vector<DigestRow> out;
  for (const auto& row : r->rows) out.push_back(DigestFromRow(row));
  return out;
}

nlohmann::json DigestItemToJson(const DigestItem& item) {
  nlohmann::json j = {{"event_id", item.event_id},       {"title", item.title},   {"watcher", item.watcher},
                      {"source_type", item.source_type}, {"source_url", item.source_url}, {"signal", item.signal},
                      {"added_at", FormatIso8601(item.added_at)}};
  j["notification_id"] = item.notification_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(item.notification_id);
  j["score"] = item.score ? nlohmann::json(*item.score) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json DigestToJson(const DigestRow& digest) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : digest.items) items.push_back(DigestItemToJson(item));
  return {{"id", digest.id},
          {"community", digest.community_name},
          {"created_at", FormatUtcZ(digest.created_at)},
          {"item_count", digest.items.size()},
          {"items", items}};
}

}  // namespace vigil
