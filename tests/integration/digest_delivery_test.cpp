// A digest made from the real PubMed records, delivered by the `deliver` job to local receivers:
// a signed webhook the receiver verifies, a readable Slack message, an e-mail through a local SMTP
// server, and the platform only when it has a digests endpoint. Either dialect.
#include <gtest/gtest.h>

#include "common/hmac.h"
#include "jobs/deliver/deliver_job.h"
#include "jobs/deliver/delivery_message.h"
#include "store/digest_repo.h"
#include "tests/integration/digest_fixture.h"
#include "tests/support/smtp_test_server.h"

namespace vigil {
namespace {

using testsupport::ScriptedAnswer;

class DigestDeliveryTest : public testing::DigestFixture {
 protected:
  // Configures `channels`, triages the fixtures and makes the digest; returns its id.
  std::string MakeOne(const std::string& channels, const std::string& platform = "") {
    Configure(channels, "0s", platform);
    waiting_ = TriageFixtures();
    auto out = Digest(1);
    EXPECT_TRUE(out.ok() && !out->digest_id.empty());
    return out.ok() ? out->digest_id : "";
  }
  JobResult Send(const std::string& digest_id, const std::string& channel) {
    return Deliver(settings_, *http_, env_.db(), {{"digest_id", digest_id}, {"channel", channel}}, now_, nullptr);
  }
  void Accept() {
    StartStandIn([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Text(200, "ok")}; });
  }

  int waiting_ = 0;
  std::unique_ptr<HttpClient> http_ = testing::LoopbackClient();
};

TEST_P(DigestDeliveryTest, SignedWebhookCarriesEveryItemAndIsVerifiedByTheReceiver) {
  StartStandIn([](const HttpRequest&, int i) { return ScriptedAnswer{HttpResponse::Text(i == 0 ? 500 : 204, "")}; });
  std::string id = MakeOne("[{name: hook, type: webhook, url: \"" + Url("/hook") + "\", secret: s3cret}]");
  JobResult r = Send(id, "hook");
  ASSERT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  auto got = Arrivals();
  ASSERT_EQ(got.size(), 2u) << "a 500, then accepted";
  for (const auto& req : got) {
    const std::string* sig = req.Header(kSignatureHeader);
    ASSERT_NE(sig, nullptr);
    EXPECT_TRUE(ConstantTimeEquals(*sig, SignatureValue("s3cret", req.body)));
    EXPECT_FALSE(ConstantTimeEquals(*sig, SignatureValue("other", req.body)));
    EXPECT_EQ(*req.Header("X-Vigil-Delivery"), id + ":hook");
    EXPECT_EQ(*req.Header("X-Vigil-Event"), "digest");
  }
  auto body = nlohmann::json::parse(got[1].body);
  EXPECT_EQ(body["type"], "digest");
  EXPECT_EQ(body["digest"]["id"], id);
  EXPECT_EQ(body["digest"]["community"], "oncology");
  ASSERT_EQ(body["digest"]["items"].size(), static_cast<size_t>(waiting_));
  const auto& top = body["digest"]["items"][0];
  EXPECT_EQ(top["signal"], "medium");
  EXPECT_DOUBLE_EQ(top["score"].get<double>(), 0.45);
  EXPECT_EQ(top["title"].get<std::string>().find("Occupational pesticide exposure"), 0u);
  EXPECT_EQ(top["source_type"], "pubmed");
}

TEST_P(DigestDeliveryTest, SlackMessageIsReadable) {
  Accept();
  std::string id = MakeOne("[{name: team, type: slack, url: \"" + Url("/services/T0/B0/x") + "\"}]");
  ASSERT_EQ(Send(id, "team").kind, JobResult::Kind::kDone);
  auto body = nlohmann::json::parse(Arrivals().at(0).body);
  EXPECT_EQ(body["text"], "Digest for oncology: " + std::to_string(waiting_) + " items (1 medium, " + std::to_string(waiting_ - 1) + " low)");
  std::string blocks = body["blocks"].dump();
  EXPECT_NE(blocks.find("Digest · oncology · " + std::to_string(waiting_) + " items"), std::string::npos) << blocks;
  EXPECT_NE(blocks.find("*MEDIUM* (1)"), std::string::npos) << blocks;
  EXPECT_NE(blocks.find("*LOW* (" + std::to_string(waiting_ - 1) + ")"), std::string::npos) << blocks;
  EXPECT_NE(blocks.find("• *<https://pubmed.ncbi.nlm.nih.gov/"), std::string::npos) << blocks;
  EXPECT_NE(blocks.find("|Occupational pesticide exposure"), std::string::npos) << blocks;
  EXPECT_NE(blocks.find("pubmed · pubmed-onc · score 0.45"), std::string::npos) << blocks;
  EXPECT_LT(blocks.find("*MEDIUM*"), blocks.find("*LOW*")) << "strongest first";
}

TEST_P(DigestDeliveryTest, EmailReachesTheSmtpServer) {
  testsupport::SmtpTestServer smtp;
  std::string id = MakeOne("[{name: mail, type: email, from: \"vigil <vigil@lab.example>\", to: [a@lab.example], smtp: {url: \"" +
                           smtp.url() + "\", starttls: false}}]");
  JobResult r = Send(id, "mail");
  ASSERT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  auto mails = smtp.Messages();
  ASSERT_EQ(mails.size(), 1u);
  const std::string m = testsupport::DecodeQuotedPrintable(mails[0].data);
  EXPECT_NE(m.find("Subject: [vigil digest] oncology: " + std::to_string(waiting_) + " items\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("Message-ID: <" + id + ".mail@lab.example>"), std::string::npos) << m;
  EXPECT_NE(m.find("\r\nMEDIUM (1)\r\n1. Occupational pesticide exposure"), std::string::npos) << m;
  EXPECT_NE(m.find("   pubmed · pubmed-onc · score 0.45\r\n   https://pubmed.ncbi.nlm.nih.gov/"), std::string::npos) << m;
  EXPECT_NE(m.find("digest " + id), std::string::npos);
}

TEST_P(DigestDeliveryTest, PlatformGetsTheDigestOnlyAtItsDigestsPath) {
  StartStandIn([](const HttpRequest&, int) { return ScriptedAnswer{HttpResponse::Json(201, "{}")}; });
  std::string channels = "[{name: platform, type: platform}]";
  Configure(channels, "0s", ", digests_path: /api/digests, token: pt");
  settings_.platform.base_url = Url();
  TriageFixtures();
  auto out = Digest(1);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->deliveries, 1u);
  ASSERT_EQ(Send(out->digest_id, "platform").kind, JobResult::Kind::kDone);
  auto got = Arrivals().at(0);
  EXPECT_EQ(got.path, "/api/digests");
  EXPECT_EQ(*got.Header("Authorization"), "Bearer pt");
  EXPECT_EQ(nlohmann::json::parse(got.body)["digest"]["id"], out->digest_id);
}

TEST_P(DigestDeliveryTest, DigestWithoutAnEndpointIsNotSentToThePlatform) {
  Configure("[{name: platform, type: platform}]");
  TriageFixtures();
  auto out = Digest(1);
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->digest_id.empty());
  EXPECT_EQ(out->deliveries, 0u);
}

TEST_P(DigestDeliveryTest, EveryRetrySendsTheSameMessageAfterRetentionPrunedTheEvents) {
  Accept();
  std::string id = MakeOne("[{name: hook, type: webhook, url: \"" + Url("/hook") + "\"}]");
  ASSERT_EQ(Send(id, "hook").kind, JobResult::Kind::kDone);
  ASSERT_TRUE(env_.db().Query("DELETE FROM notifications").ok());
  ASSERT_TRUE(env_.db().Query("DELETE FROM watcher_events").ok());
  ASSERT_EQ(Send(id, "hook").kind, JobResult::Kind::kDone);
  auto got = Arrivals();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body, got[1].body);
}

INSTANTIATE_TEST_SUITE_P(Dialects, DigestDeliveryTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
