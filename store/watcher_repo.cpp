#include "store/watcher_repo.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/json_depth.h"
#include "common/uuid.h"
#include "store/community_repo.h"
#include "store/db_time.h"
#include "store/values_list.h"

namespace vigil {
namespace {

constexpr const char* kManagedKey = "managed_by";
constexpr const char* kInternalKey = "internal";  // one of vigil's own watchers, in no YAML

// The value at `key` of a row's config when it is `want` (a stored row's config is anything the
// platform wrote: not an object, or the key holding another type, is simply not a match).
bool ConfigHas(const std::string& config_json, const char* key, const nlohmann::json& want) {
  auto config = ParseJsonOrDiscarded(config_json);
  if (!config.is_object()) return false;
  auto it = config.find(key);
  return it != config.end() && *it == want;
}

bool IsInternalConfig(const std::string& config_json) { return ConfigHas(config_json, kInternalKey, true); }

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

// What vigil_watcher_names and the watchers table hold for the watchers vigil synced before,
// by name: read once per sync, so that an unchanged watcher costs no statement and a restart
// with thousands of watchers does not rewrite (or read) them one by one.
struct KnownWatcher {
  std::string id;
  bool has_row = false;  // its watchers row exists (a person or the platform may have deleted it)
  std::vector<SqlValue> values;  // as WatcherParams orders them, up to `name` (11 values)
};

Result<std::map<std::string, KnownWatcher>> KnownWatchers(SqlConnection& db) {
  std::string id = db.dialect() == "postgres" ? "CAST(w.id AS TEXT)" : "w.id";
  std::string community = db.dialect() == "postgres" ? "CAST(w.subreddit_id AS TEXT)" : "w.subreddit_id";
  // Both ids compared as text: either may be a uuid column, depending on who made the table.
  std::string name_id = db.dialect() == "postgres" ? "CAST(n.watcher_id AS TEXT)" : "n.watcher_id";
  auto r = db.Query("SELECT n.name, " + name_id + ", " + id + ", w.watcher_type, " + community +
                    ", w.description, w.query, w.poll_interval_seconds, w.enabled, w.config, w.auto_create_thread,"
                    " w.auto_thread_approval_rate, w.name FROM vigil_watcher_names n LEFT JOIN watchers w ON " + id + " = " + name_id);
  if (!r.ok()) return r.status();
  std::map<std::string, KnownWatcher> out;
  for (const auto& row : r->rows) {
    KnownWatcher k;
    k.id = row.Text(1);
    k.has_row = !row.IsNull(2);
    if (k.has_row) {
      k.values = {row.Text(3), row.IsNull(4) ? SqlValue(SqlNull{}) : SqlValue(row.Text(4)), row.Text(5), row.Text(6), row.Int(7),
                  int64_t(row.Bool(8)), row.Text(9), int64_t(row.Bool(10)), row.IsNull(11) ? 0.8 : row.Double(11), SqlValue(), row.Text(12)};
    }
    out.emplace(row.Text(0), std::move(k));
  }
  return out;
}

// Whether the stored row already holds what `params` (WatcherParams) would write; the config is
// compared as JSON (PostgreSQL's jsonb reorders keys), the time is not compared.
bool SameWatcher(const KnownWatcher& k, const std::vector<SqlValue>& params) {
  if (!k.has_row || k.values.size() < 11) return false;
  auto text = [](const SqlValue& v) {
    if (std::holds_alternative<SqlNull>(v)) return std::string();
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
    return std::string();
  };
  for (size_t i : {0u, 1u, 2u, 3u, 4u, 5u, 7u, 10u}) {
    if (text(k.values[i]) != text(params[i])) return false;
  }
  double stored = std::get<double>(k.values[8]), wanted = std::get<double>(params[8]);
  if (stored - wanted > 1e-9 || wanted - stored > 1e-9) return false;
  auto stored_config = ParseJsonOrDiscarded(text(k.values[6]));
  return !stored_config.is_discarded() && stored_config == nlohmann::json::parse(text(params[6]));
}

// The declared watchers vigil syncs from its YAML, each found through vigil_watcher_names,
// never by the name alone (a platform row may carry the same name; the YAML's watcher is the one
// vigil runs, and the platform's row is left as it is). Unchanged rows are left alone; changed
// ones are updated one by one; new ones (and rows deleted since) are inserted 100 a statement.
Status UpsertWatchers(SqlConnection& db, const std::vector<WatcherDecl>& watchers, const std::string& now, WatcherSyncReport* report) {
  auto known = KnownWatchers(db);
  if (!known.ok()) return known.status();
  bool pg = db.dialect() == "postgres";
  std::string enabled = pg ? "::int::boolean" : "";
  std::map<std::string, std::string> communities;
  std::vector<std::vector<SqlValue>> inserts;  // WatcherParams + id
  std::vector<std::pair<std::string, std::string>> names;  // new names and their ids
  for (const auto& w : watchers) {
    SqlValue community = SqlNull{};
    if (!w.community.empty()) {
      auto cached = communities.find(w.community);
      if (cached == communities.end()) {
        auto id = EnsureCommunityId(db, w.community, now);
        if (!id.ok()) return id.status().WithContext("syncing watcher " + w.name);
        cached = communities.emplace(w.community, *id).first;
      }
      community = cached->second;
    }
    auto params = WatcherParams(w, community, now);
    auto it = known->find(w.name);
    if (it != known->end() && it->second.has_row) {
      if (SameWatcher(it->second, params)) continue;
      params.push_back(it->second.id);
      auto upd = db.Query("UPDATE watchers SET watcher_type = $1, subreddit_id = $2, description = $3, query = $4,"
                          " poll_interval_seconds = $5, enabled = $6" + enabled + ", config = $7, auto_create_thread = $8" + enabled +
                              ", auto_thread_approval_rate = $9, updated_at = $10, name = $11 WHERE id = $12",
                          params);
      if (!upd.ok()) return upd.status().WithContext("syncing watcher " + w.name);
      report->updated++;
      continue;
    }
    // Unknown, or its row was deleted (by a person, or the platform): made again under the same id.
    params.push_back(it != known->end() ? it->second.id : db.NewId());
    if (it == known->end()) names.emplace_back(w.name, std::get<std::string>(params.back()));
    inserts.push_back(std::move(params));
  }
  constexpr size_t kPerStatement = 100;
  for (size_t begin = 0; begin < inserts.size(); begin += kPerStatement) {
    std::vector<SqlValue> params;
    std::string values;
    for (size_t i = begin; i < std::min(inserts.size(), begin + kPerStatement); ++i) {
      auto n = [&](size_t k) { return "$" + std::to_string(params.size() - inserts[i].size() + k + 1); };
      params.insert(params.end(), inserts[i].begin(), inserts[i].end());
      values += std::string(values.empty() ? "" : ", ") + "(" + n(0) + ", " + n(1) + ", " + n(2) + ", " + n(3) + ", " + n(4) + ", " + n(5) +
                enabled + ", " + n(6) + ", " + n(7) + enabled + ", " + n(8) + ", " + n(9) + ", " + n(9) + ", " + n(10) + ", " + n(11) + ")";
    }
    auto ins = db.Query("INSERT INTO watchers (watcher_type, subreddit_id, description, query, poll_interval_seconds,"
                        " enabled, config, auto_create_thread, auto_thread_approval_rate, created_at, updated_at, name, id) VALUES " + values,
                        params);
    if (!ins.ok()) return ins.status().WithContext("creating watchers");
    report->created += static_cast<int>(std::min(inserts.size(), begin + kPerStatement) - begin);
  }
  for (size_t begin = 0; begin < names.size(); begin += kPerStatement) {
    std::vector<SqlValue> params;
    std::string values;
    for (size_t i = begin; i < std::min(names.size(), begin + kPerStatement); ++i) {
      params.push_back(names[i].first);
      params.push_back(names[i].second);
      values += std::string(values.empty() ? "" : ", ") + "($" + std::to_string(params.size() - 1) + ", $" + std::to_string(params.size()) + ")";
    }
    auto r = db.Query("INSERT INTO vigil_watcher_names (name, watcher_id) VALUES " + values, params);
    if (!r.ok()) return r.status().WithContext("naming watchers");
  }
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
    if (!IsVigilManagedConfig(row.Text(2))) continue;  // the platform's own
    if (IsInternalConfig(row.Text(2))) continue;      // vigil's own, made on demand
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
    Status upserted = UpsertWatchers(db, watchers, ts, &report);
    if (!upserted.ok()) return upserted;
    return DisableUndeclared(db, watchers, ts, &report);
  });
  if (!s.ok()) return s;
  return report;
}

Result<std::optional<std::string>> WatcherIdByName(SqlConnection& db, const std::string& name) {
  auto r = db.Query("SELECT watcher_id FROM vigil_watcher_names WHERE name = $1", {name});
  if (!r.ok()) return r.status();
  if (!r->rows.empty()) return std::optional<std::string>(r->rows[0].Text(0));
  // A platform row runs under its id, as stored: compared as text, so an id column of any type
  // (uuid, or the VARCHAR(36) of an Alembic schema) matches it, and a name that is no id is no error.
  std::string as_text = db.dialect() == "postgres" ? "CAST(id AS TEXT)" : "id";
  auto row = db.Query("SELECT id FROM watchers WHERE " + as_text + " = $1", {name});
  if (!row.ok()) return row.status();
  if (row->rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(row->rows[0].Text(0));
}

Result<std::map<std::string, std::string>> WatcherIdsByName(SqlConnection& db, const std::vector<std::string>& names) {
  std::map<std::string, std::string> ids;
  Status s = InChunks(names, 500, [](ValuesList& rows, const std::string& name) { rows.Add({name}); }, [&](const ValuesList& rows) {
    auto r = db.Query("SELECT name, watcher_id FROM vigil_watcher_names WHERE name IN (" + rows.sql() + ")", rows.params());
    if (!r.ok()) return r.status();
    for (const auto& row : r->rows) ids.emplace(row.Text(0), row.Text(1));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  for (const auto& name : names) {
    if (ids.count(name)) continue;
    auto id = WatcherIdByName(db, name);
    if (!id.ok()) return id.status();
    if (*id) ids.emplace(name, **id);
  }
  return ids;
}

Result<std::string> EnsureInternalWatcher(SqlConnection& db, WatcherDecl decl, TimePoint now) {
  auto known = WatcherIdByName(db, decl.name);
  if (!known.ok()) return known.status();
  if (*known) return **known;
  decl.config[kInternalKey] = true;
  decl.poll_interval_seconds = 0;
  std::string ts = SeedTimestamp(now, db.dialect());
  WatcherSyncReport ignored;
  Status s = InTransaction(db, true, [&]() -> Status { return UpsertWatchers(db, {decl}, ts, &ignored); });
  if (!s.ok()) {
    // Another daemon may have made it first: its row is as good.
    auto again = WatcherIdByName(db, decl.name);
    if (again.ok() && *again) return **again;
    return s.WithContext("creating watcher " + decl.name);
  }
  auto id = WatcherIdByName(db, decl.name);
  if (!id.ok()) return id.status();
  if (!*id) return Status::Error("watcher " + decl.name + " was created but is not found");
  return **id;
}

bool IsVigilManagedConfig(const std::string& config_json) { return ConfigHas(config_json, kManagedKey, "vigil"); }

Result<std::string> EnsureCommunity(SqlConnection& db, const std::string& name, TimePoint now) {
  return EnsureCommunityId(db, name, SeedTimestamp(now, db.dialect()));
}

}  // namespace vigil
