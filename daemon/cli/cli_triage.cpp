// `vigil triage replay [--since 7d] [--watcher W] [--rules NEW.yaml] [--all] [--json]`: the stored
// events of a window run through the current rules (or a proposed config's `communities:`), printing
// which signals and notifications would change, so a person can tune keywords before switching them
// on. The database is opened read-only: nothing is stored. How each event is judged:
// jobs/triage/triage_replay.h.
#include <cstdio>
#include <iostream>

#include "common/utf8_cut.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "daemon/cli/since_option.h"
#include "jobs/triage/triage_replay.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

struct ReplayArgs {
  std::string since = "7d", watcher, rules;
  bool all = false, json = false;
};

constexpr size_t kTitleColumn = 50;

std::string ScoreText(double s) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", s);
  return text;
}

std::string Arrow(const std::string& before, const std::string& after) { return before == after ? after : before + " → " + after; }

// The rules to try: the proposed file's `communities:` (the rest of it is not used), else the config's.
Result<TriageSettings> ProposedSettings(const ReplayArgs& a, const TriageSettings& current) {
  if (a.rules.empty()) return current;
  auto proposed = LoadConfig(a.rules);
  if (!proposed.ok()) return Status::Error("--rules: " + proposed.error());
  auto settings = ParseTriageSettings(**proposed);
  if (!settings.ok()) return Status::Error("--rules: " + settings.error());
  return settings;
}

void PrintTable(const std::vector<ReplayedEvent>& replayed, bool all) {
  cli::Table table({"EVENT", "WATCHER", "SIGNAL", "SCORE", "NOTIFIES", "TITLE", "WHY (NOW)"});
  for (const auto& r : replayed) {
    if (!all && !r.SignalChanged() && !r.NotificationChanged()) continue;
    const StoredTriage& s = *r.stored;
    std::string before_score = s.score ? ScoreText(s.score->score) : "?";
    std::string title = s.title.size() > kTitleColumn ? std::string(CutUtf8(s.title, kTitleColumn - 3)) + "…" : s.title;
    std::string signal = s.signal.empty() ? "(untriaged) → " + std::string(SignalName(r.now.signal))
                                          : Arrow(s.signal, SignalName(r.now.signal));
    table.Add({s.event_id, s.watcher_name, cli::PaintWord(signal), Arrow(before_score, ScoreText(r.now.score)),
               Arrow(r.had_notification() ? "yes" : "no", r.would_notify ? "yes" : "no") + (r.by_llm ? " (LLM's, not compared)" : ""),
               title, r.now.reasoning});
  }
  if (!table.empty()) table.Flexible(6).Print(std::cout);
}

int Replay(const std::string& path, const ReplayArgs& a) {
  auto now = std::chrono::system_clock::now();
  auto since = cli::ParseSince(a.since, now);
  if (!since.ok()) return cli::Fail(since.error(), 2);
  auto config = LoadConfig(path);
  if (!config.ok()) return cli::Fail(config.error(), 2);
  auto current = ParseTriageSettings(**config);
  if (!current.ok()) return cli::Fail(current.error(), 2);
  auto proposed = ProposedSettings(a, *current);
  if (!proposed.ok()) return cli::Fail(proposed.error(), 2);
  auto db = OpenDatabaseToRead(path);  // storing nothing
  if (!db.ok()) return cli::Fail(db.error());
  auto stored = StoredTriageSince(**db, {.since = *since, .watcher = a.watcher});
  if (!stored.ok()) return cli::Fail(stored.error());
  std::vector<ReplayedEvent> replayed;
  for (const auto& s : *stored) replayed.push_back(ReplayEvent(*current, *proposed, s, cli::ReadStoredTime(s.detected_at).value_or(now)));
  ReplaySummary sum = Summarise(replayed);
  std::string rules = a.rules.empty() ? path : a.rules;
  if (a.json) {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& r : replayed) {
      if (a.all || r.SignalChanged() || r.NotificationChanged()) events.push_back(ReplayedJson(r));
    }
    std::cout << nlohmann::json{{"since", cli::JsonTime(*since)}, {"rules", rules}, {"events_replayed", sum.events},
                                {"signals_changed", sum.signals_changed}, {"notifications_gained", sum.notifications_gained},
                                {"notifications_lost", sum.notifications_lost}, {"by_llm", sum.by_llm}, {"events", events}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << "replayed " << sum.events << " events since " << cli::HumanTime(*since, now) << " through the rules of " << rules
            << " (nothing stored): " << sum.signals_changed << " signals would change, " << sum.notifications_gained
            << " notifications would be added, " << sum.notifications_lost << " would not be made";
  if (sum.by_llm > 0) std::cout << "; " << sum.by_llm << " were scored by the LLM and are not compared";
  std::cout << "\n";
  if (!replayed.empty()) std::cout << "\n";
  PrintTable(replayed, a.all);
  return 0;
}

}  // namespace

void RegisterTriageVerbs(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* cmd = app.add_subcommand("triage", "try triage rules on stored events");
  cmd->require_subcommand(1);
  auto a = std::make_shared<ReplayArgs>();
  auto* replay = cmd->add_subcommand("replay", "run stored events through the current (or proposed) rules; print what would change, storing nothing");
  replay->add_option("--since", a->since, "events detected since: a duration back from now (default 7d) or a time (2026-12-01T20:00Z)");
  replay->add_option("--watcher", a->watcher, "only this watcher's events");
  replay->add_option("--rules", a->rules, "a config file whose communities: (rules, thresholds, notify_at) are tried instead of the current ones");
  replay->add_flag("--all", a->all, "list every event, not only those that would change");
  AddConfigOption(replay, config_path);
  replay->add_flag("--json", a->json, "machine-readable output");
  out.emplace_back(replay, [a, &config_path] { return Replay(config_path, *a); });
}

}  // namespace vigil
