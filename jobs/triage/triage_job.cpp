#include "jobs/triage/triage_job.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <spdlog/spdlog.h>

#include "jobs/triage/triage_decision.h"
#include "jobs/triage/triage_handler.h"
#include "jobs/triage/triage_preview.h"
#include "jobs/triage/triage_store.h"
#include "store/job_repo.h"
#include "store/triage_repo.h"

namespace vigil {
namespace {

// The rules' verdict on a loaded event, decided with what the events decided before it in the
// same batch (`earlier`) left, which it joins; nullopt for an event triaged already.
Result<std::optional<DecidedEvent>> DecideRow(const TriageSettings& settings, SqlConnection& db, const TriageEventRow& e, TimePoint now,
                                         const CancelToken* cancel, DecidedEarlier* earlier, TriageOutcome* out) {
  out->found = true;
  if (!e.triage_signal.empty()) {
    out->already_triaged = true;
    out->signal = e.triage_signal;
    return std::optional<DecidedEvent>();
  }
  DecidedEvent one{&e, CommunityOrDefault(settings, e.community_name), {}, out};
  EventView view = ViewOf(e);
  auto d = Decide(settings, one.community, e, view, db, nullptr, now, cancel, *earlier);
  if (!d.ok()) return d.status();
  one.d = std::move(*d);
  earlier->Add(e.community_id, view, one.d);
  return std::optional<DecidedEvent>(std::move(one));
}

// Decides loaded events by the rules, in order, each with the ones before it in mind, reading
// inside the caller's transaction; `decided` gets those to store. outs[i] is rows[i]'s.
Status DecideRowsInTx(const TriageSettings& settings, SqlConnection& db, const std::vector<const TriageEventRow*>& rows, TimePoint now,
                      const CancelToken* cancel, std::vector<TriageOutcome>* outs, std::vector<DecidedEvent>* decided) {
  outs->assign(rows.size(), TriageOutcome{});
  DecidedEarlier earlier;
  // The stored events the rows' near-duplicate checks would read first, read for all of them.
  std::vector<CommunitySettings> communities;
  communities.reserve(rows.size());
  std::vector<NoveltyAsk> asks;
  for (const TriageEventRow* e : rows) {
    if (!e->triage_signal.empty()) continue;
    communities.push_back(CommunityOrDefault(settings, e->community_name));
    asks.push_back({&communities.back(), e->community_id, ViewOf(*e)});
  }
  if (Status s = ReadAheadNovelty(db, asks, now, &earlier.novelty); !s.ok()) return s;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto one = DecideRow(settings, db, *rows[i], now, cancel, &earlier, &(*outs)[i]);
    if (!one.ok()) return Status::Error("event " + rows[i]->id + ": " + one.error());
    if (*one) decided->push_back(std::move(**one));
  }
  return Status::Ok();
}

// Triages loaded events by the rules inside the caller's transaction: decided, then all stored
// together. outs[i] is rows[i]'s.
Status TriageRowsInTx(const TriageSettings& settings, SqlConnection& db, const std::vector<const TriageEventRow*>& rows, TimePoint now,
                      const CancelToken* cancel, std::vector<TriageOutcome>* outs) {
  std::vector<DecidedEvent> decided;
  if (Status s = DecideRowsInTx(settings, db, rows, now, cancel, outs, &decided); !s.ok()) return s;
  return StoreDecidedInTx(settings, db, decided, now);
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
    std::vector<TriageOutcome> one(1);
    if (decided) {
      const TriageEventRow& e = *asked;
      std::vector<DecidedEvent> all{{&e, CommunityOrDefault(settings, e.community_name), std::move(*decided), &one[0]}};
      one[0].found = true;
      Status s = StoreDecidedInTx(settings, db, all, now);
      if (!s.ok()) return s;
    } else {
      auto row = LoadEventForTriage(db, p.event_id);
      if (!row.ok()) return row.status();
      if (*row) {
        Status s = TriageRowsInTx(settings, db, {&**row}, now, cancel, &one);
        if (!s.ok()) return s;
      }
    }
    out->Count(one[0]);
    return Status::Ok();
  });
}

// A page of the queue with its events loaded, in the queue's order: what a batch triages.
struct QueuedPage {
  std::vector<PendingTriage> taken;
  std::vector<int64_t> seqs;
  std::vector<TriageEventRow> loaded;
  std::vector<const TriageEventRow*> rows;  // into `loaded`: each event once
  TriageBatchOutcome counts;                // the gone and the queued twice
};

// Takes the queue's oldest page (on PostgreSQL locking its rows) and loads its events, inside the
// caller's transaction.
Status ReadQueuedPageInTx(SqlConnection& db, QueuedPage* page) {
  auto taken = TakePendingTriageInTx(db, kTriageBatch);
  if (!taken.ok()) return taken.status();
  page->taken = std::move(*taken);
  std::vector<std::string> ids;
  for (const auto& p : page->taken) {
    ids.push_back(p.event_id);
    page->seqs.push_back(p.seq);
  }
  auto loaded = LoadEventsForTriage(db, ids);
  if (!loaded.ok()) return loaded.status();
  page->loaded = std::move(*loaded);
  std::map<std::string, const TriageEventRow*> by_id;
  for (const auto& e : page->loaded) by_id.emplace(e.id, &e);
  // In the queue's order; an event queued twice is triaged once (the second is "already").
  std::set<std::string> seen;
  for (const auto& p : page->taken) {
    auto it = by_id.find(p.event_id);
    if (it == by_id.end()) page->counts.gone++;
    else if (!seen.insert(p.event_id).second) page->counts.already++;
    else page->rows.push_back(it->second);
  }
  return Status::Ok();
}

// One batch of queued events in one transaction: their verdicts written and their queue rows
// deleted together. The events are loaded in one statement and their verdicts, scores and traces
// written in a few for the lot (on PostgreSQL each statement is a round trip). Returns how many
// rows the batch took (0: the queue is empty).
Result<size_t> TriageQueuedBatch(const TriageSettings& settings, SqlConnection& db, TimePoint now, const CancelToken* cancel,
                                 std::vector<PendingTriage>* taken, TriageBatchOutcome* out) {
  QueuedPage page;
  Status s = InTransaction(db, true, [&]() -> Status {
    page = QueuedPage{};
    if (Status st = ReadQueuedPageInTx(db, &page); !st.ok()) return st;
    std::vector<TriageOutcome> outs;
    if (Status st = TriageRowsInTx(settings, db, page.rows, now, cancel, &outs); !st.ok()) return st;
    for (const auto& one : outs) page.counts.Count(one);
    return DeletePendingTriageInTx(db, page.seqs).status();
  });
  *taken = std::move(page.taken);
  if (!s.ok()) return s;
  out->Add(page.counts);
  return taken->size();
}

// The same batch on SQLite, whose writers take turns (store/sqlite/write_gate.h): the page is read
// and its events decided in a read transaction, while the event writer and the job engine write,
// and only the verdicts are stored in the write turn, if the decisions still hold then: the triage
// epoch unmoved (no other triage stored anything the rules read) and every queue row of the page
// still there. Else the turn is given back unused and the batch is done as above, deciding inside
// the turn (two triage runs on one page, a CLI triage meanwhile). Under a webhook burst the rules'
// reads and work were over half of the triage job's turn.
Result<size_t> TriageQueuedBatchDecidedFirst(const TriageSettings& settings, SqlConnection& db, TimePoint now,
                                             const CancelToken* cancel, std::vector<PendingTriage>* taken,
                                             TriageBatchOutcome* out) {
  QueuedPage page;
  int64_t epoch = 0;
  std::vector<TriageOutcome> outs;
  std::vector<DecidedEvent> decided;
  Status read = InTransaction(db, false, [&]() -> Status {
    auto e = TriageEpoch(db);
    if (!e.ok()) return e.status();
    epoch = *e;
    if (Status st = ReadQueuedPageInTx(db, &page); !st.ok()) return st;
    return DecideRowsInTx(settings, db, page.rows, now, cancel, &outs, &decided);
  });
  if (!read.ok()) {
    *taken = std::move(page.taken);
    return read;
  }
  if (page.taken.empty()) return size_t(0);
  bool stale = false;
  Status stored = InTransaction(db, true, [&]() -> Status {
    auto e = TriageEpoch(db);
    if (!e.ok()) return e.status();
    if (*e == epoch) {
      auto deleted = DeletePendingTriageInTx(db, page.seqs);
      if (!deleted.ok()) return deleted.status();
      if (*deleted == static_cast<int64_t>(page.seqs.size())) return StoreDecidedInTx(settings, db, decided, now);
    }
    stale = true;
    return Status::Error("the triage batch's decisions are stale");  // rolls back
  });
  if (stale) return TriageQueuedBatch(settings, db, now, cancel, taken, out);
  *taken = std::move(page.taken);
  if (!stored.ok()) return stored;
  for (const auto& one : outs) page.counts.Count(one);
  out->Add(page.counts);
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
  out.found = true;
  if (!(*row)->triage_signal.empty()) {
    out.already_triaged = true;
    out.signal = (*row)->triage_signal;
    return out;
  }
  // The model is asked outside the transaction; the rules' reads and the writes inside it.
  const TriageEventRow& e = **row;
  std::vector<DecidedEvent> all{{&e, CommunityOrDefault(settings, e.community_name), {}, &out}};
  auto d = Decide(settings, all[0].community, e, ViewOf(e), db, http, now, cancel);
  if (!d.ok()) return d.status();
  all[0].d = std::move(*d);
  Status s = InTransaction(db, true, [&]() { return StoreDecidedInTx(settings, db, all, now); });
  if (!s.ok()) return s;
  return out;
}

Status ResumeQueuedTriage(SqlConnection& db, TimePoint now) {
  auto queued = PendingTriageCount(db);
  if (!queued.ok()) return queued.status();
  if (*queued == 0) return Status::Ok();
  return EnqueueJobs(db, {TriageFollowUp(now)}, now).status();
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

namespace {

std::mutex& BatchTurn() {
  static std::mutex turn;
  return turn;
}

}  // namespace

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
      // One batch at a time in the process. On SQLite two would read the same page and one decide
      // it in vain (a third of the batches under a burst, each triage run's key being free while
      // it runs). On PostgreSQL they take different pages, but their title words go to the same
      // index pages (the words a sender's events share) and their backends share the cores with
      // the intake: one at a time, a webhook burst's intake rose from 3,126-3,333 to 4,063-4,065
      // requests/s and the server's CPU per event fell by a fifth (bench/README.md, "PostgreSQL's
      // triage, and the CPU per event by thread"). Several daemons still triage side by side. A
      // run that finds another's batch under way ends as if the queue were empty: the other reads
      // the queue again after its batch, so it sees every event queued before this run began.
      std::unique_lock<std::mutex> turn(BatchTurn(), std::try_to_lock);
      if (!turn.owns_lock()) return out;
      auto n = db.dialect() == "sqlite" ? TriageQueuedBatchDecidedFirst(settings, db, clock.Now(), cancel, &page, &out)
                                        : TriageQueuedBatch(settings, db, clock.Now(), cancel, &page, &out);
      turn.unlock();
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

JobSpec TriageFollowUp(TimePoint now) {
  return JobSpec{.kind = "triage", .run_at = now + kTriageGather, .max_attempts = kTriageMaxAttempts, .unique_key = kTriageQueuedKey};
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
