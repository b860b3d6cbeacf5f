// `vigil jobs enqueue|list|show|retry|cancel`: the queue from the command line, straight on the
// database the config names (the daemon need not run; a running one picks enqueued jobs up).
#include <algorithm>
#include <iostream>

#include "common/json_depth.h"
#include "common/nearest.h"
#include "config/config.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "jobs/engine/runtime.h"
#include "jobs/job_kinds.h"
#include "sources/watcher_checks.h"
#include "store/db_time.h"
#include "store/job_pause_repo.h"
#include "store/job_repo.h"

namespace vigil {
namespace {

struct JobsArgs {
  std::string kind, args_json = "{}", queue = "default", state, filter_kind, unique_key;
  int count = 1, limit = 50, priority = 0, max_attempts = 20;
  int64_t id = 0;
  bool json = false, discarded = false;
};

const std::vector<std::string> kJobStates = {"available", "running", "retryable", "completed", "discarded", "cancelled"};

TimePoint Micros(int64_t us) { return us ? FromMicros(us) : TimePoint{}; }

int Enqueue(const std::string& config, const JobsArgs& a) {
  auto args = ParseJsonOrDiscarded(a.args_json);
  if (args.is_discarded()) return cli::Fail("--args: not valid JSON: " + a.args_json, 2);
  auto kinds = KnownJobKinds(config);
  if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), a.kind) == kinds.end()) {
    return cli::Fail("no job kind \"" + a.kind + "\"" + DidYouMean(a.kind, kinds) + "; kinds: " + cli::Joined(kinds), 2);
  }
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return cli::Fail(db.error());
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
  if (!r.ok()) return cli::Fail(r.error());
  auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  if (a.json) {
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& e : *r) ids.push_back(e.id);
    std::cout << nlohmann::json{{"enqueued", ids.size()}, {"ids", ids}, {"seconds", took.count()}}.dump() << "\n";
  } else if (a.count == 1) {
    std::cout << ((*r)[0].inserted ? "enqueued job " : "already enqueued: job ") << (*r)[0].id << "\n";
  } else {
    std::cout << "enqueued " << cli::HumanNumber(static_cast<double>(r->size())) << " jobs in "
              << cli::HumanDuration(std::chrono::duration_cast<std::chrono::milliseconds>(took)) << " ("
              << cli::HumanNumber(static_cast<double>(r->size()) / std::max(took.count(), 1e-6)) << " jobs/s)\n";
  }
  return 0;
}

int List(const std::string& config, const JobsArgs& a) {
  if (!a.state.empty()) {
    if (int rc = cli::CheckOneOf("--state", a.state, kJobStates)) return rc;
  }
  auto db = OpenDatabaseToRead(config);
  if (!db.ok()) return cli::Fail(db.error());
  auto jobs = ListJobs(**db, {a.state, a.filter_kind, "", 0, a.limit});
  if (!jobs.ok()) return cli::Fail(jobs.error());
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& j : *jobs) out.push_back(JobToJson(j));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  auto pauses = ListJobPauses(**db);
  if (!pauses.ok()) return cli::Fail(pauses.error());
  PausedWork paused;
  for (const auto& p : *pauses) (p.scope == "queue" ? paused.queues : paused.kinds).insert(p.name);
  auto now = std::chrono::system_clock::now();
  cli::Table table({"ID", "KIND", "QUEUE", "STATE", "ATTEMPT", "RUN AT", "LAST ERROR"});
  for (const auto& j : *jobs) {
    bool waits = (j.state == "available" || j.state == "retryable") && paused.Holds(j.kind, j.queue);
    table.Add({std::to_string(j.id), j.kind, j.queue, cli::PaintWord(j.state) + (waits ? " (paused)" : ""),
               std::to_string(j.attempt) + "/" + std::to_string(j.max_attempts), cli::HumanTime(Micros(j.run_at_us), now),
               j.last_error.empty() ? "-" : j.last_error});
  }
  table.Print(std::cout);
  if (jobs->empty()) std::cout << "(no jobs" << (a.state.empty() ? "" : " " + a.state) << ")\n";
  for (const auto& p : *pauses) {
    std::cout << "paused: " << p.scope << " " << p.name << " since " << cli::HumanTime(FromMicros(p.paused_at_us), now)
              << (p.note.empty() ? "" : " (" + p.note + ")") << "\n";
  }
  return 0;
}

int Show(const std::string& config, const JobsArgs& a) {
  auto db = OpenDatabaseToRead(config);
  if (!db.ok()) return cli::Fail(db.error());
  auto job = GetJob(**db, a.id);
  if (!job.ok()) return cli::Fail(job.error());
  if (!*job) return cli::Fail("no job " + std::to_string(a.id));
  const JobRow& j = **job;
  if (a.json) {
    std::cout << JobToJson(j).dump(2) << "\n";
    return 0;
  }
  auto now = std::chrono::system_clock::now();
  auto line = [](const char* key, const std::string& value) {
    if (!value.empty()) std::cout << key << std::string(14 - std::string_view(key).size(), ' ') << value << "\n";
  };
  line("job", std::to_string(j.id));
  line("kind", j.kind);
  line("queue", j.queue + (j.priority ? " (priority " + std::to_string(j.priority) + ")" : ""));
  line("state", cli::PaintWord(j.state));
  line("attempt", std::to_string(j.attempt) + " of " + std::to_string(j.max_attempts));
  line("args", j.args);
  line("unique key", j.unique_key);
  line("run at", cli::HumanTime(Micros(j.run_at_us), now));
  line("created", cli::HumanTime(Micros(j.created_at_us), now));
  line("updated", cli::HumanTime(Micros(j.updated_at_us), now));
  if (j.finished_at_us) line("finished", cli::HumanTime(Micros(j.finished_at_us), now));
  if (!j.locked_by.empty()) line("locked by", j.locked_by + " until " + cli::HumanTime(Micros(j.locked_until_us), now));
  line("last error", j.last_error);
  return 0;
}

// `jobs retry --kind K --discarded`: every discarded job of K runs again.
int RetryDiscarded(const std::string& config, const JobsArgs& a) {
  if (!a.discarded) return cli::Fail("jobs retry --kind: add --discarded (only discarded jobs are retried in bulk)", 2);
  auto kinds = KnownJobKinds(config);
  if (std::string unknown = UnknownPauseTarget("kind", a.filter_kind, kinds); !kinds.empty() && !unknown.empty())
    return cli::Fail(unknown, 2);
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return cli::Fail(db.error());
  auto retried = RetryDiscardedJobs(**db, a.filter_kind, std::chrono::system_clock::now());
  if (!retried.ok()) return cli::Fail(retried.error());
  if (a.json) std::cout << nlohmann::json{{"kind", a.filter_kind}, {"state", "discarded"}, {"retried", *retried}}.dump() << "\n";
  else if (*retried == 0) std::cout << "no discarded " << a.filter_kind << " jobs to retry\n";
  else std::cout << *retried << " discarded " << a.filter_kind << " job" << (*retried == 1 ? "" : "s") << " will run again\n";
  return 0;
}

int Change(const std::string& config, const JobsArgs& a, bool retry) {
  if (retry && (a.id != 0) == !a.filter_kind.empty())
    return cli::Fail("jobs retry: give a job ID, or --kind K --discarded (one of them)", 2);
  if (retry && a.id == 0) return RetryDiscarded(config, a);
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return cli::Fail(db.error());
  auto now = std::chrono::system_clock::now();
  Status s = retry ? RetryJob(**db, a.id, now) : CancelJob(**db, a.id, now);
  if (!s.ok()) return cli::Fail(s.message());
  if (a.json) std::cout << nlohmann::json{{"id", a.id}, {"state", retry ? "available" : "cancelled"}}.dump() << "\n";
  else std::cout << "job " << a.id << (retry ? " will run again" : " cancelled") << "\n";
  return 0;
}

}  // namespace

void RegisterJobVerbs(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* jobs = app.add_subcommand("jobs", "the durable job queue");
  jobs->require_subcommand(1);
  auto a = std::make_shared<JobsArgs>();
  auto common = [&](CLI::App* cmd) {
    AddConfigOption(cmd, config_path);
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
  auto* retry = jobs->add_subcommand("retry", "run a discarded, cancelled or retryable job again now, or every discarded job of a kind");
  retry->add_option("id", a->id, "job id")->check(CLI::PositiveNumber);
  retry->add_option("--kind", a->filter_kind, "every job of this kind (with --discarded)");
  retry->add_flag("--discarded", a->discarded, "with --kind: the kind's discarded jobs");
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
  RegisterJobPauseVerbs(*jobs, out, config_path);
}

}  // namespace vigil
