#include "daemon/watcher_dry_poll.h"

#include "common/iso8601.h"
#include "config/http_client_config.h"
#include "jobs/engine/database_target.h"
#include "jobs/watch/literature_poll_job.h"
#include "sources/literature/literature_poller.h"
#include "sources/scheduled/scheduled_check.h"
#include "sources/scheduled/scheduled_watcher_spec.h"
#include "sources/watcher_checks.h"

namespace vigil {

Result<std::unique_ptr<CurlHttpClient>> WatcherHttpClient(const Config& config) {
  auto options = HttpClientOptionsFrom(config);
  if (!options.ok()) return options.status();
  for (const auto& host : config.Get("platform_watchers.allow_hosts")) options->guard.allow_hosts.push_back(host);
  return std::make_unique<CurlHttpClient>(*options);
}

Result<DryPoll> DryPollLiterature(const Config& config, const nlohmann::json& watcher, const CancelToken* cancel) {
  auto options = HttpClientOptionsFrom(config);
  if (!options.ok()) return options.status();
  auto http = WatcherHttpClient(config);
  if (!http.ok()) return http.status();
  LiteratureSpec spec = LiteratureSpecFrom(watcher);
  if (spec.email.empty()) spec.email = options->contact_email;
  auto polled = PollLiterature(spec, PollCursor{}, **http, cancel, std::chrono::system_clock::now());
  if (!polled.ok()) return polled.status();
  DryPoll d{std::move(polled->events), {{"warnings", polled->warnings}}, {}};
  for (const auto& w : polled->warnings) d.lines.push_back("warning: " + w);
  return d;
}

Result<DryPoll> DryPollScheduled(const Config& config, const nlohmann::json& watcher, size_t index, SqlConnection* vigil_db,
                                 const CancelToken* cancel) {
  auto spec = ParseScheduledWatcherSpec(config, watcher, index);
  if (!spec.ok()) return spec.status();
  auto http = WatcherHttpClient(config);
  if (!http.ok()) return http.status();
  std::unique_ptr<SqlConnection> other;
  SqlConnection* db = vigil_db;
  if (spec->check == ScheduledCheck::kSql && !spec->database_url.empty()) {
    SqlTarget target = DatabaseTarget(config, spec->database_url);
    target.read_only = true;
    auto opened = OpenSqlConnection(target);
    if (!opened.ok()) return opened.status().WithContext("sql on " + spec->database_label);
    other = std::move(*opened);
    db = other.get();
  }
  if (db == nullptr) {
    if (spec->check == ScheduledCheck::kSql) return Status::Error("its sql check reads vigil's database, which does not exist yet");
    auto unused = OpenSqlConnection("sqlite::memory:");  // only an sql check reads the database it is given
    if (!unused.ok()) return unused.status();
    other = std::move(*unused);
    db = other.get();
  }
  nlohmann::json vars = {{"watcher", spec->name}, {"fire_at", FormatIso8601(std::chrono::system_clock::now())}};
  auto events = RunScheduledCheck(*spec, vars, http->get(), *db, cancel);
  if (!events.ok()) return events.status();
  return DryPoll{std::move(*events), {{"fire_at", vars["fire_at"]}}, {"fired once at " + vars["fire_at"].get<std::string>()}};
}

}  // namespace vigil
