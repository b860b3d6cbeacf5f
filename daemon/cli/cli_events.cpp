// `vigil events list|show`: the events the watchers stored, with the signal triage gave each, its
// score (vigil_event_scores) and its reasoning, straight from the database the config names (the
// daemon need not run).
#include <cstdio>
#include <iostream>

#include "common/utf8_cut.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "daemon/cli/since_option.h"
#include "store/event_repo.h"

namespace vigil {
namespace {

struct EventsArgs {
  std::string id, watcher, signal, since;
  int limit = 50;
  bool json = false;
};

constexpr size_t kTitleColumn = 60;

std::string Text(const nlohmann::json& e, const char* key) {
  auto it = e.find(key);
  return it != e.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string ScoreText(const nlohmann::json& score) {
  if (!score.is_number()) return "-";
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", score.get<double>());
  return text;
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

int List(const std::string& config, const EventsArgs& a) {
  EventFilter filter{.watcher = a.watcher, .signal = a.signal, .limit = a.limit};
  auto now = std::chrono::system_clock::now();
  if (!a.since.empty()) {
    auto since = cli::ParseSince(a.since, now);
    if (!since.ok()) return cli::Fail(since.error(), 2);
    filter.since = *since;
  }
  auto db = OpenDatabaseToRead(config);
  if (!db.ok()) return cli::Fail(db.error());
  auto events = ListEvents(**db, filter);
  if (!events.ok()) return cli::Fail(events.error());
  if (a.json) {
    for (auto& e : *events) e["detected_at"] = cli::JsonTimeText(Text(e, "detected_at"));
    std::cout << nlohmann::json(*events).dump(2) << "\n";
    return 0;
  }
  cli::Table table({"ID", "WATCHER", "SIGNAL", "SCORE", "DETECTED", "TITLE", "WHY"});
  for (const auto& e : *events) {
    std::string title = Text(e, "title");
    if (title.size() > kTitleColumn) title = std::string(CutUtf8(title, kTitleColumn - 3)) + "…";
    table.Add({Text(e, "id"), OrDash(Text(e, "watcher")), Text(e, "triage_signal").empty() ? "-" : cli::PaintWord(Text(e, "triage_signal")),
               ScoreText(e["triage_score"]), cli::HumanTimeText(Text(e, "detected_at"), now), title,
               Text(e, "triage_signal").empty() ? "(not triaged yet)" : OrDash(Text(e, "triage_reasoning"))});
  }
  if (table.empty()) std::cout << "no events\n";
  else table.Flexible(6).Print(std::cout);
  return 0;
}

int Show(const std::string& config, const EventsArgs& a) {
  auto db = OpenDatabaseToRead(config);
  if (!db.ok()) return cli::Fail(db.error());
  auto found = ListEvents(**db, {.limit = 1, .include_raw = a.json, .id = a.id});
  if (!found.ok()) return cli::Fail(found.error());
  if (found->empty()) return cli::Fail("no event " + a.id);
  nlohmann::json& e = found->front();
  if (a.json) {
    e["detected_at"] = cli::JsonTimeText(Text(e, "detected_at"));
    std::cout << e.dump(2) << "\n";
    return 0;
  }
  auto field = [](const char* name, const std::string& value) {
    if (!value.empty()) std::cout << name << std::string(12 - std::string_view(name).size(), ' ') << value << "\n";
  };
  std::string signal = Text(e, "triage_signal");
  field("id", Text(e, "id"));
  field("title", Text(e, "title"));
  field("signal", signal.empty() ? "(not triaged yet)" : cli::PaintWord(signal) + "  score " + ScoreText(e["triage_score"]));
  field("why", Text(e, "triage_reasoning"));
  field("watcher", Text(e, "watcher"));
  field("community", Text(e, "community"));
  field("source", Text(e, "source_type") + " " + Text(e, "source_id"));
  field("url", Text(e, "source_url"));
  field("detected", cli::HumanTimeText(Text(e, "detected_at"), std::chrono::system_clock::now()));
  if (e["source_metadata"].is_object() && !e["source_metadata"].empty()) field("metadata", e["source_metadata"].dump());
  if (!Text(e, "summary").empty()) std::cout << "\n" << Text(e, "summary") << "\n";
  return 0;
}

}  // namespace

void RegisterEventVerbs(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* cmd = app.add_subcommand("events", "the events the watchers stored, with the signal, score and reasoning triage gave each");
  cmd->require_subcommand(1);
  auto a = std::make_shared<EventsArgs>();
  auto* list = cmd->add_subcommand("list", "events, newest first");
  list->add_option("--watcher", a->watcher, "only this watcher's");
  list->add_option("--signal", a->signal, "low | medium | high")->check(CLI::IsMember({"low", "medium", "high"}));
  list->add_option("--since", a->since, "detected since: a duration back from now (7d, 24h) or a time (2026-12-01T20:00Z)");
  list->add_option("--limit", a->limit, "at most this many (default 50)")->check(CLI::Range(1, 500));
  auto* show = cmd->add_subcommand("show", "one event: its fields, signal, score and triage reasoning (--json adds raw_data)");
  show->add_option("id", a->id, "event id")->required();
  for (auto* sub : {list, show}) {
    AddConfigOption(sub, config_path);
    sub->add_flag("--json", a->json, "machine-readable output");
  }
  out.emplace_back(list, [a, &config_path] { return List(config_path, *a); });
  out.emplace_back(show, [a, &config_path] { return Show(config_path, *a); });
}

}  // namespace vigil
