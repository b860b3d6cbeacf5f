// Auto-created threads follow the community, on SQLite and PostgreSQL, against a stand-in for the
// platform: a community whose subreddits row says `approver` gets none (triage holds the
// notification, and a queued job finds the community turned approver since); past the community's
// rules.max_auto_threads_per_day the notification waits too, until the next UTC day; a held
// notification is a person's to approve, unless the person dismissed it.
#include <date/date.h>
#include <gtest/gtest.h>

#include "jobs/deliver/deliver_job.h"
#include "jobs/triage/triage_job.h"
#include "store/notification_repo.h"
#include "store/triage_repo.h"
#include "tests/integration/triage_env.h"
#include "tests/support/stand_in_server.h"

namespace vigil {
namespace {

using testing::TriageEnv;
using std::chrono::hours;

constexpr const char* kThreadId = "0190a5c4-6f1e-7cc2-9b1a-3d2f4e5a6b7c";

class AutoThreadHoldTest : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    StartStandIn();
    Serve("/api/threads", [](const HttpRequest&) { return HttpResponse::Json(201, nlohmann::json{{"id", kThreadId}}.dump()); });
  }

  // The watcher `auto` asks for a thread at any score of 0.5 or more; `community` is the rest of
  // the community's entry (after its name).
  void Configure(const std::string& community) {
    settings_ = env_.Configure(
        "watchers: [{name: auto, type: literature, source: pubmed, query: cancer, community: oncology, auto_create_thread: true, auto_thread_approval_rate: 0.5}]\n"
        "communities: [{name: oncology" + community + "}]\n"
        "notify: {platform: {base_url: '" + Url() + "'}}\n");
  }

  // Triages a new event titled `title` (scoring 0.9: the keyword is in every title) at `at`.
  TriageOutcome Triage(const std::string& title, TimePoint at) {
    std::string id = env_.Store("auto", "oncology", {.title = title, .source_type = "pubmed", .source_id = title});
    auto out = TriageEvent(settings_, nullptr, env_.db(), id, at, nullptr);
    EXPECT_TRUE(out.ok() && !out->notification_id.empty()) << (out.ok() ? "no notification" : out.error());
    return out.ok() ? *out : TriageOutcome{};
  }

  JobResult RunJob(const nlohmann::json& args) {
    return CreateThread(settings_, *testing::LoopbackClient(), env_.db(), args, now_, nullptr);
  }
  NotificationRow Notification(const std::string& id) { return **GetNotification(env_.db(), id); }
  int64_t ThreadJobs() { return env_.Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'create_thread'"); }

  static constexpr const char* kRules = ", rules: {keywords: {pancreatic cancer: 0.9}";
  TriageEnv env_{GetParam()};
  TriageSettings settings_;
  TimePoint now_ = std::chrono::system_clock::now();
};

TEST_P(AutoThreadHoldTest, AnApproverCommunityGetsNoAutoCreatedThread) {
  Configure(std::string(", participation_model: approver") + kRules + "}");
  TriageOutcome out = Triage("Pancreatic cancer risk and telomere length", now_);
  EXPECT_FALSE(out.thread_requested);
  EXPECT_EQ(out.thread_held, "held:approver");
  EXPECT_EQ(ThreadJobs(), 0);
  NotificationRow n = Notification(out.notification_id);
  EXPECT_EQ(n.status, "pending") << "it waits for a person";
  EXPECT_EQ(n.action_taken, "held:approver");
  EXPECT_EQ(n.thread_id, "");
}

TEST_P(AutoThreadHoldTest, ThePlatformsApproverRowHoldsWhateverTheConfigSays) {
  ASSERT_TRUE(env_.db()
                  .Query("INSERT INTO subreddits (id, name, display_name, participation_model) VALUES ($1, 'oncology', 'Oncology', 'approver')",
                         {env_.db().NewId()})
                  .ok());
  Configure(std::string(", participation_model: guided") + kRules + "}");
  TriageOutcome out = Triage("Pancreatic cancer risk and telomere length", now_);
  EXPECT_EQ(out.thread_held, "held:approver");
  EXPECT_EQ(ThreadJobs(), 0);
}

TEST_P(AutoThreadHoldTest, AQueuedThreadWaitsWhenItsCommunityTurnedApprover) {
  Configure(kRules + std::string("}"));
  TriageOutcome out = Triage("Pancreatic cancer risk and telomere length", now_);
  ASSERT_TRUE(out.thread_requested);
  ASSERT_TRUE(env_.db().Query("UPDATE subreddits SET participation_model = 'approver' WHERE name = 'oncology'").ok());
  auto args = nlohmann::json::parse(env_.Text("SELECT args FROM vigil_jobs WHERE kind = 'create_thread'"));
  JobResult r = RunJob(args);
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  EXPECT_TRUE(Arrivals("/api/threads").empty()) << "the platform was not asked";
  NotificationRow n = Notification(out.notification_id);
  EXPECT_EQ(n.status, "pending");
  EXPECT_EQ(n.action_taken, "held:approver");
}

TEST_P(AutoThreadHoldTest, APersonApprovesAHeldNotification) {
  Configure(std::string(", participation_model: approver") + kRules + "}");
  TriageOutcome out = Triage("Pancreatic cancer risk and telomere length", now_);
  ASSERT_EQ(out.thread_held, "held:approver");
  JobResult r = RunJob({{"notification_id", out.notification_id}, {"approved_by", "api"}});
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  EXPECT_EQ(Arrivals("/api/threads").size(), 1u);
  NotificationRow n = Notification(out.notification_id);
  EXPECT_EQ(n.thread_id, env_.db().IdOf(kThreadId));
  EXPECT_EQ(n.status, "acted");
}

TEST_P(AutoThreadHoldTest, AHeldNotificationAPersonDismissedGetsNoThread) {
  Configure(std::string(", participation_model: approver") + kRules + "}");
  TriageOutcome out = Triage("Pancreatic cancer risk and telomere length", now_);
  ASSERT_TRUE(SetNotificationStatus(env_.db(), out.notification_id, "dismissed", "", now_).ok());
  JobResult r = RunJob({{"notification_id", out.notification_id}, {"approved_by", "cli"}});
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  EXPECT_TRUE(Arrivals("/api/threads").empty());
  EXPECT_EQ(Notification(out.notification_id).status, "dismissed");
  EXPECT_EQ(Notification(out.notification_id).thread_id, "");
}

TEST_P(AutoThreadHoldTest, PastTheDailyCapTheNotificationWaitsUntilTheNextUtcDay) {
  Configure(kRules + std::string(", max_auto_threads_per_day: 2}"));
  TimePoint day = date::floor<date::days>(now_) + hours(10);
  EXPECT_TRUE(Triage("Pancreatic cancer risk and telomere length", day).thread_requested);
  EXPECT_TRUE(Triage("KRAS inhibitors in pancreatic cancer trials", day + hours(1)).thread_requested);
  TriageOutcome third = Triage("Screening for pancreatic cancer with circulating tumour DNA", day + hours(13));
  EXPECT_FALSE(third.thread_requested);
  EXPECT_EQ(third.thread_held, "held:daily_cap");
  NotificationRow n = Notification(third.notification_id);
  EXPECT_EQ(n.status, "pending");
  EXPECT_EQ(n.action_taken, "held:daily_cap");
  EXPECT_EQ(ThreadJobs(), 2);
  // 00:30 UTC the next day: a new day's threads.
  EXPECT_TRUE(Triage("Pancreatic cancer cachexia and muscle wasting", day + hours(14) + std::chrono::minutes(30)).thread_requested);
  EXPECT_EQ(ThreadJobs(), 3);
}

TEST_P(AutoThreadHoldTest, ACapOfZeroCreatesNoThread) {
  Configure(kRules + std::string(", max_auto_threads_per_day: 0}"));
  EXPECT_EQ(Triage("Pancreatic cancer risk and telomere length", now_).thread_held, "held:daily_cap");
  EXPECT_EQ(ThreadJobs(), 0);
}

TEST_P(AutoThreadHoldTest, DailyCountsArePerCommunityAndOldDaysArePruned) {
  SqlConnection& db = env_.db();
  TimePoint day = date::floor<date::days>(now_) + hours(12);
  auto take = [&](const std::string& community, TimePoint at) {
    bool taken = false;
    EXPECT_TRUE(InTransaction(db, true, [&]() -> Status {
                  auto r = TakeAutoThreadSlotInTx(db, community, at, 1);
                  if (r.ok()) taken = *r;
                  return r.status();
                }).ok());
    return taken;
  };
  EXPECT_TRUE(take("a", day - hours(72)));
  EXPECT_TRUE(take("a", day));
  EXPECT_FALSE(take("a", day + hours(1)));
  EXPECT_TRUE(take("b", day)) << "another community counts its own";
  ASSERT_TRUE(PruneAutoThreadCounts(db, day - hours(24)).ok());
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_auto_threads"), 2) << "today's kept, three days ago pruned";
  EXPECT_FALSE(take("a", day + hours(2)));
}

INSTANTIATE_TEST_SUITE_P(Dialects, AutoThreadHoldTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil
