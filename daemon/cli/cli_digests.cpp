// `vigil digests list|show|send`: the digests sent so far, one in full, and a community's digest
// now. Straight on the database the config names; `send` enqueues the same `digest` job the
// schedule does, which a running daemon picks up (docs/triage.md).
#include <algorithm>
#include <iostream>

#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "jobs/deliver/digest_job.h"
#include "jobs/deliver/digest_message.h"
#include "store/digest_repo.h"
#include "store/job_repo.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

struct DigestArgs {
  std::string id, community;
  int limit = 20;
  bool json = false;
};

using cli::Fail;

// A digest goes to a community the config declares or the platform has (a `subreddits` row).
int CheckCommunity(const std::string& config_path, SqlConnection& db, const std::string& community) {
  auto config = LoadConfig(config_path, kDeferSecrets);
  if (!config.ok()) return Fail(config.error(), 2);
  bool unknown = false;
  if (Status s = CheckDigestCommunity(**config, db, community, &unknown); !s.ok()) return Fail(s.message(), unknown ? 2 : 1);
  return 0;
}

int List(const std::string& config, const DigestArgs& a) {
  auto db = OpenDatabaseToRead(config);
  if (!db.ok()) return Fail(db.error());
  auto list = ListDigests(**db, a.community, a.limit);
  if (!list.ok()) return Fail(list.error());
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : *list) out.push_back(DigestToJson(d));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  auto now = std::chrono::system_clock::now();
  cli::Table table({"ID", "CREATED", "DIGEST"});
  for (const auto& d : *list) table.Add({d.id, cli::HumanTime(d.created_at, now), DigestHeadline(d)});
  table.Print(std::cout);
  if (list->empty()) std::cout << "(no digests)\n";
  return 0;
}

int Show(const std::string& config, const DigestArgs& a) {
  auto db = OpenDatabaseToRead(config);
  if (!db.ok()) return Fail(db.error());
  auto d = GetDigest(**db, a.id);
  if (!d.ok()) return Fail(d.error());
  if (!*d) return Fail("no digest " + a.id);
  if (a.json) std::cout << DigestToJson(**d).dump(2) << "\n";
  else std::cout << DigestEmail(**d, (*d)->items.size()).body;  // every item, as the e-mail lists them
  return 0;
}

int Send(const std::string& config, const DigestArgs& a) {
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return Fail(db.error());
  if (int rc = CheckCommunity(config, **db, a.community)) return rc;
  auto r = EnqueueJobs(**db, {DigestNowJob(a.community)}, std::chrono::system_clock::now());
  if (!r.ok()) return Fail(r.error());
  if (a.json) std::cout << nlohmann::json{{"job_id", (*r)[0].id}, {"community", a.community}}.dump() << "\n";
  else std::cout << "digest for " << a.community << " enqueued (job " << (*r)[0].id << ")\n";
  return 0;
}

}  // namespace

void RegisterDigestVerbs(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* cmd = app.add_subcommand("digests", "digests of low signals: list those sent, show one, send a community's now");
  cmd->require_subcommand(1);
  auto a = std::make_shared<DigestArgs>();
  auto common = [&](CLI::App* sub) {
    AddConfigOption(sub, config_path);
    sub->add_flag("--json", a->json, "machine-readable output");
  };
  auto* list = cmd->add_subcommand("list", "list digests, newest first");
  list->add_option("--community", a->community, "only this community (subreddits.name)");
  list->add_option("--limit", a->limit, "at most this many (default 20)")->check(CLI::Range(1, 1000));
  common(list);
  auto* show = cmd->add_subcommand("show", "show a digest with all its items");
  show->add_option("id", a->id, "digest id")->required();
  common(show);
  auto* send = cmd->add_subcommand("send", "enqueue the community's digest now (the daemon sends it)");
  send->add_option("community", a->community, "community (subreddits.name)")->required();
  common(send);
  out.emplace_back(list, [a, &config_path] { return List(config_path, *a); });
  out.emplace_back(show, [a, &config_path] { return Show(config_path, *a); });
  out.emplace_back(send, [a, &config_path] { return Send(config_path, *a); });
}

}  // namespace vigil
