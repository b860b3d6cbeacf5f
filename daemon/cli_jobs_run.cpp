// `vigil jobs run KIND --once --config FILE [--json]`: one run of a maintenance job kind in this
// process (no daemon), with a progress bar when stdout is a terminal and a summary at the end.
// Exit codes: 0 done, 1 failed (the summary says why), 3 waiting (its tables are missing).
#include <unistd.h>

#include <iostream>

#include "config/config.h"
#include "daemon/cli_verbs.h"
#include "jobs/citation_verification_job.h"
#include "jobs/embedding_backfill_job.h"
#include "jobs/maintenance_kinds.h"
#include "sources/http/curl_http_client.h"
#include "store/migrator.h"

namespace vigil {
namespace {

struct RunArgs {
  std::string kind;
  bool once = false;
  bool json = false;
};

int Fail(const std::string& message) {
  std::cerr << "vigil: " << message << "\n";
  return 1;
}

void DrawProgress(size_t done, size_t total) {
  constexpr size_t kWidth = 30;
  size_t filled = total == 0 ? kWidth : done * kWidth / total;
  std::cout << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] " << done << "/" << total
            << std::flush;
  if (done == total) std::cout << "\n";
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

std::string KnownKinds() {
  std::string out;
  for (const auto& k : MaintenanceKinds()) out += (out.empty() ? "" : ", ") + k.kind;
  return out + ", embedding_backfill, citation_verification";
}

// Prints a run's summary (or JSON) and maps its end to the exit codes above.
int Finish(const RunArgs& a, const nlohmann::json& summary, bool waiting, const std::string& error) {
  std::string result = waiting ? "waiting" : error.empty() ? "done" : "failed";
  if (a.json) std::cout << nlohmann::json{{"kind", a.kind}, {"result", result}, {"summary", summary}}.dump() << "\n";
  else PrintSummary(a.kind, summary);
  if (!a.json && !error.empty()) std::cerr << "vigil: " << a.kind << ": " << error << "\n";
  return waiting ? 3 : error.empty() ? 0 : 1;
}

// embedding_backfill and citation_verification have their own run functions.
int RunPlatformJob(const Config& config, SqlConnection& db, HttpClient& http, const RunArgs& a) {
  bool bar = !a.json && isatty(STDOUT_FILENO);
  if (a.kind == "embedding_backfill") {
    BackfillRun run;
    if (bar) run.on_progress = [](const TargetBackfillSummary& t) { DrawProgress(static_cast<size_t>(t.scanned), static_cast<size_t>(std::max(t.scanned, t.source_rows))); };
    auto summary = RunEmbeddingBackfillOnce(config, &http, db, run);
    if (!summary.ok()) return Fail(summary.error());
    return Finish(a, summary->ToJson(), summary->AllMissing(), summary->error);
  }
  CitationRun run;
  if (bar) run.on_progress = [](const CitationSummary& c) { std::cout << "\rchecked " << c.checked << std::flush; };
  auto summary = RunCitationVerificationOnce(config, http, db, run);
  if (bar) std::cout << "\n";
  if (!summary.ok()) return Fail(summary.error());
  return Finish(a, summary->ToJson(), !summary->missing.empty(), "");
}

int RunOnce(const std::string& config_path, const RunArgs& a) {
  if (!a.once) return Fail("jobs run: only --once is supported (the daemon runs scheduled jobs)");
  const MaintenanceKind* kind = FindMaintenanceKind(a.kind);
  bool platform_job = a.kind == "embedding_backfill" || a.kind == "citation_verification";
  if (kind == nullptr && !platform_job) return Fail("jobs run: unknown kind \"" + a.kind + "\" (known: " + KnownKinds() + ")");
  auto config = Config::Load(config_path);
  if (!config.ok()) return Fail(config.error());
  if ((*config)->Get("jobs." + a.kind).is_null()) return Fail("jobs run: jobs." + a.kind + " is not configured in " + config_path);
  if (kind != nullptr) {
    Status valid = kind->validate(**config);
    if (!valid.ok()) return Fail(valid.message());
  }
  auto db = OpenSqlConnection((*config)->DatabaseUrl(), static_cast<int>((*config)->GetInt("database.busy_timeout")));
  if (!db.ok()) return Fail(db.error());
  auto migrated = Migrate(**db);
  if (!migrated.ok()) return Fail(migrated.error());
  HttpClientOptions http_options;
  http_options.contact_email = (*config)->GetString("http.contact_email");
  CurlHttpClient http(http_options);
  if (platform_job) return RunPlatformJob(**config, **db, http, a);
  MaintenanceEnv env{**config, **db, http};
  if (!a.json && isatty(STDOUT_FILENO)) env.progress = DrawProgress;
  MaintenanceOutcome out = kind->run(env);
  if (a.json) std::cout << nlohmann::json{{"kind", a.kind}, {"result", out.next.kind == JobResult::Kind::kDone ? "done" : out.next.kind == JobResult::Kind::kSnooze ? "waiting" : "failed"}, {"summary", out.summary}}.dump() << "\n";
  else PrintSummary(a.kind, out.summary);
  if (out.next.kind == JobResult::Kind::kDone) return 0;
  if (!a.json) std::cerr << "vigil: " << a.kind << ": " << out.next.error << "\n";
  return out.next.kind == JobResult::Kind::kSnooze ? 3 : 1;
}

}  // namespace

void RegisterJobRunVerb(CLI::App& jobs, VerbList& out, std::string& config_path) {
  auto a = std::make_shared<RunArgs>();
  auto* run = jobs.add_subcommand("run", "run a maintenance job kind once, here (" + KnownKinds() + ")");
  run->add_option("kind", a->kind, "job kind")->required();
  run->add_flag("--once", a->once, "one run, then exit");
  run->add_option("--config,-c", config_path, "config file (default: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml)");
  run->add_flag("--json", a->json, "machine-readable summary");
  out.emplace_back(run, [a, &config_path] { return RunOnce(config_path, *a); });
}

}  // namespace vigil
