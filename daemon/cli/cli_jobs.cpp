// `vigil jobs enqueue|list|show|retry|cancel`: the queue from the command line, straight on the
// database the config names (the daemon need not run; a running one picks enqueued jobs up).
#include <iostream>

#include "common/json_depth.h"
#include "common/utf8_cut.h"
#include "config/config.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/watcher_status.h"
#include "sources/watcher_checks.h"
#include "store/db_time.h"
#include "store/job_repo.h"
#include "store/migrator.h"
#include "jobs/engine/database_target.h"

namespace vigil {
namespace {

struct JobsArgs {
  std::string kind, args_json = "{}", queue = "default", state, filter_kind, unique_key;
  int count = 1, limit = 50, priority = 0, max_attempts = 20;
  int64_t id = 0;
  bool json = false;
};

int Fail(const std::string& message) {
  std::cerr << "vigil: " << message << "\n";
  return 1;
}

int Enqueue(const std::string& config, const JobsArgs& a) {
  auto args = ParseJsonOrDiscarded(a.args_json);
  if (args.is_discarded()) return Fail("--args: not valid JSON: " + a.args_json);
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return Fail(db.error());
  std::vector<JobSpec> jobs(static_cast<size_t>(a.count));
  for (auto& j : jobs) {
    j.kind = a.kind;
    j.args = args;
    j.queue = a.queue;
    j.priority = a.priority;
    j.max_attempts = a.max_attempts;
    j.unique_key = a.unique_key;
  }
  auto start = std::chrono::steady_clock::now();
  auto r = EnqueueJobs(**db, jobs, std::chrono::system_clock::now());
  if (!r.ok()) return Fail(r.error());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (a.json) {
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& e : *r) ids.push_back(e.id);
    std::cout << nlohmann::json{{"enqueued", ids.size()}, {"ids", ids}, {"seconds", secs}}.dump() << "\n";
  } else if (a.count == 1) {
    std::cout << ((*r)[0].inserted ? "enqueued job " : "already enqueued: job ") << (*r)[0].id << "\n";
  } else {
    std::cout << "enqueued " << r->size() << " jobs in " << secs << " s (" << static_cast<int64_t>(r->size() / secs) << " jobs/s)\n";
  }
  return 0;
}

int List(const std::string& config, const JobsArgs& a) {
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return Fail(db.error());
  auto jobs = ListJobs(**db, {a.state, a.filter_kind, "", 0, a.limit});
  if (!jobs.ok()) return Fail(jobs.error());
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& j : *jobs) out.push_back(JobToJson(j));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  printf("%-8s %-24s %-10s %-10s %-8s %-20s %s\n", "ID", "KIND", "QUEUE", "STATE", "ATTEMPT", "RUN AT", "LAST ERROR");
  for (const auto& j : *jobs) {
    printf("%-8lld %-24s %-10s %-10s %d/%-6d %-20s %s\n", static_cast<long long>(j.id), j.kind.c_str(), j.queue.c_str(),
           j.state.c_str(), j.attempt, j.max_attempts, UtcText(j.run_at_us).c_str(), std::string(CutUtf8(j.last_error, 60)).c_str());
  }
  return 0;
}

int Show(const std::string& config, const JobsArgs& a) {
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return Fail(db.error());
  auto job = GetJob(**db, a.id);
  if (!job.ok()) return Fail(job.error());
  if (!*job) return Fail("no job " + std::to_string(a.id));
  std::cout << JobToJson(**job).dump(2) << "\n";
  return 0;
}

int Change(const std::string& config, const JobsArgs& a, bool retry) {
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return Fail(db.error());
  auto now = std::chrono::system_clock::now();
  Status s = retry ? RetryJob(**db, a.id, now) : CancelJob(**db, a.id, now);
  if (!s.ok()) return Fail(s.message());
  if (a.json) std::cout << nlohmann::json{{"id", a.id}, {"state", retry ? "available" : "cancelled"}}.dump() << "\n";
  else std::cout << "job " << a.id << (retry ? " will run again" : " cancelled") << "\n";
  return 0;
}

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenDatabaseFromConfig(const std::string& path) {
  auto config = LoadConfig(path, kDeferSecrets);
  if (!config.ok()) return config.status();
  auto db = OpenSqlConnection(DatabaseTarget(**config));
  if (!db.ok()) return db.status();
  // A fresh database gets vigil's tables (migrations are idempotent and serialised).
  auto migrated = Migrate(**db);
  if (!migrated.ok()) return migrated.status();
  return db;
}

void RegisterJobVerbs(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* jobs = app.add_subcommand("jobs", "the durable job queue");
  jobs->require_subcommand(1);
  auto a = std::make_shared<JobsArgs>();
  auto common = [&](CLI::App* cmd) {
    cmd->add_option("--config,-c", config_path, "config file (default: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml)");
    cmd->add_flag("--json", a->json, "machine-readable output");
  };
  auto* enqueue = jobs->add_subcommand("enqueue", "enqueue jobs of a kind (noop is built in)");
  enqueue->add_option("kind", a->kind, "job kind")->required();
  enqueue->add_option("--args", a->args_json, "job arguments as JSON (default {})");
  enqueue->add_option("--count", a->count, "how many identical jobs (one transaction)")->check(CLI::Range(1, 10000000));
  enqueue->add_option("--queue", a->queue, "queue (default: default)");
  enqueue->add_option("--priority", a->priority, "lower runs first (default 0)");
  enqueue->add_option("--max-attempts", a->max_attempts, "attempts before the job is discarded (default 20)");
  enqueue->add_option("--unique-key", a->unique_key, "no-op if an unfinished job holds this key");
  common(enqueue);
  auto* list = jobs->add_subcommand("list", "list jobs, newest first");
  list->add_option("--state", a->state, "available | running | retryable | completed | discarded | cancelled");
  list->add_option("--kind", a->filter_kind, "only this kind");
  list->add_option("--limit", a->limit, "at most this many (default 50)")->check(CLI::Range(1, 1000));
  common(list);
  auto* show = jobs->add_subcommand("show", "show one job");
  show->add_option("id", a->id, "job id")->required();
  common(show);
  auto* retry = jobs->add_subcommand("retry", "run a discarded, cancelled or retryable job again now");
  retry->add_option("id", a->id, "job id")->required();
  common(retry);
  auto* cancel = jobs->add_subcommand("cancel", "cancel an unfinished job");
  cancel->add_option("id", a->id, "job id")->required();
  common(cancel);
  out.emplace_back(enqueue, [a, &config_path] { return Enqueue(config_path, *a); });
  out.emplace_back(list, [a, &config_path] { return List(config_path, *a); });
  out.emplace_back(show, [a, &config_path] { return Show(config_path, *a); });
  out.emplace_back(retry, [a, &config_path] { return Change(config_path, *a, true); });
  out.emplace_back(cancel, [a, &config_path] { return Change(config_path, *a, false); });
  RegisterJobRunVerb(*jobs, out, config_path);
}

}  // namespace vigil
