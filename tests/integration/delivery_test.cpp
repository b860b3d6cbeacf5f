// Delivery of a real notification (triaged from a PubMed record) to local receivers: a signed
// webhook retried after 500s and verified by the receiver, a Slack-compatible message, the
// platform's API, and e-mail through a local SMTP server.
#include "jobs/deliver/deliver_job.h"

#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "common/hmac.h"
#include "jobs/deliver/delivery_message.h"
#include "jobs/triage/triage_job.h"
#include "store/db_time.h"
#include "store/job_repo.h"
#include "tests/integration/triage_env.h"
#include "tests/support/daemon_process.h"
#include "tests/support/smtp_test_server.h"
#include "tests/support/stand_in_server.h"

namespace vigil {
namespace {

using testing::TriageEnv;
using testsupport::ScriptedAnswer;

// What a receiver does with X-Vigil-Signature-256: recompute over the raw body, compare in constant time.
bool ReceiverAccepts(const HttpRequest& r, const std::string& secret) {
  const std::string* sent = r.Header(kSignatureHeader);
  return sent != nullptr && ConstantTimeEquals(*sent, SignatureValue(secret, r.body));
}

class DeliveryTest : public testsupport::StandInServer {
 protected:
  // Triages pubmed4 into a notification; `channels` is the YAML list of notify.channels.
  std::string Notify(const std::string& channels) {
    settings_ = env_.Configure(
        "watchers: [{name: pubmed-onc, type: literature, source: pubmed, query: cancer, community: oncology}]\n"
        "communities: [{name: oncology, rules: {keywords: {pancreatic cancer: 0.9}}}]\n"
        "notify: {platform: {base_url: \"" + (port() ? Url() : std::string("http://127.0.0.1:9")) +
        "\", token: pt}, channels: " + channels + "}\n");
    auto out = TriageEvent(settings_, nullptr, env_.db(), env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml")),
                           std::chrono::system_clock::now(), nullptr);
    EXPECT_TRUE(out.ok() && !out->notification_id.empty());
    return out.ok() ? out->notification_id : "";
  }
  JobResult Deliver(const std::string& id, const std::string& channel) {
    return DeliverNotification(settings_, *http_, env_.db(), {{"notification_id", id}, {"channel", channel}},
                               std::chrono::system_clock::now(), nullptr);
  }

  TriageEnv env_{"sqlite"};
  TriageSettings settings_;
  std::unique_ptr<HttpClient> http_ = testing::LoopbackClient();
};

TEST_F(DeliveryTest, SignedWebhookIsRetriedAfter500sAndVerifiedByTheReceiver) {
  StartStandIn([](const HttpRequest&, int i) { return ScriptedAnswer{HttpResponse::Text(i < 2 ? 500 : 204, "")}; });
  std::string id = Notify("[{name: hook, type: webhook, url: \"" + Url("/hook") + "\", secret: s3cret}]");
  JobResult r = Deliver(id, "hook");
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  auto got = Arrivals();
  ASSERT_EQ(got.size(), 3u) << "two 500s, then accepted";
  for (const auto& req : got) {
    EXPECT_TRUE(ReceiverAccepts(req, "s3cret"));
    EXPECT_FALSE(ReceiverAccepts(req, "wrong-secret"));
    EXPECT_EQ(*req.Header("X-Vigil-Delivery"), id + ":hook") << "the same key on every attempt";
  }
  auto body = nlohmann::json::parse(got[2].body);
  EXPECT_EQ(body["type"], "notification");
  EXPECT_EQ(body["notification"]["id"], id);
  EXPECT_EQ(body["notification"]["signal"], "high");
  EXPECT_EQ(body["notification"]["source_url"], "https://pubmed.ncbi.nlm.nih.gov/27797938/");
}

TEST_F(DeliveryTest, ReceiverThatKeepsFailingMakesTheJobRetry) {
  StartStandIn([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Text(503, "")}; });
  std::string id = Notify("[{name: hook, type: webhook, url: \"" + Url("/hook") + "\", secret: s}]");
  JobResult r = Deliver(id, "hook");
  EXPECT_EQ(r.kind, JobResult::Kind::kRetry);
  EXPECT_NE(r.error.find("HTTP 503"), std::string::npos) << r.error;
}

TEST_F(DeliveryTest, RejectionByTheReceiverDiscardsTheJob) {
  StartStandIn([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Text(410, "")}; });
  std::string id = Notify("[{name: hook, type: webhook, url: \"" + Url("/hook") + "\"}]");
  EXPECT_EQ(Deliver(id, "hook").kind, JobResult::Kind::kDiscard);
}

TEST_F(DeliveryTest, SlackMessageIsReadable) {
  StartStandIn([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Text(200, "ok")}; });
  std::string id = Notify("[{name: team, type: slack, url: \"" + Url("/services/T0/B0/x") + "\"}]");
  ASSERT_EQ(Deliver(id, "team").kind, JobResult::Kind::kDone);
  auto body = nlohmann::json::parse(Arrivals().at(0).body);
  EXPECT_EQ(body["text"].get<std::string>().find("[HIGH] oncology: Leucocyte telomere length"), 0u) << body.dump();
  std::string blocks = body["blocks"].dump();
  EXPECT_NE(blocks.find("<https://pubmed.ncbi.nlm.nih.gov/27797938/|Leucocyte telomere length"), std::string::npos) << blocks;
  EXPECT_NE(blocks.find("*Suggested hypothesis:*"), std::string::npos);
}

TEST_F(DeliveryTest, PlatformChannelPostsToTheNotificationsEndpoint) {
  StartStandIn([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Json(201, "{}")}; });
  std::string id = Notify("[{name: platform, type: platform}]");
  ASSERT_EQ(Deliver(id, "platform").kind, JobResult::Kind::kDone);
  auto got = Arrivals().at(0);
  EXPECT_EQ(got.path, "/api/notifications");
  EXPECT_EQ(*got.Header("Authorization"), "Bearer pt");
  EXPECT_EQ(nlohmann::json::parse(got.body)["id"], id);
}

TEST_F(DeliveryTest, EmailReachesTheSmtpServer) {
  testsupport::SmtpTestServer smtp;
  std::string id = Notify("[{name: mail, type: email, from: \"vigil <vigil@lab.example>\", to: [a@lab.example, b@lab.example],"
                          " smtp: {url: \"" + smtp.url() + "\", starttls: false}}]");
  JobResult r = Deliver(id, "mail");
  ASSERT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  auto mails = smtp.Messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].mail_from, "vigil@lab.example");
  EXPECT_EQ(mails[0].rcpt_to, (std::vector<std::string>{"a@lab.example", "b@lab.example"}));
  EXPECT_NE(mails[0].data.find("Subject: [vigil high] oncology: Leucocyte telomere length"), std::string::npos) << mails[0].data;
  EXPECT_NE(mails[0].data.find("Link: https://pubmed.ncbi.nlm.nih.gov/27797938/\r\n"), std::string::npos);
  EXPECT_NE(mails[0].data.find("notification " + id), std::string::npos);
}

TEST_F(DeliveryTest, EmailRefusedBySmtpServerIsRetriedByTheJob) {
  testsupport::SmtpTestServer smtp(1);
  std::string id = Notify("[{name: mail, type: email, from: vigil@lab.example, to: a@lab.example, smtp: {url: \"" + smtp.url() + "\", starttls: false}}]");
  JobResult first = Deliver(id, "mail");
  EXPECT_EQ(first.kind, JobResult::Kind::kRetry);
  EXPECT_NE(first.error.find("451"), std::string::npos) << first.error;
  EXPECT_EQ(Deliver(id, "mail").kind, JobResult::Kind::kDone);
  EXPECT_EQ(smtp.Messages().size(), 1u);
}

// Runs the queued deliver jobs as the job engine does (claim, run, record the outcome) with the
// log captured; returns the log text.
std::string RunDeliverJobsCapturingTheLog(SqlConnection& db, const TriageSettings& settings, HttpClient& http) {
  std::ostringstream log;
  auto capture = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  capture->set_level(spdlog::level::trace);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(capture);
  auto now = std::chrono::system_clock::now();
  auto jobs = ClaimJobs(db, "default", 10, "test-worker", now, std::chrono::minutes(1));
  EXPECT_TRUE(jobs.ok()) << jobs.error();
  std::vector<JobOutcome> outcomes;
  for (const auto& job : jobs.ok() ? *jobs : std::vector<JobRow>{}) {
    if (job.kind != "deliver") continue;
    JobResult r = DeliverNotification(settings, http, db, nlohmann::json::parse(job.args), now, nullptr);
    spdlog::warn("job {} ({}) will retry: {}", job.id, job.kind, r.error);  // as the engine logs it
    outcomes.push_back({.id = job.id, .ok = false, .error = r.error, .discard = r.kind == JobResult::Kind::kDiscard,
                        .retry_at_us = ToMicros(now + std::chrono::minutes(1))});
  }
  EXPECT_TRUE(FinishJobs(db, outcomes, "test-worker", now).ok());
  spdlog::set_default_logger(previous);
  return log.str();
}

TEST_F(DeliveryTest, ChannelUrlPathsStayOutOfLogsAndLastErrors) {
  StartStandIn([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Text(500, "down")}; });
  std::string closed = "http://127.0.0.1:" + std::to_string(testing::FreePort());
  Notify("[{name: team, type: slack, url: \"" + Url("/services/T000/B000/SlackPathSecret") + "\"},"
         " {name: hook, type: webhook, url: \"" + closed + "/hooks/HookPathSecret?token=QuerySecret\"}]");
  std::string log = RunDeliverJobsCapturingTheLog(env_.db(), settings_, *http_);
  auto errors = env_.db().Query("SELECT last_error FROM vigil_jobs WHERE kind = 'deliver' ORDER BY id");
  ASSERT_TRUE(errors.ok() && errors->rows.size() == 2u);
  std::string stored = errors->rows[0].Text(0) + "\n" + errors->rows[1].Text(0);
  for (const std::string& text : {log, stored}) {
    for (const char* secret : {"SlackPathSecret", "HookPathSecret", "QuerySecret", "/services/", "/hooks/"})
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in:\n" << text;
  }
  EXPECT_NE(stored.find(closed + "/***"), std::string::npos) << "scheme and host still say where: " << stored;
  EXPECT_NE(log.find(Url() + "/***"), std::string::npos) << log;
}

TEST_F(DeliveryTest, DismissedNotificationIsNotDelivered) {
  StartStandIn([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Text(200, "")}; });
  std::string id = Notify("[{name: hook, type: webhook, url: \"" + Url("/hook") + "\"}]");
  ASSERT_TRUE(SetNotificationStatus(env_.db(), id, "dismissed", "", std::chrono::system_clock::now()).ok());
  EXPECT_EQ(Deliver(id, "hook").kind, JobResult::Kind::kDone);
  EXPECT_TRUE(Arrivals().empty());
}

}  // namespace
}  // namespace vigil
