// `vigil watchers test NAME`: what a watcher of any type would make now, and the signal and
// reasoning each event would get from the current rules, storing nothing (the database is only
// read, to judge near-duplicates):
//   literature  one poll;
//   webhook     --payload FILE [--header K:V]... [--method M]: the request through the daemon's own
//               decision (verification, content type, trigger rules, mapping);
//   log         --line TEXT or --file F: which rule matched each record and the event it makes
//               (rate limits not applied);
//   scheduled   one fire now.
// The exit status is 0 whenever the test ran, whatever it found (a refused request included).
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/stat.h>

#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "daemon/cli/watcher_test_target.h"
#include "daemon/watcher_dry_poll.h"
#include "sources/log/log_event.h"
#include "sources/webhook/webhook_watcher.h"

namespace vigil {
namespace {

struct TestArgs {
  std::string name, payload, line, file, method;
  std::vector<std::string> headers;
  bool json = false;
};

// What a tester found: the events and, per type, what else there is to say (details: beside
// "events" with --json; lines: for a person, before the events).
using Found = DryPoll;

Result<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(std::string(what) + " " + path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<Found> TestLiterature(const cli::TestTarget& t) { return DryPollLiterature(*t.config, *t.watcher, nullptr); }

Result<HttpRequest> WebhookRequest(const WebhookWatcher& hook, const TestArgs& a) {
  auto body = ReadFile(a.payload, "--payload");
  if (!body.ok()) return body.status();
  HttpRequest r{.method = a.method.empty() ? hook.methods().front() : a.method, .target = hook.path(), .path = hook.path(),
                .query = "", .headers = {}, .body = std::move(*body), .remote_addr = "127.0.0.1"};
  for (const auto& h : a.headers) {
    size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0) return Status::Error("--header \"" + h + "\" is not NAME:VALUE");
    size_t start = h.find_first_not_of(' ', colon + 1);
    r.headers.emplace_back(h.substr(0, colon), start == std::string::npos ? "" : h.substr(start));
  }
  return r;
}

// The reason the daemon's answer gives ("" when it has none).
std::string AnswerReason(const HttpResponse& response) {
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  return body.is_object() ? body.value("reason", body.value("ignored", "")) : "";
}

// Each step's outcome, as far as the request got: verification, then the trigger rules.
nlohmann::json WebhookSteps(const WebhookWatcher& hook, const HookDecision& d) {
  bool refused_early = d.outcome == HookOutcome::kInvalid && (d.response.status == 405 || d.response.status == 413);
  bool unreadable = d.outcome == HookOutcome::kInvalid && !refused_early;
  std::string verification = hook.verify_scheme() == nullptr      ? "not configured"
                             : d.outcome == HookOutcome::kUnauthorized ? "failed"
                             : refused_early                      ? "not reached"
                                                                  : "passed";
  std::string trigger = d.outcome == HookOutcome::kRejected ? "did not match"
                        : d.outcome != HookOutcome::kAccepted ? "not reached"
                        : hook.has_trigger()                  ? "matched"
                                                              : "not configured";
  int status = d.outcome == HookOutcome::kAccepted ? 202 : d.response.status;
  return {{"outcome", HookOutcomeName(d.outcome)},
          {"verification", {{"result", verification}, {"scheme", hook.verify_scheme() ? hook.verify_scheme() : ""},
                            {"reason", d.outcome == HookOutcome::kUnauthorized ? AnswerReason(d.response) : ""}}},
          {"trigger", {{"result", trigger}}},
          {"answer", {{"status", status}, {"reason", unreadable || d.outcome == HookOutcome::kRejected || refused_early ? AnswerReason(d.response) : ""}}}};
}

Result<Found> TestWebhook(const cli::TestTarget& t, const TestArgs& a) {
  if (a.payload.empty()) return Status::Error("a webhook watcher is tested with --payload FILE (and --header NAME:VALUE for each header)");
  auto hook = WebhookWatcher::From(*t.watcher, "watchers[" + std::to_string(t.index) + "]");
  if (!hook.ok()) return hook.status();
  auto request = WebhookRequest(*hook, a);
  if (!request.ok()) return request.status();
  HookDecision d = hook->Decide(*request, std::chrono::system_clock::now());
  Found f;
  f.details = WebhookSteps(*hook, d);
  const auto& v = f.details["verification"];
  f.lines.push_back("verification: " + v["result"].get<std::string>() +
                    (v["scheme"].get<std::string>().empty() ? "" : " (" + v["scheme"].get<std::string>() + ")") +
                    (v["reason"].get<std::string>().empty() ? "" : ": " + v["reason"].get<std::string>()));
  f.lines.push_back("trigger: " + f.details["trigger"]["result"].get<std::string>());
  std::string reason = f.details["answer"]["reason"].get<std::string>();
  f.lines.push_back("the daemon would answer " + std::to_string(f.details["answer"]["status"].get<int>()) +
                    (d.outcome == HookOutcome::kAccepted ? " and store the event" : "") + (reason.empty() ? "" : ": " + reason));
  if (d.outcome == HookOutcome::kAccepted) f.events.push_back(std::move(d.event));
  return f;
}

Result<Found> TestLog(const cli::TestTarget& t, const TestArgs& a) {
  if (a.line.empty() == a.file.empty()) return Status::Error("a log watcher is tested with --line TEXT or --file F (one of them)");
  auto spec = ParseLogWatcherSpec(*t.config, *t.watcher, t.index);
  if (!spec.ok()) return spec.status();
  std::vector<TailedRecord> records;
  if (!a.line.empty()) {
    records.push_back({"(--line)", 0, {0, a.line}});
  } else {
    auto text = ReadFile(a.file, "--file");
    if (!text.ok()) return text.status();
    struct stat st {};
    int64_t inode = ::stat(a.file.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_ino) : 0;
    auto split = SplitRecords(*text, 0, {.start = spec->start.get(), .emit_pending = true, .take_partial = true});
    for (auto& r : split.records) records.push_back({a.file, inode, std::move(r)});
  }
  Found f;
  f.details["records"] = nlohmann::json::array();
  for (const auto& r : records) {
    auto m = spec->rules.Match(r.record.text);
    f.details["records"].push_back({{"offset", r.record.offset}, {"rule", m ? nlohmann::json(m->rule->name) : nlohmann::json(nullptr)}});
    if (m) f.events.push_back(LogEventFor(*spec, r, *m));
    else if (records.size() == 1) f.lines.push_back("no rule matched: the line makes no event");
  }
  if (records.size() != 1) f.lines.push_back(std::to_string(records.size()) + " records, " + std::to_string(f.events.size()) + " matched a rule");
  for (size_t i = 0; i < f.events.size(); ++i)
    f.lines.push_back("rule " + f.events[i].source_metadata.value("rule", "") + " matched at offset " +
                      std::to_string(f.events[i].source_metadata.value("offset", int64_t(0))));
  return f;
}

Result<Found> TestScheduled(const cli::TestTarget& t) { return DryPollScheduled(*t.config, *t.watcher, t.index, t.db.get(), nullptr); }

Result<Found> TestByType(const cli::TestTarget& t, const std::string& type, const TestArgs& a) {
  if (type == "literature") return TestLiterature(t);
  if (type == "webhook") return TestWebhook(t, a);
  if (type == "log") return TestLog(t, a);
  if (type == "scheduled") return TestScheduled(t);
  return Status::Error("watchers of type " + type + " cannot be tested");
}

// A flag that belongs to another type's test is a usage error, not silently ignored.
std::string MisplacedFlag(const std::string& type, const TestArgs& a) {
  if (type != "webhook" && (!a.payload.empty() || !a.headers.empty() || !a.method.empty()))
    return "--payload, --header and --method are for webhook watchers; " + a.name + " is a " + type + " watcher";
  if (type != "log" && (!a.line.empty() || !a.file.empty())) return "--line and --file are for log watchers; " + a.name + " is a " + type + " watcher";
  return "";
}

int Test(const std::string& path, const TestArgs& a) {
  auto target = cli::FindTestTarget(path, a.name);
  if (!target.ok()) return cli::Fail(target.error());
  std::string type = target->watcher->value("type", "");
  if (std::string misplaced = MisplacedFlag(type, a); !misplaced.empty()) return cli::Fail(misplaced, 2);
  bool usage = (type == "webhook" && a.payload.empty()) || (type == "log" && a.line.empty() == a.file.empty());
  auto found = TestByType(*target, type, a);
  if (!found.ok()) return cli::Fail(a.name + ": " + found.error(), usage ? 2 : 1);
  auto previewer = cli::EventPreviewer::For(*target);
  if (!previewer.ok()) return cli::Fail(previewer.error());
  std::vector<TriagePreview> previews;
  for (const auto& e : found->events) {
    auto p = previewer->Preview(e);
    if (!p.ok()) return cli::Fail(p.error());
    previews.push_back(std::move(*p));
  }
  if (a.json) {
    nlohmann::json out = found->details;
    out["watcher"] = a.name;
    out["type"] = type;
    out["events"] = nlohmann::json::array();
    for (size_t i = 0; i < previews.size(); ++i) out["events"].push_back(cli::EventJson(found->events[i], previews[i]));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (const auto& line : found->lines) std::cout << line << "\n";
  std::cout << found->events.size() << " events would be created (nothing stored):\n";
  for (size_t i = 0; i < previews.size(); ++i) cli::PrintEvent(found->events[i], previews[i]);
  return 0;
}

}  // namespace

void RegisterWatcherTestVerb(CLI::App& watchers, VerbList& out, std::string& config_path) {
  auto a = std::make_shared<TestArgs>();
  auto* test = watchers.add_subcommand("test", "what a watcher would make now and the signal each event would get; nothing stored");
  test->add_option("name", a->name, "watcher name (or a platform row's id)")->required();
  test->add_option("--payload", a->payload, "webhook: the request body, from this file");
  test->add_option("--header", a->headers, "webhook: a request header NAME:VALUE (repeat for more)");
  test->add_option("--method", a->method, "webhook: the request method (default: the watcher's first)");
  test->add_option("--line", a->line, "log: one record to match");
  test->add_option("--file", a->file, "log: a file whose records are matched");
  AddConfigOption(test, config_path);
  test->add_flag("--json", a->json, "machine-readable output");
  out.emplace_back(test, [a, &config_path] { return Test(config_path, *a); });
}

}  // namespace vigil
