// `communities:`, `triage:` and `notify:` parsed and validated with file:line:col errors.
#include "jobs/triage/triage_config.h"

#include <gtest/gtest.h>

#include "jobs/schedule_config.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

Result<TriageSettings> Parse(const std::string& yaml) {
  auto config = ParseConfig(yaml, "/etc/vigil/vigil.yaml");
  EXPECT_TRUE(config.ok()) << config.error();
  return ParseTriageSettings(**config);
}

std::string ErrorOf(const std::string& yaml) {
  auto r = Parse(yaml);
  return r.ok() ? "(no error)" : r.error();
}

TEST(TriageConfigTest, ReadsACommunityWithEveryRule) {
  auto s = Parse(R"(
communities:
  - name: oncology
    channels: [ops]
    rules:
      keywords: {pancreatic cancer: 0.6, KRAS: 0.3}
      required: [cancer]
      excluded: [retracted]
      source_weights: {"source:pubmed": 1.2}
      recency_half_life: 14d
      thresholds: {medium: 0.3, high: 0.8}
      notify_at: high
      cooldown: 10m
      digest: {schedule: "0 7 * * *", tz: Europe/Berlin}
triage:
  llm: {base_url: "http://127.0.0.1:8000/v1/", model: m, timeout: 5s}
notify:
  channels:
    - {name: ops, type: webhook, url: "https://hooks.example/x", secret: k}
)");
  ASSERT_TRUE(s.ok()) << s.error();
  const CommunitySettings& c = s->communities.at(0);
  EXPECT_EQ(c.rules.keywords.size(), 2u);
  EXPECT_EQ(c.rules.required, std::vector<std::string>{"cancer"});
  EXPECT_EQ(c.rules.source_weights.at("source:pubmed"), 1.2);
  EXPECT_EQ(c.rules.recency_half_life, std::chrono::hours(24 * 14));
  EXPECT_EQ(c.rules.medium, 0.3);
  EXPECT_EQ(c.notify_at, Signal::kHigh);
  EXPECT_EQ(c.cooldown, std::chrono::minutes(10));
  ASSERT_TRUE(c.digest);
  EXPECT_EQ(c.digest->tz, "Europe/Berlin");
  ASSERT_TRUE(s->llm);
  EXPECT_EQ(s->llm->base_url, "http://127.0.0.1:8000/v1");
  EXPECT_EQ(s->llm->timeout, std::chrono::seconds(5));
}

TEST(TriageConfigTest, BadThresholdNamesFileLineAndKey) {
  EXPECT_EQ(ErrorOf("communities:\n  - name: onc\n    rules:\n      thresholds: {medium: 0.5, high: 1.5}\n"),
            "vigil.yaml:4:39: communities[0].rules.thresholds.high: expected a number from 0 to 1");
}

TEST(TriageConfigTest, UnknownRuleKeyIsAnError) {
  EXPECT_NE(ErrorOf("communities:\n  - name: onc\n    rules:\n      keyword: {x: 1}\n").find("vigil.yaml:4:16: communities[0].rules.keyword: unknown key"),
            std::string::npos);
}

TEST(TriageConfigTest, ReadsACommunityAsThePlatformKnowsIt) {
  auto s = Parse(R"(
communities:
  - name: oncology
    display_name: Oncology
    description: Tumour biology and trials.
    purpose:
      thinking_type: evaluative
      core_questions:
        - Does it replicate?
        - Is the effect clinically relevant?
      decision_context: which trials to follow
    participation_model: approver
    rules: {max_auto_threads_per_day: 3}
  - name: cardiology
)");
  ASSERT_TRUE(s.ok()) << s.error();
  const CommunitySettings& c = s->communities.at(0);
  EXPECT_EQ(c.display_name, "Oncology");
  EXPECT_EQ(c.description, "Tumour biology and trials.");
  EXPECT_EQ(c.purpose["thinking_type"], "evaluative");
  EXPECT_EQ(c.purpose["core_questions"].size(), 2u);
  EXPECT_EQ(c.participation_model, "approver");
  EXPECT_EQ(c.max_auto_threads_per_day, 3);
  const CommunitySettings& d = s->communities.at(1);
  EXPECT_EQ(d.display_name, "cardiology");
  EXPECT_EQ(d.purpose, nlohmann::json::object());
  EXPECT_EQ(d.participation_model, "guided");
  EXPECT_EQ(d.max_auto_threads_per_day, 10);
}

TEST(TriageConfigTest, UnknownParticipationModelNamesTheChoices) {
  EXPECT_EQ(ErrorOf("communities:\n  - name: onc\n    participation_model: moderator\n"),
            "vigil.yaml:3:26: communities[0].participation_model: \"moderator\" is not one of observer, guided, participant, approver");
}

TEST(TriageConfigTest, PurposeMustBeAMap) {
  EXPECT_EQ(ErrorOf("communities:\n  - name: onc\n    purpose: decide things\n"),
            "vigil.yaml:3:14: communities[0].purpose: expected a map (such as {thinking_type, core_questions, decision_context})");
}

TEST(TriageConfigTest, DailyAutoThreadCapIsBounded) {
  EXPECT_EQ(ErrorOf("communities:\n  - name: onc\n    rules: {max_auto_threads_per_day: -1}\n"),
            "vigil.yaml:3:39: communities[0].rules.max_auto_threads_per_day: expected an integer from 0 to 10000");
}

TEST(TriageConfigTest, CommunityChannelMustExist) {
  EXPECT_NE(ErrorOf("communities:\n  - name: onc\n    channels: [nope]\n").find("communities[0].channels: no channel named \"nope\""),
            std::string::npos);
}

TEST(TriageConfigTest, EmailChannelNeedsSmtpAndRecipients) {
  EXPECT_NE(ErrorOf("notify:\n  channels:\n    - {name: m, type: email, from: a@b.c}\n").find("notify.channels[0].to: is required"),
            std::string::npos);
  EXPECT_NE(ErrorOf("notify:\n  channels:\n    - {name: m, type: email, from: a@b.c, to: x@y.z, smtp: {url: \"http://x\"}}\n")
                .find("notify.channels[0].smtp.url: expected smtp://host:port"),
            std::string::npos);
}

TEST(TriageConfigTest, SmtpPasswordInClearTextIsAnErrorUnlessAllowed) {
  const std::string mail = "notify:\n  channels:\n    - {name: m, type: email, from: a@b.c, to: x@y.z, smtp: {url: \"smtp://mx:25\", ";
  EXPECT_NE(ErrorOf(mail + "password: pw, starttls: false}}\n").find("notify.channels[0].smtp.password: would cross the network in clear text"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(mail + "password: pw, starttls: false, allow_plaintext_auth: true}}\n"), "(no error)");
  EXPECT_EQ(ErrorOf(mail + "password: pw}}\n"), "(no error)") << "starttls is on by default";
  EXPECT_EQ(ErrorOf(mail + "starttls: false}}\n"), "(no error)") << "no password, nothing secret to protect";
}

TEST(TriageConfigTest, SmtpStarttlsIsOnByDefault) {
  auto config = Config::Parse("notify:\n  channels:\n    - {name: m, type: email, from: a@b.c, to: x@y.z, smtp: {url: \"smtp://mx:25\", "
                              "ca_file: /etc/ssl/lab-ca.pem}}\n", "vigil.yaml");
  ASSERT_TRUE(config.ok()) << config.error();
  auto settings = ParseTriageSettings(**config);
  ASSERT_TRUE(settings.ok()) << settings.error();
  EXPECT_TRUE(settings->channels.at(0).smtp.starttls);
  EXPECT_FALSE(settings->channels.at(0).smtp.allow_plaintext_auth);
  EXPECT_EQ(settings->channels.at(0).smtp.ca_file, "/etc/ssl/lab-ca.pem");
}

TEST(TriageConfigTest, BadDigestScheduleFailsSchedulesFrom) {
  auto config = ParseConfig("communities:\n  - name: onc\n    rules: {digest: {schedule: \"61 7 * * *\"}}\n", "vigil.yaml");
  ASSERT_TRUE(config.ok());
  auto schedules = SchedulesFrom(**config);
  ASSERT_FALSE(schedules.ok());
  EXPECT_NE(schedules.error().find("communities[0].rules.digest.schedule"), std::string::npos) << schedules.error();
}

}  // namespace
}  // namespace vigil
