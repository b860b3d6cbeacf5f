// `vigil jobs pause KIND|--queue Q`, `vigil jobs resume KIND|--queue Q`, `vigil jobs paused`:
// paused job kinds and queues, straight on the database the config names, like the other `jobs`
// verbs (the daemon need not run). Every daemon sharing the database re-reads the pauses at most
// every 500 ms, so a running one honours the change within a second.
#include <pwd.h>
#include <unistd.h>

#include <iostream>

#include "config/config.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "jobs/engine/job_engine.h"
#include "jobs/engine/runtime.h"
#include "jobs/job_kinds.h"
#include "sources/watcher_checks.h"
#include "store/db_time.h"
#include "store/job_pause_repo.h"

namespace vigil {
namespace {

struct PauseArgs {
  std::string kind, queue, note;
  bool json = false;
};

// "cli:alice@host": who paused, as far as this process can tell.
std::string PausedBy() {
  const passwd* pw = getpwuid(geteuid());
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return std::string("cli:") + (pw ? pw->pw_name : std::to_string(geteuid())) + "@" + host;
}

// The scope and name the arguments name; 0, or the usage error's exit status.
int Target(const PauseArgs& a, const std::string& verb, std::string* scope, std::string* name) {
  if (a.kind.empty() == a.queue.empty())
    return cli::Fail("jobs " + verb + ": give a job KIND or --queue Q (one of them)", 2);
  *scope = a.kind.empty() ? "queue" : "kind";
  *name = a.kind.empty() ? a.queue : a.kind;
  return 0;
}

std::string Since(const JobPause& p) {
  return cli::HumanTime(FromMicros(p.paused_at_us), std::chrono::system_clock::now()) +
         (p.paused_by.empty() ? "" : " by " + p.paused_by);
}

int Pause(const std::string& config, const PauseArgs& a) {
  std::string scope, name;
  if (int rc = Target(a, "pause", &scope, &name)) return rc;
  auto known = scope == "kind" ? KnownJobKinds(config) : KnownJobQueues(config);
  if (std::string unknown = UnknownPauseTarget(scope, name, known); !unknown.empty()) return cli::Fail(unknown, 2);
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return cli::Fail(db.error());
  JobPause pause{scope, name, ToMicros(std::chrono::system_clock::now()), PausedBy(), a.note};
  auto paused = PauseJobs(**db, pause);
  if (!paused.ok()) return cli::Fail(paused.error());
  if (!*paused) {  // report the pause that stands
    auto all = ListJobPauses(**db);
    if (!all.ok()) return cli::Fail(all.error());
    for (const auto& p : *all) {
      if (p.scope == scope && p.name == name) pause = p;
    }
  }
  if (a.json) {
    auto out = JobPauseToJson(pause);
    out["already_paused"] = !*paused;
    std::cout << out.dump() << "\n";
  } else if (*paused) {
    std::cout << "paused " << scope << " " << name << ": its jobs wait and its schedules do not fire until `vigil jobs resume "
              << (scope == "kind" ? name : "--queue " + name) << "`\n";
  } else {
    std::cout << scope << " " << name << " was already paused (" << Since(pause) << ")\n";
  }
  return 0;
}

int Resume(const std::string& config, const PauseArgs& a) {
  std::string scope, name;
  if (int rc = Target(a, "resume", &scope, &name)) return rc;
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return cli::Fail(db.error());
  auto resumed = ResumeJobs(**db, scope, name);
  if (!resumed.ok()) return cli::Fail(resumed.error());
  if (!*resumed) return cli::Fail(scope + " " + name + " is not paused (`vigil jobs paused` lists what is)");
  if (a.json) std::cout << nlohmann::json{{"scope", scope}, {"name", name}, {"resumed", true}}.dump() << "\n";
  else std::cout << "resumed " << scope << " " << name << ": its jobs run and its schedules fire again\n";
  return 0;
}

int ListPaused(const std::string& config, const PauseArgs& a) {
  auto db = OpenDatabaseToRead(config);
  if (!db.ok()) return cli::Fail(db.error());
  auto pauses = ListJobPauses(**db);
  if (!pauses.ok()) return cli::Fail(pauses.error());
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : *pauses) out.push_back(JobPauseToJson(p));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (pauses->empty()) {
    std::cout << "(nothing paused)\n";
    return 0;
  }
  auto now = std::chrono::system_clock::now();
  cli::Table table({"SCOPE", "NAME", "PAUSED", "BY", "NOTE"});
  for (const auto& p : *pauses) {
    table.Add({p.scope, p.name, cli::HumanTime(FromMicros(p.paused_at_us), now), p.paused_by.empty() ? "-" : p.paused_by,
               p.note.empty() ? "-" : p.note});
  }
  table.Print(std::cout);
  return 0;
}

}  // namespace

std::vector<std::string> KnownJobKinds(const std::string& config_path) {
  auto config = LoadConfig(config_path, kDeferSecrets);
  if (!config.ok()) return {};
  Runtime runtime(*config);
  return BuildJobRegistry(runtime).Names();
}

std::vector<std::string> KnownJobQueues(const std::string& config_path) {
  auto config = LoadConfig(config_path, kDeferSecrets);
  if (!config.ok()) return {};
  auto options = JobEngineOptionsFrom(**config);
  std::vector<std::string> out;
  if (options.ok()) {
    for (const auto& [name, workers] : options->queues) out.push_back(name);
  }
  return out;
}

void RegisterJobPauseVerbs(CLI::App& jobs, VerbList& out, std::string& config_path) {
  auto a = std::make_shared<PauseArgs>();
  auto common = [&](CLI::App* cmd) {
    AddConfigOption(cmd, config_path);
    cmd->add_flag("--json", a->json, "machine-readable output");
  };
  auto* pause = jobs.add_subcommand("pause", "pause a job kind or a queue: its jobs wait, its schedules do not fire");
  pause->add_option("kind", a->kind, "job kind");
  pause->add_option("--queue", a->queue, "pause this queue instead of a kind");
  pause->add_option("--note", a->note, "why (shown with the pause)");
  common(pause);
  auto* resume = jobs.add_subcommand("resume", "resume a paused job kind or queue");
  resume->add_option("kind", a->kind, "job kind");
  resume->add_option("--queue", a->queue, "resume this queue instead of a kind");
  common(resume);
  auto* paused = jobs.add_subcommand("paused", "list the paused job kinds and queues");
  common(paused);
  out.emplace_back(pause, [a, &config_path] { return Pause(config_path, *a); });
  out.emplace_back(resume, [a, &config_path] { return Resume(config_path, *a); });
  out.emplace_back(paused, [a, &config_path] { return ListPaused(config_path, *a); });
}

}  // namespace vigil
