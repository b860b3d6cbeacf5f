#include "store/watcher_repo.h"

#include <set>

#include "common/json_depth.h"
#include "store/community_repo.h"
#include "store/db_time.h"

namespace vigil {
namespace {

constexpr const char* kManagedKey = "managed_by";

// A row that exists is returned as it is, whoever made it. A missing one is created with what the
// config declares for the community (store/community_repo.h), or the defaults when it declares
// nothing.
Result<std::string> EnsureCommunityId(SqlConnection& db, const std::string& name, const std::string& now) {
  auto found = db.Query("SELECT id FROM subreddits WHERE name = $1", {name});
  if (!found.ok()) return found.status();
  if (!found->rows.empty()) return found->rows[0].Text(0);
  auto declared = FindCommunityDecl(db, name);
  if (!declared.ok()) return declared.status();
  CommunityDecl d = declared->value_or(CommunityDecl{.name = name, .display_name = name});
  // Every column the platform's models fill gets the value its models default to (the platform's
  // Alembic schema makes them NOT NULL, with defaults only on the Python side), so a community
  // vigil creates reads like one the platform made without those fields.
  std::string id = db.NewId();
  std::string yes = db.dialect() == "postgres" ? "true" : "1";
  auto ins = db.Query(
      "INSERT INTO subreddits (id, name, display_name, description, purpose, output_template, participation_model,"
      " tool_configs, min_agents, max_agents, always_include_red_team, max_cost_per_thread_usd, created_at, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, '{}', $6, '[]', 3, 8, " + yes + ", 5.0, $7, $7)",
      {id, name, d.display_name, d.description, d.purpose, d.participation_model, now});
  if (!ins.ok()) return ins.status();
  return id;
}

std::vector<SqlValue> WatcherParams(const WatcherDecl& w, const SqlValue& community_id, const std::string& now) {
  nlohmann::json config = w.config;
  config[kManagedKey] = "vigil";
  return {w.type,
          community_id,
          w.description,
          w.query,                                 // "" for none: the platform's schema has query NOT NULL
          w.poll_interval_seconds.value_or(0),     // 0: not polled (a webhook); NOT NULL there too
          int64_t(w.enabled),
          config.dump(),
          int64_t(w.auto_create_thread),
          w.auto_thread_approval_rate,
          now,
          w.name};
}

// The row of a watcher vigil syncs from its YAML: found through vigil_watcher_names, never by
// the name alone (a platform row may carry the same name; the YAML's watcher is the one vigil
// runs, and the platform's row is left as it is).
Status UpsertWatcher(SqlConnection& db, const WatcherDecl& w, const std::string& now, WatcherSyncReport* report) {
  SqlValue community = SqlNull{};
  if (!w.community.empty()) {
    auto id = EnsureCommunityId(db, w.community, now);
    if (!id.ok()) return id.status();
    community = *id;
  }
  auto params = WatcherParams(w, community, now);
  bool pg = db.dialect() == "postgres";
  std::string enabled = pg ? "$6::int::boolean" : "$6";
  std::string auto_thread = pg ? "$8::int::boolean" : "$8";
  auto known = WatcherIdByName(db, w.name);
  if (!known.ok()) return known.status();
  params.push_back(*known ? **known : db.NewId());
  if (*known) {
    auto upd = db.Query("UPDATE watchers SET watcher_type = $1, subreddit_id = $2, description = $3, query = $4,"
                        " poll_interval_seconds = $5, enabled = " + enabled + ", config = $7, auto_create_thread = " +
                            auto_thread + ", auto_thread_approval_rate = $9, updated_at = $10, name = $11 WHERE id = $12",
                        params);
    if (!upd.ok()) return upd.status();
    if (upd->affected > 0) {
      report->updated++;
      return Status::Ok();
    }
    // Its row was deleted (by a person, or the platform): made again under the same id.
  }
  auto ins = db.Query("INSERT INTO watchers (watcher_type, subreddit_id, description, query, poll_interval_seconds,"
                      " enabled, config, auto_create_thread, auto_thread_approval_rate, created_at, updated_at, name, id)"
                      " VALUES ($1, $2, $3, $4, $5, " + enabled + ", $7, " + auto_thread + ", $9, $10, $10, $11, $12)",
                      params);
  if (!ins.ok()) return ins.status();
  if (!*known) {
    auto name = db.Query("INSERT INTO vigil_watcher_names (name, watcher_id) VALUES ($1, $2)", {w.name, params.back()});
    if (!name.ok()) return name.status();
  }
  report->created++;
  return Status::Ok();
}

Status DisableUndeclared(SqlConnection& db, const std::vector<WatcherDecl>& watchers, const std::string& now,
                         WatcherSyncReport* report) {
  std::set<std::string> declared;
  for (const auto& w : watchers) declared.insert(w.name);
  auto rows = db.Query("SELECT id, name, config FROM watchers WHERE enabled = $1",
                       {db.dialect() == "postgres" ? SqlValue(std::string("true")) : SqlValue(int64_t(1))});
  if (!rows.ok()) return rows.status();
  for (const auto& row : rows->rows) {
    if (declared.count(row.Text(1))) continue;
    auto config = ParseJsonOrDiscarded(row.Text(2));
    if (!config.is_object() || config.value(kManagedKey, "") != "vigil") continue;  // the platform's own
    auto upd = db.Query(std::string("UPDATE watchers SET enabled = ") + (db.dialect() == "postgres" ? "false" : "0") +
                            ", updated_at = $1 WHERE id = $2",
                        {now, row.Text(0)});
    if (!upd.ok()) return upd.status();
    report->disabled++;
  }
  return Status::Ok();
}

}  // namespace

Result<WatcherSyncReport> SyncWatchers(SqlConnection& db, const std::vector<WatcherDecl>& watchers, TimePoint now) {
  WatcherSyncReport report;
  std::string ts = SeedTimestamp(now, db.dialect());
  Status s = InTransaction(db, true, [&]() -> Status {
    for (const auto& w : watchers) {
      Status one = UpsertWatcher(db, w, ts, &report);
      if (!one.ok()) return one.WithContext("syncing watcher " + w.name);
    }
    return DisableUndeclared(db, watchers, ts, &report);
  });
  if (!s.ok()) return s;
  return report;
}

Result<std::optional<std::string>> WatcherIdByName(SqlConnection& db, const std::string& name) {
  auto r = db.Query("SELECT watcher_id FROM vigil_watcher_names WHERE name = $1", {name});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(r->rows[0].Text(0));
}

Result<std::string> EnsureCommunity(SqlConnection& db, const std::string& name, TimePoint now) {
  return EnsureCommunityId(db, name, SeedTimestamp(now, db.dialect()));
}

}  // namespace vigil
