#include "store/shared_tables.h"

#include <algorithm>
#include <array>

namespace vigil {
namespace {

struct TimeColumn {
  const char* table;
  const char* column;
};
// The platform tables vigil creates when they are missing, each with the time column whose
// server default tells, in a database migrated before ownership was recorded, that vigil made it.
constexpr std::array<TimeColumn, 4> kPlatformTables = {{{"subreddits", "created_at"},
                                                        {"watchers", "created_at"},
                                                        {"watcher_events", "detected_at"},
                                                        {"notifications", "created_at"}}};

struct VigilIndex {
  const char* table;
  const char* name;
  const char* columns;
};
// What vigil's queries want on the platform tables it owns: retention and the event list scan by
// time; the console's event list by watcher or signal, newest first; the console's counts per hour
// and per watcher, which read the watcher and the signal from the index alone
// (store/watcher_activity_repo.h); an event's notifications; the notification list by status and
// time.
constexpr std::array<VigilIndex, 6> kVigilIndexes = {{{"watcher_events", "watcher_events_detected", "detected_at"},
                                                      {"watcher_events", "watcher_events_counts", "detected_at, watcher_id, triage_signal"},
                                                      {"watcher_events", "watcher_events_watcher", "watcher_id, id"},
                                                      {"watcher_events", "watcher_events_signal", "triage_signal, id"},
                                                      {"notifications", "notifications_status", "status, created_at"},
                                                      {"notifications", "notifications_event", "event_id"}}};
// Indexes earlier versions put on platform tables whatever their owner; the uniqueness two of
// them gave lives in vigil_watcher_names and vigil_event_sources since migration 0007.
constexpr std::array<const char*, 2> kRetiredIndexes = {"watchers_name_key", "watcher_events_source_key"};

Result<std::optional<std::string>> Setting(SqlConnection& db, const std::string& key) {
  auto r = db.Query("SELECT value FROM vigil_settings WHERE key = $1", {key});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(r->rows[0].Text(0));
}

Status PutSetting(SqlConnection& db, const std::string& key, const std::string& value) {
  return db.Query("INSERT INTO vigil_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                  {key, value})
      .status();
}

Result<bool> HasServerDefault(SqlConnection& db, const TimeColumn& c) {
  auto r = db.dialect() == "sqlite"
               ? db.Query("SELECT dflt_value FROM pragma_table_info($1) WHERE name = $2", {std::string(c.table), std::string(c.column)})
               : db.Query("SELECT column_default FROM information_schema.columns WHERE table_schema = current_schema()"
                          " AND table_name = $1 AND column_name = $2",
                          {std::string(c.table), std::string(c.column)});
  if (!r.ok()) return r.status();
  return !r->rows.empty() && !r->rows[0].IsNull(0) && !r->rows[0].Text(0).empty();
}

Result<bool> IsVigils(SqlConnection& db, const TimeColumn& table, const std::optional<std::vector<std::string>>& before_first) {
  auto exists = db.TableExists(table.table);
  if (!exists.ok() || !*exists) return exists;
  if (before_first) return std::find(before_first->begin(), before_first->end(), table.table) == before_first->end();
  return HasServerDefault(db, table);
}

// "watchers,watcher_events" -> {"watchers", "watcher_events"}; "" -> {}.
std::vector<std::string> Split(const std::string& list) {
  std::vector<std::string> out;
  for (size_t start = 0; start < list.size();) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    if (comma > start) out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// Idempotent: CREATE INDEX IF NOT EXISTS on the tables vigil owns, DROP INDEX IF EXISTS of vigil's
// names on the others (and of the retired names everywhere).
Status PlaceIndexes(SqlConnection& db, const std::vector<std::string>& owned) {
  for (const auto* name : kRetiredIndexes) {
    if (Status s = db.ExecScript(std::string("DROP INDEX IF EXISTS ") + name); !s.ok()) return s;
  }
  for (const auto& ix : kVigilIndexes) {
    bool mine = std::find(owned.begin(), owned.end(), ix.table) != owned.end();
    std::string sql = mine ? std::string("CREATE INDEX IF NOT EXISTS ") + ix.name + " ON " + ix.table + " (" + ix.columns + ")"
                           : std::string("DROP INDEX IF EXISTS ") + ix.name;
    if (Status s = db.ExecScript(sql); !s.ok()) return s;
  }
  return Status::Ok();
}

struct IdColumn {
  const char* table;
  const char* column;
  bool embedded;  // ids inside text (JSON, keys) rather than the whole value
};
// Every column where vigil stores an id it made (or a platform id it was handed, such as a
// thread's), converted with the rows. Source ids, URLs, dedupe keys and the ids of platform rows
// other jobs read (embedding records) are data, not vigil's ids: they stay as they are.
constexpr std::array<IdColumn, 31> kIdColumns = {{
    {"subreddits", "id", false},           {"watchers", "id", false},
    {"watchers", "subreddit_id", false},   {"watcher_events", "id", false},
    {"watcher_events", "watcher_id", false}, {"watcher_events", "subreddit_id", false},
    {"notifications", "id", false},        {"notifications", "watcher_id", false},
    {"notifications", "event_id", false},  {"notifications", "subreddit_id", false},
    {"notifications", "thread_id", false}, {"vigil_watcher_names", "watcher_id", false},
    {"vigil_event_sources", "watcher_id", false}, {"vigil_event_sources", "event_id", false},
    {"vigil_triage_keys", "community", false}, {"vigil_triage_keys", "event_id", false},
    {"vigil_triage_title_tokens", "community", false}, {"vigil_triage_title_tokens", "event_id", false},
    {"vigil_digest_items", "community", false}, {"vigil_digest_items", "event_id", false},
    {"vigil_digest_items", "notification_id", false}, {"vigil_digest_items", "digest_id", false},
    {"vigil_digests", "id", false},        {"vigil_digests", "community", false},
    {"vigil_community_pushes", "community", false}, {"vigil_digests", "items", true},
    {"vigil_auto_threads", "community", false},
    {"vigil_event_scores", "event_id", false}, {"vigil_event_scores", "duplicate_of", false},
    {"vigil_jobs", "args", true},          {"vigil_jobs", "unique_key", true},
}};

std::string HyphenatedGlob() {
  std::string glob;
  for (int group : {8, 4, 4, 4, 12}) {
    if (!glob.empty()) glob += '-';
    for (int i = 0; i < group; ++i) glob += "[0-9a-fA-F]";
  }
  return glob;
}

Status ConvertColumn(SqlConnection& db, const IdColumn& c) {
  std::string table = c.table, column = c.column;
  if (!c.embedded) {
    return db.Query("UPDATE " + table + " SET " + column + " = lower(replace(" + column + ", '-', '')) WHERE " + column + " GLOB $1",
                    {HyphenatedGlob()})
        .status();
  }
  auto rows = db.Query("SELECT rowid, " + column + " FROM " + table + " WHERE " + column + " GLOB $1", {"*" + HyphenatedGlob() + "*"});
  if (!rows.ok()) return rows.status();
  for (const auto& row : rows->rows) {
    std::string converted = HyphenatedUuidsToHex(row.Text(1));
    if (converted == row.Text(1)) continue;
    auto upd = db.Query("UPDATE " + table + " SET " + column + " = $1 WHERE rowid = $2", {converted, row.Int(0)});
    if (!upd.ok()) return upd.status();
  }
  return Status::Ok();
}

Status ConvertToHex(SqlConnection& db) {
  // The references are rewritten one column at a time: their foreign keys are checked at COMMIT.
  if (Status s = db.ExecScript("PRAGMA defer_foreign_keys = ON"); !s.ok()) return s;
  for (const auto& c : kIdColumns) {
    auto exists = db.TableExists(c.table);
    if (!exists.ok()) return exists.status();
    if (!*exists) continue;
    if (Status s = ConvertColumn(db, c); !s.ok()) return s.WithContext(std::string("converting ") + c.table + "." + c.column);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> PresentPlatformTables(SqlConnection& db) {
  std::vector<std::string> present;
  for (const auto& t : kPlatformTables) {
    auto exists = db.TableExists(t.table);
    if (!exists.ok()) return exists.status();
    if (*exists) present.push_back(t.table);
  }
  return present;
}

Status SettleTableOwnership(SqlConnection& db, const std::optional<std::vector<std::string>>& before_first) {
  return InTransaction(db, true, [&]() -> Status {
    auto recorded = Setting(db, "vigil_platform_tables");
    if (!recorded.ok()) return recorded.status();
    // Settled before: the indexes a newer version adds go on the tables recorded as vigil's.
    if (*recorded) return PlaceIndexes(db, Split(**recorded));
    std::vector<std::string> owned;
    std::string list;
    for (const auto& t : kPlatformTables) {
      auto mine = IsVigils(db, t, before_first);
      if (!mine.ok()) return mine.status();
      if (!*mine) continue;
      owned.push_back(t.table);
      list += (list.empty() ? "" : ",") + std::string(t.table);
    }
    if (Status s = PlaceIndexes(db, owned); !s.ok()) return s;
    return PutSetting(db, "vigil_platform_tables", list);
  });
}

Status SettleIdForm(SqlConnection& db) {
  if (db.dialect() != "sqlite") return Status::Ok();
  std::string want = db.uuid_form() == UuidForm::kHex ? "hex" : "hyphenated";
  return InTransaction(db, true, [&]() -> Status {
    auto recorded = Setting(db, "uuid_format");
    if (!recorded.ok()) return recorded.status();
    if (*recorded == want) return Status::Ok();
    if (*recorded == "hex") {
      return Status::Error("this database stores its ids as 32 hex digits and database.uuid_format says hyphenated; "
                           "vigil does not convert them back: set database.uuid_format: hex (or remove it)");
    }
    if (want == "hex") {
      if (Status s = ConvertToHex(db); !s.ok()) return s;
    }
    return PutSetting(db, "uuid_format", want);
  });
}

Status ConvertCopiedIds(SqlConnection& db) {
  if (db.dialect() != "sqlite" || db.uuid_form() != UuidForm::kHex) return Status::Ok();
  return InTransaction(db, true, [&]() { return ConvertToHex(db); });
}

}  // namespace vigil
