// E-mail delivery against a real SMTP server with TLS (aiosmtpd, tests/support/smtp_tls_server.py)
// and a throwaway self-signed certificate: STARTTLS and AUTH trusted through smtp.ca_file, a
// server without STARTTLS never sees the password, smtps://, a permanent 550 is not retried, and
// a long line and a non-ASCII subject arrive intact once Python's email package decodes them.
#include <gtest/gtest.h>

#include "common/utf8_cut.h"
#include "jobs/deliver/deliver_job.h"
#include "jobs/triage/triage_job.h"
#include "tests/integration/triage_env.h"
#include "tests/support/smtp_tls_test_server.h"

namespace vigil {
namespace {

using testing::TriageEnv;
using testsupport::SmtpTlsOptions;
using testsupport::SmtpTlsTestServer;

class EmailDeliveryTest : public ::testing::Test {
 protected:
  // Triages `event` into a notification for one email channel with the given `smtp:` block.
  std::string Notify(const std::string& smtp, Event event = TriageEnv::Pubmed("pubmed4.xml")) {
    settings_ = env_.Configure(
        "watchers: [{name: pubmed-onc, type: literature, source: pubmed, query: cancer, community: oncology}]\n"
        "communities: [{name: oncology, rules: {keywords: {pancreatic cancer: 0.9}}}]\n"
        "notify: {channels: [{name: mail, type: email, from: \"vigil <vigil@lab.example>\", to: [a@lab.example], smtp: " + smtp + "}]}\n");
    auto out = TriageEvent(settings_, nullptr, env_.db(), env_.Store("pubmed-onc", "oncology", std::move(event)),
                           std::chrono::system_clock::now(), nullptr);
    EXPECT_TRUE(out.ok() && !out->notification_id.empty());
    return out.ok() ? out->notification_id : "";
  }
  JobResult Deliver(const std::string& id) {
    return DeliverNotification(settings_, *http_, env_.db(), {{"notification_id", id}, {"channel", "mail"}},
                               std::chrono::system_clock::now(), nullptr);
  }
  static std::string Smtp(const SmtpTlsTestServer& server, const std::string& extra = "") {
    return "{url: \"" + server.url() + "\", username: vigil, password: s3cret-pw, ca_file: \"" + server.ca_file() + "\"" + extra + "}";
  }

  TriageEnv env_{"sqlite"};
  TriageSettings settings_;
  std::unique_ptr<HttpClient> http_ = testing::LoopbackClient();
};

TEST_F(EmailDeliveryTest, StarttlsAndAuthSucceedWithTheCaFile) {
  SmtpTlsTestServer server;
  ASSERT_TRUE(server.ok());
  JobResult r = Deliver(Notify(Smtp(server)));
  ASSERT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  auto auth = server.Events("auth");
  ASSERT_EQ(auth.size(), 1u);
  EXPECT_TRUE(auth[0]["password_ok"].get<bool>());
  EXPECT_TRUE(auth[0]["tls"].get<bool>()) << "the password crossed only after STARTTLS";
  auto mails = server.Events("mail");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_TRUE(mails[0]["tls"].get<bool>());
  EXPECT_EQ(mails[0]["rcpt_tos"], nlohmann::json::array({"a@lab.example"}));
}

TEST_F(EmailDeliveryTest, WithoutTheCaFileTheSelfSignedServerIsNotTrusted) {
  SmtpTlsTestServer server;
  ASSERT_TRUE(server.ok());
  JobResult r = Deliver(Notify("{url: \"" + server.url() + "\", username: vigil, password: s3cret-pw}"));
  EXPECT_NE(r.kind, JobResult::Kind::kDone);
  EXPECT_TRUE(server.Events("auth").empty());
  EXPECT_TRUE(server.Events("mail").empty());
}

TEST_F(EmailDeliveryTest, ServerWithoutStarttlsFailsTheDeliveryBeforeThePassword) {
  SmtpTlsTestServer server(SmtpTlsOptions{.mode = "plain"});  // offers AUTH in clear text, no STARTTLS
  ASSERT_TRUE(server.ok());
  JobResult r = Deliver(Notify(Smtp(server)));
  EXPECT_EQ(r.kind, JobResult::Kind::kDiscard) << "retrying cannot make the server offer STARTTLS";
  EXPECT_NE(r.error.find("the server offers no STARTTLS"), std::string::npos) << r.error;
  EXPECT_TRUE(server.Events("auth").empty()) << "no AUTH, so no password, was sent";
  EXPECT_TRUE(server.Events("mail").empty());
}

TEST_F(EmailDeliveryTest, SmtpsDeliversOverTlsFromTheFirstByte) {
  SmtpTlsTestServer server(SmtpTlsOptions{.mode = "smtps"});
  ASSERT_TRUE(server.ok());
  JobResult r = Deliver(Notify(Smtp(server)));
  ASSERT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  ASSERT_EQ(server.Events("auth").size(), 1u);
  EXPECT_TRUE(server.Events("auth")[0]["password_ok"].get<bool>());
  EXPECT_EQ(server.Events("mail").size(), 1u);
}

TEST_F(EmailDeliveryTest, PermanentRefusalDiscardsTheJob) {
  SmtpTlsTestServer server(SmtpTlsOptions{.refuse_data_with = 550});
  ASSERT_TRUE(server.ok());
  JobResult r = Deliver(Notify(Smtp(server)));
  EXPECT_EQ(r.kind, JobResult::Kind::kDiscard) << r.error;
  EXPECT_NE(r.error.find("server said 550: permanent, not retried"), std::string::npos) << r.error;
  EXPECT_EQ(server.Events("refused").size(), 1u);
}

TEST_F(EmailDeliveryTest, LongLineAndNonAsciiSubjectArriveIntactAfterDecoding) {
  SmtpTlsTestServer server;
  ASSERT_TRUE(server.ok());
  Event event = TriageEnv::Pubmed("pubmed4.xml");
  std::string line;
  for (int i = 0; line.size() < 2000; ++i) line += "word" + std::to_string(i) + (i % 7 == 0 ? "=\u00e9 " : " ");
  line = std::string(CutUtf8(line, 1990));
  line += std::string(2000 - line.size(), 'z');  // 2,000 bytes, whole characters
  event.summary = line;
  event.title += " \u2014 Z\u00fcrich cohort";
  std::string title = event.title;
  JobResult r = Deliver(Notify(Smtp(server), std::move(event)));
  ASSERT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  auto mails = server.Events("mail");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0]["transfer_encoding"], "quoted-printable");
  EXPECT_LE(mails[0]["longest_line"].get<int>(), 998) << "RFC 5322's limit on the wire";
  std::string body = mails[0]["body"];
  EXPECT_NE(body.find(line), std::string::npos) << "the 2,000-character line, decoded, is whole";
  EXPECT_EQ(mails[0]["subject"], "[vigil high] oncology: " + title);
  EXPECT_EQ(mails[0]["from"], "vigil <vigil@lab.example>");
}

}  // namespace
}  // namespace vigil
