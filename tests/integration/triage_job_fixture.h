// The triage job tests' fixture (triage_job_test.cpp, triage_queued_test.cpp): an oncology
// community with three watchers, its rules, and a database of either dialect.
#pragma once

#include <gtest/gtest.h>

#include "jobs/triage/triage_job.h"
#include "tests/integration/triage_env.h"
#include "tests/support/stand_in_server.h"

namespace vigil::testing {

inline constexpr const char* kTriageJobYaml = R"(
watchers:
  - {name: pubmed-onc, type: literature, source: pubmed, query: cancer, community: oncology}
  - {name: journal-feed, type: literature, source: pubmed, query: cancer, community: oncology}
  - {name: auto, type: literature, source: pubmed, query: cancer, community: oncology, auto_create_thread: true, auto_thread_approval_rate: RATE}
communities:
  - name: oncology
    display_name: Oncology
    channels: [hooks]
    hypothesis_template: "{title} ({signal}) may matter to {community}"
    rules:
      keywords: {pancreatic cancer: 0.5, telomere: 0.2, matched controls: 0.3}
      thresholds: {medium: 0.4, high: 0.7}
      notify_at: medium
      cooldown: COOLDOWN
notify:
  platform: {base_url: "PLATFORM", token: t0ken}
  channels:
    - {name: hooks, type: webhook, url: "http://127.0.0.1:9/hook", secret: s3cret}
    - {name: unused, type: slack, url: "http://127.0.0.1:9/slack"}
)";

inline std::string Yaml(const std::string& rate = "0.8", const std::string& cooldown = "0s", const std::string& platform = "http://127.0.0.1:9") {
  std::string y = kTriageJobYaml;
  y.replace(y.find("RATE"), 4, rate);
  y.replace(y.find("COOLDOWN"), 8, cooldown);
  y.replace(y.find("PLATFORM"), 8, platform);
  return y;
}

class TriageJobTest : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  Result<TriageOutcome> Triage(const TriageSettings& s, const std::string& id) {
    return TriageEvent(s, nullptr, env_.db(), id, now_, nullptr);
  }
  // A feed item of journal-feed with only a title.
  std::string StoreTitled(const std::string& title, const std::string& source_id) {
    Event e;
    e.title = title;
    e.source_type = "feed";
    e.source_id = source_id;
    return env_.Store("journal-feed", "oncology", e);
  }
  std::string Reasoning(const std::string& id) {
    auto r = env_.db().Query("SELECT triage_reasoning FROM watcher_events WHERE id = $1", {id});
    return r.ok() && !r->rows.empty() ? r->rows[0].Text(0) : std::string("(none)");
  }
  TriageEnv env_{GetParam()};
  TimePoint now_ = std::chrono::system_clock::now();
};

}  // namespace vigil::testing
