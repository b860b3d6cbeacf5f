#include "jobs/triage/triage_job.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <spdlog/spdlog.h>

#include "common/utf8_cut.h"
#include "jobs/triage/triage_decision.h"
#include "jobs/triage/triage_handler.h"
#include "jobs/triage/triage_preview.h"
#include "store/event_score_repo.h"
#include "store/job_repo.h"
#include "store/notification_repo.h"
#include "store/triage_repo.h"

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

// Inside the caller's transaction. An event another triage got to first is left alone
// (out->already_triaged): its verdict, notification and follow-ups are that triage's.
Status StoreInTx(const TriageSettings& settings, const CommunitySettings& community, const TriageEventRow& e, const EventView& view,
                 const TriageDecision& d, SqlConnection& db, TimePoint now, TriageOutcome* out) {
  std::set<std::string> keys = DedupeKeys(view);
  {
    auto first = RecordTriageInTx(db, e.id, SignalName(d.score.signal), d.score.reasoning);
    if (!first.ok()) return first.status();
    if (!*first) {
      out->already_triaged = true;
      return Status::Ok();
    }
    Status s = RecordEventScoreInTx(db, {e.id, d.score.score, d.score.duplicate_of, d.scored_by}, now);
    if (s.ok()) s = InsertKeysInTx(db, e.community_id, e.id, keys, now);
    if (s.ok()) s = InsertTitleTokensInTx(db, e.community_id, e.id, TitleTokens(e.title), now);
    if (!s.ok()) return s;
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
}

// Decides and stores a loaded event inside the caller's transaction.
Status TriageRowInTx(const TriageSettings& settings, HttpClient* http, SqlConnection& db, const TriageEventRow& e, TimePoint now,
                     const CancelToken* cancel, TriageOutcome* out) {
  out->found = true;
  if (!e.triage_signal.empty()) {
    out->already_triaged = true;
    out->signal = e.triage_signal;
    return Status::Ok();
  }
  CommunitySettings community = CommunityOrDefault(settings, e.community_name);
  EventView view = ViewOf(e);
  auto d = Decide(settings, community, e, view, db, http, now, cancel);
  if (!d.ok()) return d.status();
  d->hypothesis = FillHypothesis(d->hypothesis, community.display_name, e.title, SignalName(d->score.signal), e.source_url);
  Status s = StoreInTx(settings, community, e, view, *d, db, now, out);
  if (!s.ok() || out->already_triaged) return s;
  out->signal = SignalName(d->score.signal);
  out->score = d->score.score;
  out->reasoning = d->score.reasoning;
  out->pushed = d->push;
  return Status::Ok();
}

// Triages one queued event in its own transaction, taking its queue row first (a row another
// batch took already is skipped). With `http` (an LLM is configured) the model is asked before
// the transaction, so no lock is held across its answer; two batches may then both ask about the
// same event, and the first to write wins.
Status TriageQueuedOne(const TriageSettings& settings, HttpClient* http, SqlConnection& db, const PendingTriage& p, TimePoint now,
                       const CancelToken* cancel, TriageBatchOutcome* out) {
  std::optional<TriageEventRow> asked;
  std::optional<TriageDecision> decided;
  if (http != nullptr && settings.llm) {
    auto row = LoadEventForTriage(db, p.event_id);
    if (!row.ok()) return row.status();
    if (*row && (*row)->triage_signal.empty()) {
      const TriageEventRow& e = **row;
      CommunitySettings community = CommunityOrDefault(settings, e.community_name);
      auto d = Decide(settings, community, e, ViewOf(e), db, http, now, cancel);
      if (!d.ok()) return d.status();
      asked = std::move(*row);
      decided = std::move(*d);
    }
  }
  return InTransaction(db, true, [&]() -> Status {
    auto taken = DeletePendingTriageInTx(db, {p.seq});
    if (!taken.ok()) return taken.status();
    if (*taken == 0) return Status::Ok();  // another batch has it
    TriageOutcome one;
    if (decided) {
      const TriageEventRow& e = *asked;
      CommunitySettings community = CommunityOrDefault(settings, e.community_name);
      decided->hypothesis = FillHypothesis(decided->hypothesis, community.display_name, e.title, SignalName(decided->score.signal), e.source_url);
      one.found = true;
      Status s = StoreInTx(settings, community, e, ViewOf(e), *decided, db, now, &one);
      if (!s.ok()) return s;
    } else {
      auto row = LoadEventForTriage(db, p.event_id);
      if (!row.ok()) return row.status();
      if (*row) {
        Status s = TriageRowInTx(settings, nullptr, db, **row, now, cancel, &one);
        if (!s.ok()) return s;
      }
    }
    out->Count(one);
    return Status::Ok();
  });
}

// One batch of queued events in one transaction: their verdicts written and their queue rows
// deleted together. Returns how many rows the batch took (0: the queue is empty).
Result<size_t> TriageQueuedBatch(const TriageSettings& settings, SqlConnection& db, TimePoint now, const CancelToken* cancel,
                                 std::vector<PendingTriage>* taken, TriageBatchOutcome* out) {
  TriageBatchOutcome batch;
  Status s = InTransaction(db, true, [&]() -> Status {
    auto page = TakePendingTriageInTx(db, kTriageBatch);
    if (!page.ok()) return page.status();
    *taken = std::move(*page);
    std::vector<int64_t> seqs;
    for (const auto& p : *taken) {
      auto row = LoadEventForTriage(db, p.event_id);
      if (!row.ok()) return row.status();
      TriageOutcome one;
      if (*row) {
        Status st = TriageRowInTx(settings, nullptr, db, **row, now, cancel, &one);
        if (!st.ok()) return Status::Error("event " + p.event_id + ": " + st.message());
      }
      batch.Count(one);
      seqs.push_back(p.seq);
    }
    return DeletePendingTriageInTx(db, seqs).status();
  });
  if (!s.ok()) return s;
  out->Add(batch);
  return taken->size();
}

}  // namespace

std::string FillHypothesis(const std::string& tmpl, const std::string& community, const std::string& title,
                           const std::string& signal, const std::string& source_url) {
  std::string out;
  const std::pair<const char*, const std::string*> fields[] = {
      {"{community}", &community}, {"{title}", &title}, {"{signal}", &signal}, {"{source_url}", &source_url}};
  for (size_t i = 0; i < tmpl.size();) {
    bool replaced = false;
    for (const auto& [name, value] : fields) {
      if (tmpl.compare(i, std::strlen(name), name) == 0) {
        out += *value;
        i += std::strlen(name);
        replaced = true;
        break;
      }
    }
    if (!replaced) out += tmpl[i++];
  }
  return out;
}

Result<TriageOutcome> TriageEvent(const TriageSettings& settings, HttpClient* http, SqlConnection& db,
                                  const std::string& event_id, TimePoint now, const CancelToken* cancel) {
  TriageOutcome out;
  auto row = LoadEventForTriage(db, event_id);
  if (!row.ok()) return row.status();
  if (!*row) return out;
  if (!(*row)->triage_signal.empty()) {
    out.found = true;
    out.already_triaged = true;
    out.signal = (*row)->triage_signal;
    return out;
  }
  // The model is asked outside the transaction; the rules' reads and the writes inside it.
  const TriageEventRow& e = **row;
  CommunitySettings community = CommunityOrDefault(settings, e.community_name);
  EventView view = ViewOf(e);
  auto d = Decide(settings, community, e, view, db, http, now, cancel);
  if (!d.ok()) return d.status();
  d->hypothesis = FillHypothesis(d->hypothesis, community.display_name, e.title, SignalName(d->score.signal), e.source_url);
  out.found = true;
  Status s = InTransaction(db, true, [&]() { return StoreInTx(settings, community, e, view, *d, db, now, &out); });
  if (!s.ok()) return s;
  if (out.already_triaged) return out;
  out.signal = SignalName(d->score.signal);
  out.score = d->score.score;
  out.reasoning = d->score.reasoning;
  out.pushed = d->push;
  return out;
}

Status ResumeQueuedTriage(SqlConnection& db, TimePoint now) {
  auto queued = PendingTriageCount(db);
  if (!queued.ok()) return queued.status();
  if (*queued == 0) return Status::Ok();
  return EnqueueJobs(db, {TriageFollowUp()}, now).status();
}

void TriageBatchOutcome::Count(const TriageOutcome& one) {
  if (!one.found) gone++;
  else if (one.already_triaged) already++;
  else triaged++;
}

void TriageBatchOutcome::Add(const TriageBatchOutcome& other) {
  triaged += other.triaged;
  already += other.already;
  gone += other.gone;
  failed += other.failed;
  given_up += other.given_up;
}

Result<TriageBatchOutcome> TriageQueued(const TriageSettings& settings, HttpClient* http, SqlConnection& db, const Clock& clock,
                                        const CancelToken* cancel, std::chrono::milliseconds budget) {
  TriageBatchOutcome out;
  auto until = std::chrono::steady_clock::now() + budget;
  bool ask_llm = http != nullptr && settings.llm.has_value();
  while (!(cancel != nullptr && cancel->cancelled())) {
    if (std::chrono::steady_clock::now() >= until) {
      out.more = true;
      break;
    }
    std::vector<PendingTriage> page;
    Status failed = Status::Ok();
    if (!ask_llm) {
      auto n = TriageQueuedBatch(settings, db, clock.Now(), cancel, &page, &out);
      if (n.ok() && *n == 0) return out;
      if (n.ok()) continue;
      if (!db.healthy() || page.empty()) return n.status();
      failed = n.status();
      spdlog::warn("triage: a batch of {} queued events failed ({}): triaging them one by one", page.size(), failed.message());
    } else {
      auto n = InTransactionValue<std::vector<PendingTriage>>(db, false, [&] { return TakePendingTriageInTx(db, kTriageBatch); });
      if (!n.ok()) return n.status();
      page = std::move(*n);
      if (page.empty()) return out;
    }
    for (const auto& p : page) {
      if (cancel != nullptr && cancel->cancelled()) break;
      Status s = TriageQueuedOne(settings, ask_llm ? http : nullptr, db, p, clock.Now(), cancel, &out);
      if (s.ok()) continue;
      if (!db.healthy()) return s;
      out.failed++;
      if (p.attempts + 1 >= kTriageMaxAttempts) {
        // Given up, as a per-event job is discarded after its last attempt: the event stays
        // untriaged, and the log says which and why.
        spdlog::error("triage of event {} failed {} times, giving up: {}", p.event_id, p.attempts + 1, s.message());
        auto gone = DeletePendingTriageInTx(db, {p.seq});
        if (!gone.ok()) return gone.status();
        out.given_up++;
      } else {
        spdlog::warn("triage of event {} failed (attempt {} of {}): {}", p.event_id, p.attempts + 1, kTriageMaxAttempts, s.message());
        Status f = FailPendingTriage(db, p.seq, s.message());
        if (!f.ok()) return f;
      }
    }
    if (out.failed > 0) {
      out.more = true;  // the failed ones are tried again by the next run, after the job's backoff
      break;
    }
  }
  out.more = true;  // cancelled: what is left is the next run's
  return out;
}

JobSpec TriageFollowUp() {
  return JobSpec{.kind = "triage", .max_attempts = kTriageMaxAttempts, .unique_key = kTriageQueuedKey};
}

KindSpec TriageKind(const Runtime& runtime) {
  KindSpec spec;
  spec.kind = "triage";
  spec.timeout = std::chrono::minutes(2);
  spec.handler = WithTriageSettings(runtime, [&runtime](const TriageSettings& settings, SqlConnection& db, JobContext& ctx) {
    std::string event_id = ctx.args.value("event_id", "");
    if (!event_id.empty()) {  // a job of one event (enqueued before batches, or by hand)
      auto out = TriageEvent(settings, runtime.http(), db, event_id, ctx.clock.Now(), &ctx.cancel);
      if (!out.ok()) return JobResult::Retry(out.error());
      if (out->found && !out->already_triaged) spdlog::debug("triage {}: {} ({})", event_id, out->signal, out->reasoning);
      return JobResult::Done();
    }
    // Events queued from now on enqueue a job of their own (this one's key is released first and
    // the queue read after: each event is seen by a run that starts after it was queued).
    if (Status s = ReleaseUniqueKey(db, ctx.job.id); !s.ok()) return JobResult::Retry(s.message());
    auto out = TriageQueued(settings, runtime.http(), db, ctx.clock, &ctx.cancel, kTriageRunBudget);
    if (!out.ok()) return JobResult::Retry(out.error());
    if (out->triaged > 0 || out->failed > 0)
      spdlog::debug("triage: {} queued events triaged, {} already were, {} gone, {} failed ({} given up)", out->triaged,
                    out->already, out->gone, out->failed, out->given_up);
    if (out->failed > 0) return JobResult::Retry(std::to_string(out->failed) + " queued events failed; see the log");
    if (out->more) return JobResult::Snooze(std::chrono::milliseconds(0), "more events queued");
    return JobResult::Done();
  });
  return spec;
}

}  // namespace vigil
