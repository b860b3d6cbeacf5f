// Threads opened for notifications (CreateThread, the create_thread job's work) on SQLite and
// PostgreSQL, against a stand-in for the platform: a dismissed notification never gets a thread,
// not even one dismissed while the platform is being asked; one that has a thread is not asked
// for another.
#include <gtest/gtest.h>

#include "jobs/deliver/deliver_job.h"
#include "jobs/triage/triage_job.h"
#include "store/notification_repo.h"
#include "tests/integration/triage_env.h"
#include "tests/support/stand_in_server.h"

namespace vigil {
namespace {

using testing::TriageEnv;

constexpr const char* kThreadId = "0190a5c4-6f1e-7cc2-9b1a-3d2f4e5a6b7c";

class ThreadCreationTest : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    StartStandIn();
    Serve("/api/threads", [this](const HttpRequest&) {
      if (on_request_) on_request_();
      return HttpResponse::Json(201, nlohmann::json{{"id", kThreadId}}.dump());
    });
    settings_ = env_.Configure(
        "watchers: [{name: auto, type: literature, source: pubmed, query: cancer, community: oncology, auto_create_thread: true, auto_thread_approval_rate: 0.5}]\n"
        "communities: [{name: oncology, rules: {keywords: {pancreatic cancer: 0.9}}}]\n"
        "notify: {platform: {base_url: '" + Url() + "'}}\n");
    auto out = TriageEvent(settings_, nullptr, env_.db(), env_.Store("auto", "oncology", TriageEnv::Pubmed("pubmed4.xml")),
                           std::chrono::system_clock::now(), nullptr);
    ASSERT_TRUE(out.ok() && out->thread_requested) << (out.ok() ? "no thread requested" : out.error());
    id_ = out->notification_id;
    args_ = nlohmann::json::parse(env_.Text("SELECT args FROM vigil_jobs WHERE kind = 'create_thread'"));
  }

  JobResult RunJob() {
    return CreateThread(settings_, *testing::LoopbackClient(), env_.db(), args_, std::chrono::system_clock::now(), nullptr);
  }
  NotificationRow Notification() { return **GetNotification(env_.db(), id_); }

  TriageEnv env_{GetParam()};
  TriageSettings settings_;
  std::string id_;
  nlohmann::json args_;
  std::function<void()> on_request_;  // runs on the stand-in's thread as a thread request arrives
};

TEST_P(ThreadCreationTest, AnApprovedNotificationGetsItsThread) {
  JobResult r = RunJob();
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  EXPECT_EQ(Notification().thread_id, env_.db().IdOf(kThreadId));
  EXPECT_EQ(Notification().status, "acted");
  EXPECT_EQ(Arrivals("/api/threads").size(), 1u);
}

TEST_P(ThreadCreationTest, ADismissedNotificationGetsNoThread) {
  ASSERT_TRUE(SetNotificationStatus(env_.db(), id_, "dismissed", "", std::chrono::system_clock::now()).ok());
  JobResult r = RunJob();
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << "nothing to retry: " << r.error;
  EXPECT_TRUE(Arrivals("/api/threads").empty()) << "the platform was not asked";
  EXPECT_EQ(Notification().status, "dismissed");
  EXPECT_EQ(Notification().thread_id, "");
  EXPECT_EQ(CheckThreadAllowed(Notification()).message(), "notification " + id_ + " was dismissed: no thread is opened for it");
}

TEST_P(ThreadCreationTest, ADismissalWhileThePlatformIsAskedIsNotOverwritten) {
  auto other = env_.Connect();
  on_request_ = [&] { ASSERT_TRUE(SetNotificationStatus(*other, id_, "dismissed", "", std::chrono::system_clock::now()).ok()); };
  JobResult r = RunJob();
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  EXPECT_EQ(Arrivals("/api/threads").size(), 1u);
  EXPECT_EQ(Notification().status, "dismissed");
  EXPECT_EQ(Notification().thread_id, "") << "the person's dismissal stands";
}

TEST_P(ThreadCreationTest, AThreadedNotificationIsNotAskedForAnother) {
  ASSERT_EQ(RunJob().kind, JobResult::Kind::kDone);
  JobResult again = RunJob();
  EXPECT_EQ(again.kind, JobResult::Kind::kDone) << again.error;
  EXPECT_EQ(Arrivals("/api/threads").size(), 1u) << "one request, however many runs";
  EXPECT_EQ(CheckThreadAllowed(Notification()).message(), "notification " + id_ + " already has thread " + env_.db().IdOf(kThreadId));
}

TEST_P(ThreadCreationTest, TheRecordFitsThePlatformsActionTakenColumn) {
  // The platform's own schema makes action_taken a VARCHAR(20) (SQLite does not hold a column to its length).
  if (GetParam() == std::string("postgres")) {
    ASSERT_TRUE(env_.db().Query("ALTER TABLE notifications ALTER COLUMN action_taken TYPE VARCHAR(20)").ok());
  }
  JobResult r = RunJob();
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  EXPECT_EQ(Notification().thread_id, env_.db().IdOf(kThreadId));
  EXPECT_EQ(Notification().action_taken, "auto:0.90>=0.50");
}

TEST_P(ThreadCreationTest, RecordThreadKeepsTheFirstThreadAndNamesAGoneNotification) {
  auto now = std::chrono::system_clock::now();
  auto first = RecordThread(env_.db(), id_, kThreadId, "first", now);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_TRUE(*first);
  auto second = RecordThread(env_.db(), id_, "7d444840-9dc0-11d1-b245-5ffdce74fad2", "second", now);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_FALSE(*second);
  EXPECT_EQ(Notification().thread_id, env_.db().IdOf(kThreadId));
  EXPECT_EQ(Notification().action_taken, "first");
  auto gone = RecordThread(env_.db(), "00000000-0000-0000-0000-000000000000", kThreadId, "x", now);
  EXPECT_EQ(gone.status().message(), "no notification 00000000-0000-0000-0000-000000000000");
}

INSTANTIATE_TEST_SUITE_P(Dialects, ThreadCreationTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
