// `vigil jobs run KIND --once --config FILE [--json]`: one run of a maintenance job kind in this
// process (no daemon), with a progress bar when stdout is a terminal and a summary at the end.
// Exit codes: 0 done, 1 failed (the summary says why), 3 waiting (its tables are missing, or a
// remote service asked for a long pause).
#include <unistd.h>

#include <iostream>

#include "common/http/curl_http_client.h"
#include "config/config.h"
#include "daemon/cli/cli_verbs.h"
#include "common/nearest.h"
#include "daemon/cli/output.h"
#include "jobs/maintenance/maintenance_kinds.h"
#include "sources/watcher_checks.h"
#include "store/migrator.h"
#include "jobs/engine/database_target.h"

namespace vigil {
namespace {

struct RunArgs {
  std::string kind;
  bool once = false;
  bool json = false;
};

using cli::Fail;

void DrawProgress(size_t done, size_t total) {
  if (total == 0) {  // a job that cannot know its total counts up
    std::cout << "\r" << done << " done" << std::flush;
    return;
  }
  constexpr size_t kWidth = 30;
  size_t filled = total == 0 ? kWidth : done * kWidth / total;
  std::cout << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] " << done << "/" << total
            << std::flush;
}

void PrintSummary(const std::string& kind, const nlohmann::json& summary, const std::string& prefix = "") {
  if (prefix.empty()) std::cout << kind << ":\n";
  for (auto it = summary.begin(); it != summary.end(); ++it) {
    if (it.value().is_object()) {
      std::cout << prefix << "  " << it.key() << ":\n";
      PrintSummary(kind, it.value(), prefix + "  ");
    } else if (it.value().is_array()) {
      for (const auto& line : it.value()) std::cout << prefix << "  " << it.key() << ": " << (line.is_string() ? line.get<std::string>() : line.dump()) << "\n";
    } else {
      std::cout << prefix << "  " << it.key() << ": " << (it.value().is_string() ? it.value().get<std::string>() : it.value().dump()) << "\n";
    }
  }
}

std::vector<std::string> KnownKinds() {
  std::vector<std::string> out;
  for (const auto& k : MaintenanceKinds()) out.push_back(k.kind);
  return out;
}

const char* ResultName(JobResult::Kind kind) {
  if (kind == JobResult::Kind::kDone) return "done";
  return kind == JobResult::Kind::kSnooze ? "waiting" : "failed";
}

int RunOnce(const std::string& config_path, const RunArgs& a) {
  if (!a.once) return Fail("jobs run: only --once is supported (the daemon runs scheduled jobs)");
  const MaintenanceKind* kind = FindMaintenanceKind(a.kind);
  if (kind == nullptr) {
    return Fail("jobs run: no maintenance kind \"" + a.kind + "\"" + DidYouMean(a.kind, KnownKinds()) + "; kinds: " +
                    cli::Joined(KnownKinds()),
                2);
  }
  auto config = LoadConfig(config_path, kDeferSecrets);
  if (!config.ok()) return Fail(config.error());
  if (Status s = (*config)->RequireSecrets("jobs." + a.kind); !s.ok()) return Fail(s.message());
  auto block = (*config)->Get("jobs." + a.kind);
  if (block.is_null()) return Fail("jobs run: jobs." + a.kind + " is not configured in " + config_path);
  Status valid = kind->validate(**config);
  if (!valid.ok()) return Fail(valid.message());
  if (!block.value("enabled", true)) return Fail("jobs run: jobs." + a.kind + " has enabled: false");
  auto db = OpenSqlConnection(DatabaseTarget(**config));
  if (!db.ok()) return Fail(db.error());
  auto migrated = Migrate(**db);
  if (!migrated.ok()) return Fail(migrated.error());
  HttpClientOptions http_options;
  http_options.contact_email = (*config)->GetString("http.contact_email");
  CurlHttpClient http(http_options);
  MaintenanceEnv env{**config, **db, http};
  if (!a.json && isatty(STDOUT_FILENO)) env.progress = DrawProgress;
  MaintenanceOutcome out = kind->run(env);
  if (env.progress) std::cout << "\n";
  if (a.json) std::cout << nlohmann::json{{"kind", a.kind}, {"result", ResultName(out.next.kind)}, {"summary", out.summary}}.dump() << "\n";
  else PrintSummary(a.kind, out.summary);
  if (out.next.kind == JobResult::Kind::kDone) return 0;
  if (!a.json) std::cerr << "vigil: " << a.kind << ": " << out.next.error << "\n";
  return out.next.kind == JobResult::Kind::kSnooze ? 3 : 1;
}

}  // namespace

void RegisterJobRunVerb(CLI::App& jobs, VerbList& out, std::string& config_path) {
  auto a = std::make_shared<RunArgs>();
  auto* run = jobs.add_subcommand("run", "run a maintenance job kind once, here (" + cli::Joined(KnownKinds()) + ")");
  run->add_option("kind", a->kind, "job kind")->required();
  run->add_flag("--once", a->once, "one run, then exit");
  AddConfigOption(run, config_path);
  run->add_flag("--json", a->json, "machine-readable summary");
  out.emplace_back(run, [a, &config_path] { return RunOnce(config_path, *a); });
}

}  // namespace vigil
