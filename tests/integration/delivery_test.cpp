// Delivery of a real notification (triaged from a PubMed record) to local receivers: a signed
// webhook retried after 500s and verified by the receiver, a Slack-compatible message, the
// platform's API, and e-mail through a local SMTP server.
#include "jobs/deliver/deliver_job.h"

#include <gtest/gtest.h>

#include "common/hmac.h"
#include "jobs/deliver/delivery_message.h"
#include "jobs/triage/triage_job.h"
#include "tests/integration/triage_env.h"
#include "tests/support/scripted_receiver.h"
#include "tests/support/smtp_test_server.h"

namespace vigil {
namespace {

using testing::TriageEnv;
using testsupport::ScriptedAnswer;

// What a receiver does with X-Vigil-Signature-256: recompute over the raw body, compare in constant time.
bool ReceiverAccepts(const HttpRequest& r, const std::string& secret) {
  const std::string* sent = r.Header(kSignatureHeader);
  return sent != nullptr && ConstantTimeEquals(*sent, SignatureValue(secret, r.body));
}

class DeliveryTest : public testsupport::ReceiverFixture {
 protected:
  // Triages pubmed4 into a notification; `channels` is the YAML list of notify.channels.
  std::string Notify(const std::string& channels) {
    settings_ = env_.Configure(
        "watchers: [{name: pubmed-onc, type: literature, community: oncology}]\n"
        "communities: [{name: oncology, rules: {keywords: {pancreatic cancer: 0.9}}}]\n"
        "notify: {platform: {base_url: \"" + (port() ? ReceiverUrl("") : std::string("http://127.0.0.1:9")) +
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
  StartReceiver([](const HttpRequest&, int i) { return ScriptedAnswer{HttpResponse::Text(i < 2 ? 500 : 204, "")}; });
  std::string id = Notify("[{name: hook, type: webhook, url: \"" + ReceiverUrl("/hook") + "\", secret: s3cret}]");
  JobResult r = Deliver(id, "hook");
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  auto got = Received();
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
  StartReceiver([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Text(503, "")}; });
  std::string id = Notify("[{name: hook, type: webhook, url: \"" + ReceiverUrl("/hook") + "\", secret: s}]");
  JobResult r = Deliver(id, "hook");
  EXPECT_EQ(r.kind, JobResult::Kind::kRetry);
  EXPECT_NE(r.error.find("HTTP 503"), std::string::npos) << r.error;
}

TEST_F(DeliveryTest, RejectionByTheReceiverDiscardsTheJob) {
  StartReceiver([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Text(410, "")}; });
  std::string id = Notify("[{name: hook, type: webhook, url: \"" + ReceiverUrl("/hook") + "\"}]");
  EXPECT_EQ(Deliver(id, "hook").kind, JobResult::Kind::kDiscard);
}

TEST_F(DeliveryTest, SlackMessageIsReadable) {
  StartReceiver([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Text(200, "ok")}; });
  std::string id = Notify("[{name: team, type: slack, url: \"" + ReceiverUrl("/services/T0/B0/x") + "\"}]");
  ASSERT_EQ(Deliver(id, "team").kind, JobResult::Kind::kDone);
  auto body = nlohmann::json::parse(Received().at(0).body);
  EXPECT_EQ(body["text"].get<std::string>().find("[HIGH] oncology: Leucocyte telomere length"), 0u) << body.dump();
  std::string blocks = body["blocks"].dump();
  EXPECT_NE(blocks.find("<https://pubmed.ncbi.nlm.nih.gov/27797938/|Leucocyte telomere length"), std::string::npos) << blocks;
  EXPECT_NE(blocks.find("*Suggested hypothesis:*"), std::string::npos);
}

TEST_F(DeliveryTest, PlatformChannelPostsToTheNotificationsEndpoint) {
  StartReceiver([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Json(201, "{}")}; });
  std::string id = Notify("[{name: platform, type: platform}]");
  ASSERT_EQ(Deliver(id, "platform").kind, JobResult::Kind::kDone);
  auto got = Received().at(0);
  EXPECT_EQ(got.path, "/api/notifications");
  EXPECT_EQ(*got.Header("Authorization"), "Bearer pt");
  EXPECT_EQ(nlohmann::json::parse(got.body)["id"], id);
}

TEST_F(DeliveryTest, EmailReachesTheSmtpServer) {
  testsupport::SmtpTestServer smtp;
  std::string id = Notify("[{name: mail, type: email, from: \"vigil <vigil@lab.example>\", to: [a@lab.example, b@lab.example],"
                          " smtp: {url: \"" + smtp.url() + "\"}}]");
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
  std::string id = Notify("[{name: mail, type: email, from: vigil@lab.example, to: a@lab.example, smtp: {url: \"" + smtp.url() + "\"}}]");
  JobResult first = Deliver(id, "mail");
  EXPECT_EQ(first.kind, JobResult::Kind::kRetry);
  EXPECT_NE(first.error.find("451"), std::string::npos) << first.error;
  EXPECT_EQ(Deliver(id, "mail").kind, JobResult::Kind::kDone);
  EXPECT_EQ(smtp.Messages().size(), 1u);
}

TEST_F(DeliveryTest, DismissedNotificationIsNotDelivered) {
  StartReceiver([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Text(200, "")}; });
  std::string id = Notify("[{name: hook, type: webhook, url: \"" + ReceiverUrl("/hook") + "\"}]");
  ASSERT_TRUE(SetNotificationStatus(env_.db(), id, "dismissed", "", std::chrono::system_clock::now()).ok());
  EXPECT_EQ(Deliver(id, "hook").kind, JobResult::Kind::kDone);
  EXPECT_TRUE(Received().empty());
}

}  // namespace
}  // namespace vigil
