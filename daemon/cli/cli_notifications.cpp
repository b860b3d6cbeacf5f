// `vigil notifications list|show|read|act|dismiss`: the notification lifecycle from the command
// line, straight on the database the config names (the daemon need not run). `list` and `show` say
// why each one was made: its event's triage score (vigil_event_scores) and reasoning. `act
// --create-thread` is a person's approval: it enqueues the same create_thread job an auto-approved
// one gets (and refuses a dismissed notification, or one that has its thread).
#include <cstdio>
#include <iostream>

#include "common/utf8_cut.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
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

constexpr size_t kTitleColumn = 60;  // bytes of a title in the list (WHY takes the rest of the line)

std::string ScoreText(const std::optional<double>& score) {
  if (!score) return "-";
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", *score);
  return text;
}

std::string Cut(const std::string& text, size_t bytes) {
  return text.size() <= bytes ? text : std::string(CutUtf8(text, bytes - 3)) + "…";
}

int List(const std::string& config, const NotificationArgs& a) {
  auto db = OpenDatabaseToRead(config);
  if (!db.ok()) return cli::Fail(db.error());
  auto list = ListNotifications(**db, {a.status, a.community, a.limit});
  if (!list.ok()) return cli::Fail(list.error());
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& n : *list) out.push_back(NotificationToJson(n));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  auto now = std::chrono::system_clock::now();
  cli::Table table({"ID", "STATUS", "SIGNAL", "SCORE", "COMMUNITY", "CREATED", "TITLE", "WHY"});
  for (const auto& n : *list) {
    table.Add({n.id, cli::PaintWord(n.status), cli::PaintWord(n.signal), ScoreText(n.triage_score),
               n.community_name.empty() ? "-" : n.community_name, cli::HumanTimeText(n.created_at, now), Cut(n.title, kTitleColumn),
               n.triage_reasoning.empty() ? "-" : n.triage_reasoning});
  }
  if (table.empty()) std::cout << "no notifications" << (a.status.empty() ? "" : " " + a.status) << "\n";
  else table.Flexible(7).Print(std::cout);
  return 0;
}

int Show(const std::string& config, const NotificationArgs& a) {
  auto db = OpenDatabaseToRead(config);
  if (!db.ok()) return cli::Fail(db.error());
  auto n = GetNotification(**db, a.id);
  if (!n.ok()) return cli::Fail(n.error());
  if (!*n) return cli::Fail("no notification " + a.id);
  if (a.json) {
    std::cout << NotificationToJson(**n).dump(2) << "\n";
    return 0;
  }
  auto now = std::chrono::system_clock::now();
  const NotificationRow& r = **n;
  auto field = [](const char* name, const std::string& value) {
    if (!value.empty()) std::cout << name << std::string(12 - std::string_view(name).size(), ' ') << value << "\n";
  };
  field("id", r.id);
  field("title", r.title);
  field("status", cli::PaintWord(r.status) + (r.action_taken.empty() ? "" : " (" + r.action_taken + ")"));
  field("signal", cli::PaintWord(r.signal) + "  score " + ScoreText(r.triage_score));
  field("why", r.triage_reasoning.empty() ? "-" : r.triage_reasoning);
  field("community", r.community_name);
  field("watcher", r.watcher_name);
  field("event", r.event_id);
  field("url", r.source_url);
  field("created", cli::HumanTimeText(r.created_at, now));
  if (!r.acted_at.empty()) field("acted", cli::HumanTimeText(r.acted_at, now));
  field("thread", r.thread_id);
  field("hypothesis", r.suggested_hypothesis);
  if (!r.summary.empty()) std::cout << "\n" << r.summary << "\n";
  return 0;
}

int Change(const std::string& config, const NotificationArgs& a, const std::string& status) {
  auto db = OpenDatabaseFromConfig(config);
  if (!db.ok()) return cli::Fail(db.error());
  auto now = std::chrono::system_clock::now();
  if (a.create_thread) {
    auto n = GetNotification(**db, a.id);
    if (!n.ok()) return cli::Fail(n.error());
    if (!*n) return cli::Fail("no notification " + a.id);
    if (Status allowed = CheckThreadAllowed(**n); !allowed.ok()) return cli::Fail(allowed.message());
    JobSpec job{.kind = "create_thread", .args = {{"notification_id", a.id}, {"approved_by", "cli"}}, .max_attempts = 8};
    auto r = EnqueueJobs(**db, {job}, now);
    if (!r.ok()) return cli::Fail(r.error());
    if (a.json) std::cout << nlohmann::json{{"id", a.id}, {"job_id", (*r)[0].id}}.dump() << "\n";
    else std::cout << "thread requested for " << a.id << " (job " << (*r)[0].id << ")\n";
    return 0;
  }
  Status s = SetNotificationStatus(**db, a.id, status, a.action, now);
  if (!s.ok()) return cli::Fail(s.message());
  if (a.json) std::cout << nlohmann::json{{"id", a.id}, {"status", status}}.dump() << "\n";
  else std::cout << "notification " << a.id << " " << status << "\n";
  return 0;
}

}  // namespace

void RegisterNotificationVerbs(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* cmd = app.add_subcommand("notifications", "notifications: list them, see why they were made, move them through read, acted, dismissed");
  cmd->require_subcommand(1);
  auto a = std::make_shared<NotificationArgs>();
  auto common = [&](CLI::App* sub) {
    AddConfigOption(sub, config_path);
    sub->add_flag("--json", a->json, "machine-readable output");
  };
  auto* list = cmd->add_subcommand("list", "list notifications, newest first, with their score and why");
  list->add_option("--status", a->status, "pending | read | acted | dismissed")->check(CLI::IsMember({"pending", "read", "acted", "dismissed"}));
  list->add_option("--community", a->community, "only this community (subreddits.name)");
  list->add_option("--limit", a->limit, "at most this many (default 50)")->check(CLI::Range(1, 1000));
  common(list);
  auto* show = cmd->add_subcommand("show", "one notification: its event, score and triage reasoning");
  auto* read = cmd->add_subcommand("read", "mark a notification read");
  auto* act = cmd->add_subcommand("act", "mark a notification acted on");
  act->add_option("--action", a->action, "what was done (kept in action_taken)");
  act->add_flag("--create-thread", a->create_thread, "approve it: ask the platform to open a thread (recorded when it answers)");
  auto* dismiss = cmd->add_subcommand("dismiss", "dismiss a notification");
  for (auto* sub : {show, read, act, dismiss}) {
    sub->add_option("id", a->id, "notification id")->required();
    common(sub);
  }
  out.emplace_back(list, [a, &config_path] { return List(config_path, *a); });
  out.emplace_back(show, [a, &config_path] { return Show(config_path, *a); });
  out.emplace_back(read, [a, &config_path] { return Change(config_path, *a, "read"); });
  out.emplace_back(act, [a, &config_path] { return Change(config_path, *a, "acted"); });
  out.emplace_back(dismiss, [a, &config_path] { return Change(config_path, *a, "dismissed"); });
}

}  // namespace vigil
