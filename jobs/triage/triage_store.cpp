#include "jobs/triage/triage_store.h"

#include <set>

#include "common/utf8_cut.h"
#include "store/event_score_repo.h"
#include "store/job_repo.h"
#include "store/notification_repo.h"

namespace vigil {
namespace {

// A notification keeps the first part of the event's summary (cut on a character boundary); the
// event keeps all of it.
constexpr size_t kNotificationSummaryBytes = 2000;

// Whether the watcher asks for a thread without a person: it auto-creates threads and the score
// reaches its approval rate.
bool WantsAutoThread(const TriageEventRow& e, const TriageDecision& d) {
  return e.auto_create_thread && d.score.score >= e.auto_thread_approval_rate;
}

// Why the notification's auto-created thread waits for a person (its action_taken), or "" when it
// goes ahead, which takes one of the community's threads of the day. The community's row says how
// it takes part, so a community the platform made approver is one.
Result<std::string> AutoThreadHold(SqlConnection& db, const CommunitySettings& community, const TriageEventRow& e, TimePoint now) {
  if (e.participation_model == "approver") return std::string(kHeldForApprover);
  auto slot = TakeAutoThreadSlotInTx(db, e.community_id, now, community.max_auto_threads_per_day);
  if (!slot.ok()) return slot.status();
  return std::string(*slot ? "" : kHeldByDailyCap);
}

std::vector<JobSpec> FollowUps(const TriageSettings& settings, const CommunitySettings& community, const TriageEventRow& e,
                               const TriageDecision& d, const std::string& notification_id, bool thread) {
  std::vector<JobSpec> jobs;
  if (d.push) {
    for (const auto& channel : settings.channels) {
      if (community.UsesChannel(channel.name)) jobs.push_back({.kind = "deliver", .args = {{"notification_id", notification_id}, {"channel", channel.name}}, .max_attempts = 8});
    }
  }
  if (thread) {
    jobs.push_back({.kind = "create_thread",
                    .args = {{"notification_id", notification_id}, {"score", d.score.score}, {"approval_rate", e.auto_thread_approval_rate}},
                    .max_attempts = 8});
  }
  return jobs;
}

// The notification of a decided event whose verdict was written, with its follow-ups, and its
// digest item: inside the caller's transaction, after the verdicts' (so in the batch's order).
Status StoreNotificationInTx(const TriageSettings& settings, SqlConnection& db, const DecidedEvent& one, TimePoint now) {
  const TriageEventRow& e = *one.e;
  const CommunitySettings& community = one.community;
  const TriageDecision& d = one.d;
  TriageOutcome* out = one.out;
  Status s = Status::Ok();
  bool to_digest = community.digest && d.score.duplicate_of.empty() && (!d.notify || !d.push);
  if (d.notify) {
    std::string held;
    if (WantsAutoThread(e, d)) {
      auto hold = AutoThreadHold(db, community, e, now);
      if (!hold.ok()) return hold.status();
      held = *hold;
    }
    auto id = InsertNotificationInTx(db, {e.watcher_id, e.id, e.community_id, e.title, std::string(CutUtf8(e.summary, kNotificationSummaryBytes)),
                                          SignalName(d.score.signal), d.hypothesis, held}, now);
    if (!id.ok()) return id.status();
    out->notification_id = *id;
    out->thread_held = held;
    auto jobs = FollowUps(settings, community, e, d, *id, WantsAutoThread(e, d) && held.empty());
    if (d.push) s = RecordPushInTx(db, e.community_id, now);
    if (s.ok() && !jobs.empty()) s = EnqueueJobsInTx(db, jobs, now).status();
    if (!s.ok()) return s;
    out->thread_requested = !jobs.empty() && jobs.back().kind == "create_thread";
  }
  if (to_digest) s = AddDigestItemInTx(db, e.community_id, e.id, out->notification_id, d.score.score, now);
  return s;
}

}  // namespace

Status StoreDecidedInTx(const TriageSettings& settings, SqlConnection& db, std::vector<DecidedEvent>& all, TimePoint now) {
  std::vector<TriageVerdict> verdicts;
  for (const DecidedEvent& one : all) verdicts.push_back({one.e->id, SignalName(one.d.score.signal), one.d.score.reasoning});
  if (Status s = BumpTriageEpochInTx(db); !s.ok()) return s;
  auto written = RecordTriagesInTx(db, verdicts);
  if (!written.ok()) return written.status();
  std::vector<DecidedEvent*> mine;
  std::vector<EventScore> scores;
  std::vector<TriagedTraces> traces;
  std::set<std::string> stored;  // an event given twice is stored once (its title words' rows are keyed by event)
  for (DecidedEvent& one : all) {
    if (!written->count(one.e->id) || !stored.insert(one.e->id).second) {
      one.out->already_triaged = true;
      continue;
    }
    mine.push_back(&one);
    one.d.hypothesis = FillHypothesis(one.d.hypothesis, one.community.display_name, one.e->title, SignalName(one.d.score.signal), one.e->source_url);
    scores.push_back({one.e->id, one.d.score.score, one.d.score.duplicate_of, one.d.scored_by});
    traces.push_back({one.e->community_id, one.e->id, DedupeKeys(ViewOf(*one.e)), TitleTokens(one.e->title)});
  }
  Status s = RecordEventScoresInTx(db, scores, now);
  if (s.ok()) s = InsertKeysInTx(db, traces, now);
  if (s.ok()) s = InsertTitleTokensInTx(db, traces, now);
  for (size_t i = 0; s.ok() && i < mine.size(); ++i) s = StoreNotificationInTx(settings, db, *mine[i], now);
  if (!s.ok()) return s;
  for (DecidedEvent* one : mine) {
    one->out->signal = SignalName(one->d.score.signal);
    one->out->score = one->d.score.score;
    one->out->reasoning = one->d.score.reasoning;
    one->out->pushed = one->d.push;
  }
  return Status::Ok();
}

}  // namespace vigil
