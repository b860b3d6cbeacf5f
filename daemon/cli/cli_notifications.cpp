// `vigil notifications list|read|act|dismiss`: the notification lifecycle from the command line,
// straight on the database the config names (the daemon need not run). `act --create-thread`
// is a person's approval: it enqueues the same create_thread job an auto-approved one gets (and
// refuses a dismissed notification, or one that has its thread).
#include <cstdio>
#include <iostream>

#include "common/utf8_cut.h"
#include "daemon/cli/cli_verbs.h"
#include "store/job_repo.h"
#include "store/notification_repo.h"

namespace vigil {
namespace {

struct NotificationArgs {
  std::string id, status, community, action;
  int limit = 50;
  bool json = false;
  bool create_thread = false;
};

int Fail(const std::string& message) {
  std::cerr << "vigil: " << message << "\n";
  return 1;
}

int List(const std::string& config, const NotificationArgs& a) {
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return Fail(db.error());
  auto list = ListNotifications(**db, {a.status, a.community, a.limit});
  if (!list.ok()) return Fail(list.error());
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& n : *list) out.push_back(NotificationToJson(n));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  printf("%-36s %-9s %-6s %-16s %-19s %s\n", "ID", "STATUS", "SIGNAL", "COMMUNITY", "CREATED", "TITLE");
  for (const auto& n : *list) {
    printf("%-36s %-9s %-6s %-16s %-19s %s\n", n.id.c_str(), n.status.c_str(), n.signal.c_str(), n.community_name.c_str(),
           n.created_at.substr(0, 19).c_str(), std::string(CutUtf8(n.title, 70)).c_str());
  }
  return 0;
}

int Change(const std::string& config, const NotificationArgs& a, const std::string& status) {
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return Fail(db.error());
  auto now = std::chrono::system_clock::now();
  if (a.create_thread) {
    auto n = GetNotification(**db, a.id);
    if (!n.ok()) return Fail(n.error());
    if (!*n) return Fail("no notification " + a.id);
    if (Status allowed = CheckThreadAllowed(**n); !allowed.ok()) return Fail(allowed.message());
    JobSpec job{.kind = "create_thread", .args = {{"notification_id", a.id}, {"approved_by", "cli"}}, .max_attempts = 8};
    auto r = EnqueueJobs(**db, {job}, now);
    if (!r.ok()) return Fail(r.error());
    std::cout << "thread requested for " << a.id << " (job " << (*r)[0].id << ")\n";
    return 0;
  }
  Status s = SetNotificationStatus(**db, a.id, status, a.action, now);
  if (!s.ok()) return Fail(s.message());
  if (a.json) std::cout << nlohmann::json{{"id", a.id}, {"status", status}}.dump() << "\n";
  else std::cout << "notification " << a.id << " " << status << "\n";
  return 0;
}

}  // namespace

void RegisterNotificationVerbs(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* cmd = app.add_subcommand("notifications", "notifications: list them and move them through read, acted, dismissed");
  cmd->require_subcommand(1);
  auto a = std::make_shared<NotificationArgs>();
  auto common = [&](CLI::App* sub) {
    sub->add_option("--config,-c", config_path, "config file (default: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml)");
    sub->add_flag("--json", a->json, "machine-readable output");
  };
  auto* list = cmd->add_subcommand("list", "list notifications, newest first");
  list->add_option("--status", a->status, "pending | read | acted | dismissed")->check(CLI::IsMember({"pending", "read", "acted", "dismissed"}));
  list->add_option("--community", a->community, "only this community (subreddits.name)");
  list->add_option("--limit", a->limit, "at most this many (default 50)")->check(CLI::Range(1, 1000));
  common(list);
  auto* read = cmd->add_subcommand("read", "mark a notification read");
  auto* act = cmd->add_subcommand("act", "mark a notification acted on");
  act->add_option("--action", a->action, "what was done (kept in action_taken)");
  act->add_flag("--create-thread", a->create_thread, "approve it: ask the platform to open a thread (recorded when it answers)");
  auto* dismiss = cmd->add_subcommand("dismiss", "dismiss a notification");
  for (auto* sub : {read, act, dismiss}) {
    sub->add_option("id", a->id, "notification id")->required();
    common(sub);
  }
  out.emplace_back(list, [a, &config_path] { return List(config_path, *a); });
  out.emplace_back(read, [a, &config_path] { return Change(config_path, *a, "read"); });
  out.emplace_back(act, [a, &config_path] { return Change(config_path, *a, "acted"); });
  out.emplace_back(dismiss, [a, &config_path] { return Change(config_path, *a, "dismissed"); });
}

}  // namespace vigil
