#include "config/schema.h"

#include <unordered_map>

namespace vigil {
namespace {

using K = KeyType;
constexpr bool kReload = true;
constexpr bool kRestart = false;

// A spec with the module that reads and applies its key ("" for a section, which only holds keys).
KeySpec Applied(KeySpec spec, const char* module) {
  spec.applied_by = module;
  return spec;
}

std::vector<KeySpec> DatabaseKeys() {
  return {
      Applied({"database", K::kSection, "", kRestart, "Where vigil keeps its own tables."}, ""),
      Applied({"database.url", K::kString, "sqlite:/var/lib/vigil/vigil.db", kRestart,
       "`sqlite:PATH` (a relative PATH is relative to the config file's folder) or `postgresql://...`."}, "config/config.cpp"),
      Applied({"database.busy_timeout", K::kDuration, "5s", kRestart, "SQLite: how long a writer waits for a lock.", 0, 600000}, "jobs/engine/database_target.cpp"),
      Applied({"database.uuid_format", K::kEnum, "hex", kRestart,
       "SQLite: how ids are stored: `hex` (32 hex digits, what SQLAlchemy's Uuid type stores) or `hyphenated`. "
       "Ids given to the CLI and API are read in either form. PostgreSQL uses its native uuid type either way.",
       0, 0, {"hex", "hyphenated"}}, "config/config.cpp"),
      Applied({"databases", K::kAny, "", kReload,
       "Other databases vigil reads, by name: a map of names (letters, digits, `-`, `_`, `.`) to URLs (`sqlite:PATH`, "
       "relative to the config file's folder, or `postgresql://...`; `${ENV}` expands, e.g. for a password). A `database:` key "
       "(a maintenance job's, a timed watcher's `sql.database`) takes one of these names, or a URL."}, "config/databases.cpp"),
  };
}

std::vector<KeySpec> HttpKeys() {
  return {
      Applied({"http", K::kSection, "", kRestart, "The HTTP server: webhooks, health, metrics, admin API."}, ""),
      Applied({"http.listen", K::kListen, "127.0.0.1:8470", kRestart,
       "Address and port to bind. Loopback by default; `0.0.0.0:8470` to serve the network."}, "daemon/daemon.cpp"),
      Applied({"http.max_header_bytes", K::kSize, "16KiB", kReload, "Request line and headers larger than this get 431.", 1024, 1 << 20}, "daemon/daemon.cpp"),
      Applied({"http.max_body_bytes", K::kSize, "1MiB", kReload, "Request bodies larger than this get 413.", 1, 1 << 30}, "daemon/daemon.cpp"),
      Applied({"http.header_timeout", K::kDuration, "10s", kReload, "A client must send its request head within this.", 100, 3600000}, "daemon/daemon.cpp"),
      Applied({"http.body_timeout", K::kDuration, "30s", kReload, "A client must send its body within this.", 100, 3600000}, "daemon/daemon.cpp"),
      Applied({"http.rate_limits", K::kAny, "", kRestart,
       "Per-host limits for outbound requests, added to or replacing the defaults (NCBI 3/s, 10/s with an api_key; "
       "arXiv one request every 3 s, one at a time): a list of `{host, requests_per_second, min_interval, max_concurrency}`."}, "config/http_client_config.cpp"),
      Applied({"http.contact_email", K::kString, "", kReload,
       "Contact e-mail in the User-Agent of outbound requests (NCBI and arXiv ask for one)."}, "config/http_client_config.cpp"),
      Applied({"http.keepalive_timeout", K::kDuration, "60s", kReload, "Idle keep-alive connections are closed after this.", 100, 3600000}, "daemon/daemon.cpp"),
      Applied({"http.trusted_proxies", K::kStringList, "", kReload,
       "Addresses or CIDR ranges of reverse proxies in front of vigil. A request from one of them that says it came over "
       "TLS (`X-Forwarded-Proto: https` or `Forwarded: proto=https`) gets the console's session cookie marked `Secure`. "
       "Webhooks have their own `verify.trusted_proxies`."}, "daemon/admin/console_session_routes.cpp"),
  };
}

std::vector<KeySpec> LoggingAndApiKeys() {
  return {
      Applied({"logging", K::kSection, "", kReload, "Log output (stderr; journald under systemd)."}, ""),
      Applied({"logging.level", K::kEnum, "info", kReload, "Least severe level logged.", 0, 0,
       {"trace", "debug", "info", "warn", "error"}}, "daemon/daemon.cpp"),
      Applied({"logging.format", K::kEnum, "text", kReload,
       "`text` (with `<N>` priorities and no timestamp under journald) or `json` lines. `--log-format` overrides.",
       0, 0, {"text", "json"}}, "daemon/daemon_reload.cpp"),
      Applied({"api", K::kSection, "", kReload, "The admin API under /api/v1."}, ""),
      Applied({"api.token", K::kSecret, "", kReload,
       "Bearer token the API requires (`${ENV}` or `token_file:`), and the console's sign-in. Without one the API answers 401 "
       "to everything and the console only says how to set it. Changing it ends every console session."}, "daemon/admin/admin_api.cpp"),
      Applied({"api.session_ttl", K::kDuration, "12h", kReload,
       "How long a console session lasts after sign-in (its cookie's Max-Age).", 60000, 2592000000.0}, "daemon/admin/console_session_routes.cpp"),
  };
}

std::vector<KeySpec> WatcherKeys() {
  return {
      Applied({"secrets", K::kAny, "", kReload,
       "Named secrets that rows of the platform's `watchers` table refer to (a row's config cannot read the "
       "environment or files): `secrets: {github: ${GITHUB_SECRET}}`, and in the row `verify: {secret_ref: github}`. "
       "A value may use `${ENV}`, or `<name>_file: PATH`."}, "config/yaml_convert.cpp"),
      Applied({"platform_watchers", K::kSection, "", kReload,
       "Rows of the platform's `watchers` table that the YAML does not define run like YAML watchers. See docs/watchers-platform.md."}, ""),
      Applied({"platform_watchers.enabled", K::kBool, "true", kReload,
       "Run the platform's watcher rows (literature, scheduled, webhook at `/hooks/<id>`)."}, "daemon/platform_watchers.cpp"),
      Applied({"platform_watchers.check_interval", K::kDuration, "10s", kReload,
       "How often the rows are read for changes (a digest of their columns); a change runs within this.", 200, 60000},
       "daemon/daemon_reload.cpp"),
      Applied({"platform_watchers.allow_hosts", K::kStringList, "", kRestart,
       "Hosts a row's URLs may reach although they resolve to loopback or private addresses (exact names, e.g. "
       "`127.0.0.1` in tests). Other URLs of rows go through the address guard."}, "daemon/daemon.cpp"),
      Applied({"watchers", K::kList, "", kReload, "Watchers, synced into the `watchers` table by name at start and on reload."}, "sources/watcher_decls.cpp"),
      Applied({"watchers[].name", K::kString, "", kReload, "Unique name; also the webhook path `/hooks/<name>`."}, "sources/watcher_decls.cpp"),
      Applied({"watchers[].type", K::kEnum, "", kReload, "What kind of watcher.", 0, 0, {"literature", "webhook", "scheduled", "log"}}, "sources/watcher_decls.cpp"),
      Applied({"watchers[].description", K::kString, "", kReload, "Free text shown in the API."}, "sources/watcher_decls.cpp"),
      Applied({"watchers[].community", K::kString, "", kReload,
       "The community its events belong to: a `communities:` entry's name, or a `subreddits.name` the platform made "
       "(`vigil check` warns when `communities:` does not define it)."}, "sources/watcher_decls.cpp"),
      Applied({"watchers[].enabled", K::kBool, "true", kReload, "A disabled watcher is kept in the table but does nothing."}, "sources/watcher_decls.cpp"),
      Applied({"watchers[].auto_create_thread", K::kBool, "false", kReload, "Open a platform thread for notifications scoring high enough."}, "sources/watcher_decls.cpp"),
      Applied({"watchers[].auto_thread_approval_rate", K::kFloat, "0.8", kReload,
       "Triage score (0 to 1) at or above which a thread is created without a person approving.", 0, 1}, "sources/watcher_decls.cpp"),
      Applied({"watchers[].expect_every", K::kDuration, "", kReload,
       "How often the watcher should bring an event: with none for longer than this (counted from its last event, or from "
       "its first poll when later) its health is `silent`, and `notify.ops_channels` hear of it. Off when absent. "
       "See docs/watchers-health.md.", 1000, 366LL * 86400000}, "jobs/watch/watcher_health.cpp"),
      Applied({"watchers[].alert_after", K::kInt, "3", kReload,
       "Consecutive failed polls after which `notify.ops_channels` hear that the watcher fails (its health is `failing` "
       "from the first). Setting it, or `expect_every`, turns the watcher's health alerts on.", 1, 10000},
       "jobs/watch/watcher_health.cpp"),
      Applied({"watchers[].config", K::kAny, "", kReload, "Extra type-specific settings copied into `watchers.config`."}, "sources/watcher_decls.cpp"),
      Applied({"watchers[].paths", K::kStringList, "", kReload, "log: absolute paths or glob(3) patterns of the files to tail."}, "sources/log/log_watcher_spec.cpp"),
      Applied({"watchers[].rotated", K::kStringList, "", kReload,
       "log: globs where rotated files are looked for besides `PATH.1` (e.g. `/var/log/app.log-*` for dateext)."}, "sources/log/log_watcher_spec.cpp"),
      Applied({"watchers[].journal", K::kSection, "", kReload,
       "log: read the systemd journal instead of files (not with `paths`). Matches on one field OR together, on different "
       "fields AND, as in journalctl. See docs/watchers-log.md."}, ""),
      Applied({"watchers[].journal.matches", K::kStringList, "", kReload,
       "log (journal): field matches as journalctl takes them, `FIELD=VALUE` (`SYSLOG_IDENTIFIER=sshd`)."}, "sources/log/journal_spec.cpp"),
      Applied({"watchers[].journal.units", K::kStringList, "", kReload,
       "log (journal): systemd units, each a `_SYSTEMD_UNIT=` match (`.service` added when the name has no unit suffix)."},
       "sources/log/journal_spec.cpp"),
      Applied({"watchers[].journal.priority", K::kString, "", kReload,
       "log (journal): this level and above: emerg, alert, crit, err, warning, notice, info, debug, or 0 to 7."},
       "sources/log/journal_spec.cpp"),
      Applied({"watchers[].journal.directory", K::kString, "", kReload,
       "log (journal): an absolute path of a journal directory to read instead of the system's journal."},
       "sources/log/journal_spec.cpp"),
      Applied({"watchers[].start", K::kString, "", kReload,
       "log: multi-line records: an RE2 pattern a record's first line (journal: entry) matches; the lines (entries) up to the next match join it."}, "sources/log/log_watcher_spec.cpp"),
      Applied({"watchers[].start_at", K::kEnum, "end", kReload,
       "log: where a new watcher starts in files that already exist (files that appear later are read from their start), or in the journal.",
       0, 0, {"end", "beginning"}}, "sources/log/log_watcher_spec.cpp"),
      Applied({"watchers[].flush_after", K::kDuration, "5s", kReload,
       "log: a multi-line record still waiting for the next start line is taken as complete once its file has not been "
       "written for this long.", 100, 3600000}, "sources/log/log_watcher_spec.cpp"),
      Applied({"watchers[].rules", K::kAny, "", kReload,
       "log: a list of `{name, match: RE2 with (?P<name>...) captures, title: \"{{name}} ...\", signal: low|medium|high, "
       "rate_limit: {count, per}}`; the first matching rule makes the record an event."}, "sources/log/log_watcher_spec.cpp"),
  };
}

std::vector<KeySpec> WatcherTypeKeys() {
  return {
      Applied({"watchers[].schedule", K::kString, "", kReload, "scheduled: when to fire, a cron expression (5 or 6 fields, @daily, ...); or give `every`."}, "jobs/watcher_schedules.cpp"),
      Applied({"watchers[].tz", K::kString, "UTC", kReload, "scheduled: the IANA time zone of `schedule`."}, "jobs/watcher_schedules.cpp"),
      Applied({"watchers[].emit", K::kAny, "", kReload, "scheduled: emit an event on each fire: `{title, summary}` templates ({{fire_at}}, {{watcher}})."}, "sources/scheduled/scheduled_watcher_spec.cpp"),
      Applied({"watchers[].http", K::kAny, "", kReload,
       "scheduled: GET a JSON endpoint: `{url, json_path, condition: {op: ==|!=|>|<|>=|<=|exists, value}, title, summary}`; "
       "an event when the condition holds."}, "sources/scheduled/scheduled_watcher_spec.cpp"),
      Applied({"watchers[].sql", K::kAny, "", kReload,
       "scheduled: `{query, title, summary, database, timeout}`: one read-only SELECT/WITH, each row an event; on vigil's "
       "database, or on `database` (a URL, or a name from `databases:`; docs/watchers-scheduled.md), with a statement time "
       "limit `timeout` (default 30s, 100ms to 4m)."}, "sources/scheduled/scheduled_watcher_spec.cpp"),
      Applied({"watchers[].dedupe_key", K::kString, "", kReload,
       "scheduled: template of each event's source_id (default `{{fire_at}}`, sql `{{fire_at}}#{{row_number}}`); "
       "an event whose key was seen before is not stored again."}, "sources/scheduled/scheduled_watcher_spec.cpp"),
      Applied({"watchers[].source", K::kEnum, "", kReload, "literature: where to look.", 0, 0, {"pubmed", "arxiv", "feed"}}, "jobs/watch/literature_poll_job.cpp"),
      Applied({"watchers[].query", K::kString, "", kReload, "literature (pubmed, arxiv): the search query, in the service's own syntax. Required for them."}, "jobs/watch/literature_poll_job.cpp"),
      Applied({"watchers[].url", K::kString, "", kReload, "literature (feed): the RSS, RDF or Atom feed's http(s) URL. Required for it."}, "jobs/watch/literature_poll_job.cpp"),
      Applied({"watchers[].base_url", K::kString, "", kReload,
       "literature: the API's base URL, for mirrors and tests (pubmed: https://eutils.ncbi.nlm.nih.gov/entrez/eutils, "
       "arxiv: https://export.arxiv.org/api)."}, "jobs/watch/literature_poll_job.cpp"),
      Applied({"watchers[].every", K::kDuration, "1h", kReload,
       "literature: how often to poll (at least 10s); log: how often the files or the journal are checked besides change notification (a stat of each file, or a step through the journal; a pass only when they changed; default 30s, 2s where notification cannot be set up); scheduled: an interval instead of `schedule`. A watcher whose schedule never fired fires at once, then on slots of this length.",
       1000, 30LL * 86400000}, "jobs/schedule_config.cpp"),
      Applied({"watchers[].jitter", K::kDuration, "0s", kReload,
       "literature: spread polls by up to this much (a fixed offset per poll, the same on every daemon).", 0, 86400000}, "jobs/schedule_config.cpp"),
      Applied({"watchers[].first_poll_limit", K::kInt, "50", kReload, "literature: a new watcher takes at most this many recent items.", 1, 10000}, "jobs/watch/literature_poll_job.cpp"),
      Applied({"watchers[].api_key", K::kSecret, "", kReload, "literature (pubmed): an NCBI API key (10 requests/s instead of 3)."}, "jobs/watch/literature_poll_job.cpp"),
      Applied({"watchers[].email", K::kString, "", kReload, "literature (pubmed): the contact e-mail NCBI asks for; defaults to http.contact_email."}, "jobs/watch/literature_poll_job.cpp"),
  };
}

std::vector<KeySpec> WebhookKeys() {
  return {
      Applied({"watchers[].path", K::kString, "", kReload,
       "webhook: the path it answers on, under `/hooks/`; default `/hooks/<name>`."}, "sources/webhook/webhook_watcher.cpp"),
      Applied({"watchers[].methods", K::kStringList, "", kReload, "webhook: HTTP methods accepted (default `[POST]`); others get 405."}, "sources/webhook/webhook_watcher.cpp"),
      Applied({"watchers[].verify", K::kAny, "", kReload,
       "webhook: how senders prove themselves: `{scheme: github|github-sha1|stripe|slack|hmac|token, secret (or secret_file), "
       "header, algorithm, encoding, prefix, prefix_optional, tolerance_seconds, allow_ips, trusted_proxies}`. Required: "
       "`{scheme: none}` accepts any request, on purpose."}, "sources/webhook/webhook_watcher.cpp"),
      Applied({"watchers[].trigger", K::kAny, "", kReload,
       "webhook: `and`/`or`/`not` over `match: {type: value|regex, source: header|query|payload, name, value|regex}`; "
       "a request that does not match stores nothing."}, "sources/webhook/webhook_watcher.cpp"),
      Applied({"watchers[].mapping", K::kAny, "", kReload,
       "webhook: `{title, summary, source_id, source_url, metadata: {key: VALUE}}`; a VALUE is a JSON pointer "
       "(`/pull_request/title`) or a template (`{{/repository/full_name}}#{{/number}}`, `{{header:X-GitHub-Event}}`). "
       "Unset fields take the scheme's defaults."}, "sources/webhook/webhook_watcher.cpp"),
      Applied({"watchers[].delivery_id", K::kString, "", kReload,
       "webhook: where a delivery's id is: a header name, or a JSON pointer into the payload (`/id`). Default: "
       "`X-GitHub-Delivery` (github), `/id` (stripe), `/event_id` (slack); without one, a hash of the body."}, "sources/webhook/webhook_watcher.cpp"),
      Applied({"watchers[].mismatch_status", K::kInt, "204", kReload,
       "webhook: status answered when the trigger rules do not match.", 200, 599}, "sources/webhook/webhook_watcher.cpp"),
      Applied({"watchers[].max_body_bytes", K::kSize, "", kReload,
       "webhook: bodies larger than this get 413 (the server-wide `http.max_body_bytes` applies too).", 1, 1 << 30}, "sources/webhook/webhook_watcher.cpp"),
  };
}

std::vector<KeySpec> JobKeys() {
  return {
      Applied({"jobs", K::kSection, "", kRestart, "The job engine and the maintenance jobs."}, ""),
      Applied({"jobs.workers", K::kInt, "4", kRestart, "Worker threads of the `default` queue.", 1, 256}, "jobs/engine/job_engine_maintenance.cpp"),
      Applied({"jobs.queues", K::kAny, "", kRestart,
       "Named queues and their concurrency (whole numbers from 1 to 256), e.g. `{default: 4, literature: 2}`; `default` "
       "falls back to `jobs.workers`."}, "jobs/engine/job_engine_maintenance.cpp"),
      Applied({"jobs.lease", K::kDuration, "30s", kRestart,
       "How long a claimed job is leased; the worker extends it while the job runs, and an expired lease "
       "(a daemon killed mid-job) hands the job back.", 1000, 3600000}, "jobs/engine/job_engine_maintenance.cpp"),
      Applied({"jobs.poll_interval", K::kDuration, "30s", kRestart,
       "The longest idle workers go without looking for jobs: a safety net, since every enqueue wakes them at once (in "
       "this process directly, from other processes by PostgreSQL NOTIFY or, on SQLite, a watch on the WAL file), as does "
       "the run_at of a delayed job or retry.",
       10, 600000}, "jobs/engine/job_engine_maintenance.cpp"),
      Applied({"jobs.claim_batch", K::kInt, "auto", kRestart,
       "Most jobs claimed in one query; `auto`: as many as the queue has room for (its free workers plus the prefetch).",
       1, 10000, {"auto"}}, "jobs/engine/job_engine_maintenance.cpp"),
      Applied({"jobs.prefetch", K::kInt, "auto", kRestart,
       "Jobs claimed beyond free workers, so workers never wait on a round trip (throughput against fairness between "
       "daemons, and against the jobs a killed daemon holds until they are handed back). `auto`: none while the queue has "
       "no backlog; while claims come back full it doubles, from the queue's workers up to 32 per worker and 500 at most, "
       "and halves when a claim comes back short. See docs/jobs.md.",
       0, 10000, {"auto"}}, "jobs/engine/job_engine_maintenance.cpp"),
      Applied({"jobs.retention", K::kDuration, "7d", kRestart, "Completed, discarded and cancelled jobs are pruned after this.",
       60000, 3650LL * 86400000}, "jobs/engine/job_engine_maintenance.cpp"),
      Applied({"jobs.shutdown_timeout", K::kDuration, "30s", kRestart,
       "On SIGTERM, running jobs get this long to finish before they are cancelled and handed back.", 0, 3600000}, "daemon/daemon.cpp"),
      Applied({"jobs.schedules", K::kAny, "", kRestart,
       "Extra scheduled jobs: a list of `{name, kind, args, queue, schedule: CRON | every: DURATION, jitter, tz, catch_up: one|skip}`."}, "jobs/schedule_config.cpp"),
      Applied({"jobs.watcher_health", K::kSection, "", kReload,
       "The `watcher_health` job: alerts to `notify.ops_channels` when a watcher fails or goes silent, and when it recovers "
       "(docs/watchers-health.md). Scheduled only when `notify.ops_channels` names a channel."}, ""),
      Applied({"jobs.watcher_health.every", K::kDuration, "1m", kReload,
       "How often the job looks at every watcher's health.", 1000, 86400000}, "jobs/schedule_config.cpp"),
      Applied({"jobs.context_backup_coverage", K::kAny, "", kReload,
       "Context-backup coverage over the platform's tables (docs/maintenance.md): `schedule` (default `0 */6 * * *`) or "
       "`every`, `enabled`, `database` (a URL, `{url}`, or a name from `databases:`), `tables`, `fernet_key` or `fernet_key_file`, `generator: {base_url, model, api_key, "
       "max_input_tokens, timeout}` (without it the note is written locally, extractive, with no network call; with it the "
       "decrypted messages are sent to that endpoint)."}, "jobs/maintenance/context_backup_coverage_job.cpp"),
      Applied({"jobs.crash_report_flush", K::kAny, "", kReload,
       "Crash-report sending (docs/maintenance.md): `every` (default 1m) or `schedule`, `enabled`, `database` (a URL, `{url}`, or a name from `databases:`), `tables`, "
       "`endpoint: {url, token or token_file, format: json|github}`, `max_pending` (default 100: the oldest beyond are given up), "
       "`loop_threshold` (default 3: more reports of one type within an hour are sent as one). The platform's reports wait "
       "for its local_settings.terms_accepted_at."}, "jobs/maintenance/crash_report_flush_job.cpp"),
      Applied({"jobs.embedding_backfill", K::kAny, "", kReload,
       "Embedding backfill of platform rows (docs/maintenance-embeddings-citations.md): `every` or `schedule` (none: by hand "
       "only), `enabled`, `database` (a URL, `{url}`, or a name from `databases:`), `provider: {kind: openai|ollama|local, base_url, model, api_key, dimensions, "
       "batch_size, max_batch_tokens, max_input_tokens, timeout, encoding_format: float|base64}`, `targets: [...]` (source `watermark`, destination `search_column` and `chunks: average|rows`), `page_size`, `max_row_attempts`, `reconcile_every`, `chunk_tokens`, `chunk_overlap`, `max_chunks`."}, "jobs/maintenance/embedding_config.cpp"),
      Applied({"jobs.citation_verification", K::kAny, "", kReload,
       "Citation verification of message_citations and of JSON-list targets (docs/maintenance-embeddings-citations.md): `every` or `schedule` (none: "
       "by hand only), `enabled`, `database` (a URL, `{url}`, or a name from `databases:`), `table` or `tables`, `batch_size`, `recheck_after`, `negative_cache`, "
       "`min_confidence`, `mailto`, `crossref|pubmed|arxiv: {base_url}`, `urls: {enabled, allow_hosts}`, `community` (told of "
       "retractions cited in message_citations), `targets: [{name, source: {table, id, citations, community, filter}, community, annotate}]` "
       "(JSON citation lists: posts.citations, synthesis_memories.citations_used)."}, "jobs/maintenance/citation_config.cpp"),
      Applied({"jobs.database_backup", K::kAny, "", kReload,
       "Verified backups of vigil's database and the `databases` listed (names from `databases:` or URLs) (docs/maintenance.md): "
       "`schedule` (default `15 3 * * *`, daily) or `every`, `enabled`, `dir` (default /var/lib/vigil/backups), `keep` "
       "(default 7 per database), `pg_dump` (default pg_dump; pg_restore beside it, or `pg_restore`), `timeout` (default 2h)."},
       "jobs/maintenance/database_backup_job.cpp"),
  };
}

std::vector<KeySpec> PlatformKeys() {
  return {
      Applied({"triage", K::kAny, "", kReload,
       "`{llm: {base_url, model, api_key, timeout}, retention: {events, notifications, raw_data, schedule}}`: the optional "
       "OpenAI-compatible LLM triage (falls back to the rules) and how long events, notifications and raw_data are kept "
       "(defaults 180d, 90d, 30d; daily at 03:30 UTC). See docs/triage.md."}, "jobs/triage/triage_config.cpp"),
      Applied({"notify", K::kAny, "", kReload,
       "`{channels: [{name, type: webhook|slack|email|platform, url, secret, to, from, smtp: {url, username, password, starttls (default true), allow_plaintext_auth, ca_file}}], "
       "platform: {base_url, token, notifications_path, threads_path, digests_path}, ops_channels: [channel names]}`: where notifications and digests "
       "are delivered; `ops_channels` (names of `channels`) hear watcher health alerts (docs/watchers-health.md). "
       "See docs/triage.md."}, "jobs/deliver/notify_config.cpp"),
      Applied({"communities", K::kAny, "", kReload,
       "A list of `{name, display_name, description, purpose: {...}, participation_model: observer|guided|participant|approver "
       "(default guided), channels, hypothesis_template, rules: {keywords: {term: weight}, required, excluded, source_weights, "
       "recency_half_life, thresholds: {medium, high}, notify_at, cooldown, duplicate_similarity, novelty_window, "
       "max_auto_threads_per_day (0 to 10000, default 10), digest: {schedule, tz}}}`, matched to watchers' `community`. "
       "display_name, description, purpose (a map, stored as JSON) and participation_model are written to `subreddits` when "
       "vigil creates the community's row; a row that exists is read, never changed. See docs/triage.md."}, "jobs/triage/triage_config.cpp"),
  };
}

std::vector<KeySpec> BuildTable() {
  std::vector<KeySpec> table;
  for (auto part : {DatabaseKeys(), HttpKeys(), LoggingAndApiKeys(), WatcherKeys(), WatcherTypeKeys(), WebhookKeys(), JobKeys(), PlatformKeys()}) {
    table.insert(table.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  }
  return table;
}

}  // namespace

const std::vector<KeySpec>& ConfigTable() {
  static const std::vector<KeySpec> table = BuildTable();
  return table;
}

const KeySpec* FindKeySpec(const std::string& path) {
  static const auto index = [] {
    std::unordered_map<std::string, const KeySpec*> m;
    for (const auto& spec : ConfigTable()) m[spec.path] = &spec;
    return m;
  }();
  auto it = index.find(path);
  return it == index.end() ? nullptr : it->second;
}

std::vector<std::string> ChildKeys(const std::string& spec_path) {
  std::string prefix = spec_path.empty() ? "" : spec_path + ".";
  std::vector<std::string> keys;
  for (const auto& spec : ConfigTable()) {
    if (!spec.path.starts_with(prefix)) continue;
    std::string rest = spec.path.substr(prefix.size());
    if (rest.find_first_of(".[") == std::string::npos) keys.push_back(rest);
  }
  return keys;
}

const char* RemovedKeyHint(const std::string& path) {
  if (path == "database.pool_size")
    return "database.pool_size is no longer read: the API and webhook intake share one database thread, so there is no "
           "pool to size; delete the key";
  return nullptr;
}

const char* KeyTypeName(KeyType type) {
  switch (type) {
    case K::kSection: return "section";
    case K::kList: return "list";
    case K::kString: return "string";
    case K::kSecret: return "secret";
    case K::kEnum: return "enum";
    case K::kInt: return "integer";
    case K::kFloat: return "number";
    case K::kBool: return "boolean";
    case K::kDuration: return "duration";
    case K::kSize: return "size";
    case K::kListen: return "host:port";
    case K::kStringList: return "list of strings";
    case K::kAny: return "map";
  }
  return "?";
}

}  // namespace vigil
