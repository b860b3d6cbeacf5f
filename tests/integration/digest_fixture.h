// What the digest tests share: the community `oncology` with a digest, its channels, and the
// real PubMed records triaged into it. With notify_at high, the telomere/pancreatic-cancer paper
// (pubmed4) is a pushed notification; the pesticide paper (medium) and the rest (low) wait for
// the digest. Runs on either dialect (the test's parameter), with a loopback receiver.
#pragma once

#include <gtest/gtest.h>

#include "jobs/deliver/digest_job.h"
#include "jobs/triage/triage_job.h"
#include "sources/literature/pubmed_parser.h"
#include "tests/integration/triage_env.h"
#include "tests/support/stand_in_server.h"

namespace vigil::testing {

inline std::string DigestYaml(const std::string& channels, const std::string& cooldown = "0s", const std::string& platform = "") {
  return "watchers: [{name: pubmed-onc, type: literature, source: pubmed, query: cancer, community: oncology}]\n"
         "communities:\n"
         "  - name: oncology\n"
         "    rules:\n"
         "      keywords: {pancreatic cancer: 0.5, telomere: 0.2, pesticide: 0.45, cryopreservation: 0.15, aids: 0.05}\n"
         "      thresholds: {medium: 0.4, high: 0.7}\n"
         "      notify_at: high\n"
         "      cooldown: " + cooldown + "\n"
         "      digest: {schedule: \"0 7 * * *\", tz: Europe/Berlin}\n"
         "notify:\n"
         "  platform: {base_url: \"http://127.0.0.1:9\"" + platform + "}\n"
         "  channels: " + channels + "\n";
}

class DigestFixture : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void Configure(const std::string& channels, const std::string& cooldown = "0s", const std::string& platform = "") {
    settings_ = env_.Configure(DigestYaml(channels, cooldown, platform));
  }

  // Stores and triages `event`; returns the outcome.
  TriageOutcome Triage(Event event) {
    std::string id = env_.Store("pubmed-onc", "oncology", std::move(event));
    auto out = TriageEvent(settings_, nullptr, env_.db(), id, now_, nullptr);
    EXPECT_TRUE(out.ok()) << out.error();
    return out.ok() ? *out : TriageOutcome{};
  }

  // Triages every record of the PubMed fixtures; returns how many went to the digest.
  int TriageFixtures() {
    int waiting = 0;
    for (const char* file : {"pubmed4.xml", "pubmed5.xml", "pubmed2.xml", "pubmed1.xml"}) {
      auto events = ParsePubmedArticleSet(ReadFixture(std::string("pubmed/") + file));
      EXPECT_TRUE(events.ok());
      for (auto& e : events.ok() ? *events : std::vector<Event>{}) waiting += Triage(std::move(e)).pushed ? 0 : 1;
    }
    return waiting;
  }

  Result<DigestOutcome> Digest(int64_t job_id) { return MakeDigest(settings_, env_.db(), "oncology", job_id, now_); }

  int64_t Waiting() { return env_.Count("SELECT COUNT(*) FROM vigil_digest_items WHERE digest_id IS NULL"); }

  TriageEnv env_{GetParam()};
  TriageSettings settings_;
  TimePoint now_ = std::chrono::system_clock::now();
};

}  // namespace vigil::testing
