#include "daemon/cli/watcher_test_target.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "daemon/cli/output.h"
#include "daemon/platform_watchers.h"
#include "daemon/watcher_status.h"
#include "jobs/engine/database_target.h"
#include "sources/watcher_checks.h"

namespace vigil::cli {
namespace {

// vigil's database, read-only, when it exists (a test creates nothing); null when it does not or
// cannot be reached (the near-duplicate check is then skipped, and says so).
std::unique_ptr<SqlConnection> OpenExistingReadOnly(const Config& config) {
  std::string url = config.DatabaseUrl();
  if (url.starts_with("sqlite:") && !std::filesystem::exists(url.substr(7))) return nullptr;
  SqlTarget target = DatabaseTarget(config);
  target.read_only = true;
  auto db = OpenSqlConnection(target);
  if (!db.ok()) return nullptr;
  auto migrated = (*db)->TableExists("watcher_events");
  return migrated.ok() && *migrated ? std::move(*db) : nullptr;
}

size_t IndexOf(const Config& config, const nlohmann::json* watcher) {
  const auto& list = config.tree()["watchers"];
  for (size_t i = 0; i < list.size(); ++i) {
    if (&list[i] == watcher) return i;
  }
  return 0;
}

}  // namespace

Result<TestTarget> FindTestTarget(const std::string& path, const std::string& name) {
  auto config = LoadConfig(path);
  if (!config.ok()) return config.status();
  TestTarget t{*config, FindRunningWatcher(**config, name), 0, OpenExistingReadOnly(**config)};
  if (t.watcher == nullptr && t.db && t.config->GetBool("platform_watchers.enabled")) {
    // A platform row, by id or unique name, as the daemon would run it.
    auto tables = t.db->TableExists("watchers");
    if (!tables.ok()) return tables.status();
    auto set = *tables ? LoadWatcherSet(t.config, *t.db) : BuildWatcherSet(t.config, {});
    if (!set.ok()) return set.status();
    for (const auto& r : set->rows) {
      if ((r.id == name || r.name == name) && !r.error.empty()) return Status::Error(r.error);
    }
    t.config = set->config;
    t.watcher = FindRunningWatcher(*t.config, name);
  }
  if (t.watcher == nullptr) return Status::Error("no watcher named \"" + name + "\" in " + path + " or among the platform's running rows");
  t.index = IndexOf(*t.config, t.watcher);
  return t;
}

Result<EventPreviewer> EventPreviewer::For(const TestTarget& target) {
  auto settings = ParseTriageSettings(*target.config);
  if (!settings.ok()) return settings.status();
  EventPreviewer p;
  p.settings_ = std::move(*settings);
  p.watcher_ = target.watcher->value("name", "");
  p.community_ = target.watcher->value("community", "");
  p.db_ = target.db.get();
  if (p.db_ != nullptr && !p.community_.empty()) {
    auto row = p.db_->Query("SELECT id FROM subreddits WHERE name = $1", {p.community_});
    if (!row.ok()) return row.status();
    if (!row->rows.empty()) p.community_id_ = row->rows[0].Text(0);
  }
  return p;
}

Result<TriagePreview> EventPreviewer::Preview(const Event& event) const {
  return PreviewTriage(settings_, community_, community_id_, EventViewOf(event, watcher_), db_, std::chrono::system_clock::now());
}

nlohmann::json EventJson(const Event& e, const TriagePreview& preview) {
  return {{"title", e.title}, {"summary", e.summary}, {"source_type", e.source_type}, {"source_id", e.source_id},
          {"source_url", e.source_url}, {"source_metadata", e.source_metadata}, {"triage", PreviewJson(preview)}};
}

void PrintEvent(const Event& e, const TriagePreview& p) {
  std::cout << "  [" << e.source_id << "] " << e.title << "\n";
  if (!e.source_url.empty()) std::cout << "      " << e.source_url << "\n";
  std::string verdict = !p.score.duplicate_of.empty() ? "no notification (a near-duplicate)"
                        : p.notify                    ? "would notify"
                                                      : std::string("no notification (below notify_at ") + SignalName(p.notify_at) + ")";
  char score[16];
  std::snprintf(score, sizeof score, "%.2f", p.score.score);
  std::cout << "      signal " << PaintWord(SignalName(p.score.signal)) << "  score " << score << "  " << verdict
            << (p.community.empty() ? "" : "  (community " + p.community + ")") << "\n"
            << "      why: " << p.score.reasoning << "\n";
}

}  // namespace vigil::cli
