// What `vigil watchers test` needs around the watcher it tests, for every type: the watcher's block
// (from the YAML, or a platform row as the daemon would run it), and the triage of the events it
// would make, from the current rules. The database is only read (opened read-only, and only when it
// exists): `watchers test` stores nothing.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/http/curl_http_client.h"
#include "config/config.h"
#include "jobs/triage/triage_preview.h"
#include "store/event.h"
#include "store/sql.h"

namespace vigil::cli {

struct TestTarget {
  std::shared_ptr<const Config> config;  // the config the watcher runs in (the YAML's, with the platform's rows)
  const nlohmann::json* watcher = nullptr;  // its block in config->tree()
  size_t index = 0;                         // its position in `watchers`
  std::unique_ptr<SqlConnection> db;        // read-only; null when there is no database yet
};

// The watcher named `name` (or a platform row's id) of the config at `path`. Errors: the config's,
// a platform row that does not run (its reason), no such watcher.
Result<TestTarget> FindTestTarget(const std::string& path, const std::string& name);

// Scores would-be events as triage would, with the community's current rules, storing nothing.
class EventPreviewer {
 public:
  static Result<EventPreviewer> For(const TestTarget& target);
  Result<TriagePreview> Preview(const Event& event) const;

 private:
  TriageSettings settings_;
  std::string watcher_, community_, community_id_;
  SqlConnection* db_ = nullptr;
};

// {title, summary, source_type, source_id, source_url, source_metadata, triage: PreviewJson}.
nlohmann::json EventJson(const Event& event, const TriagePreview& preview);
// The event and its triage for a person, indented under a heading line.
void PrintEvent(const Event& event, const TriagePreview& preview);

}  // namespace vigil::cli
