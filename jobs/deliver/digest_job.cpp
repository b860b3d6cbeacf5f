#include "jobs/deliver/digest_job.h"

#include <spdlog/spdlog.h>

#include "common/nearest.h"
#include "jobs/triage/triage_handler.h"
#include "store/digest_repo.h"
#include "store/job_repo.h"

namespace vigil {
namespace {

// Claims the waiting items into a new digest and enqueues its deliveries; the caller's transaction.
Status ClaimInTx(const TriageSettings& settings, SqlConnection& db, const std::string& community, const std::string& community_id,
                 int64_t job_id, TimePoint now, DigestOutcome* out) {
  if (auto dropped = DropDismissedItemsInTx(db, community_id); !dropped.ok()) return dropped.status();
  DigestRow digest{.id = db.NewId(), .community_id = community_id, .community_name = community, .job_id = job_id, .created_at = now};
  auto claimed = ClaimOpenItemsInTx(db, community_id, digest.id);
  if (!claimed.ok()) return claimed.status();
  if (*claimed == 0) return Status::Ok();
  auto items = ClaimedItemsInTx(db, digest.id);
  if (!items.ok()) return items.status();
  digest.items = std::move(*items);
  if (Status s = InsertDigestInTx(db, digest); !s.ok()) return s;
  std::vector<JobSpec> jobs;
  for (const auto& channel : DigestChannels(settings, CommunityOrDefault(settings, community))) {
    jobs.push_back({.kind = "deliver", .args = {{"digest_id", digest.id}, {"channel", channel}}, .max_attempts = 8});
  }
  if (!jobs.empty()) {
    if (auto enq = EnqueueJobsInTx(db, jobs, now); !enq.ok()) return enq.status();
  }
  out->digest_id = digest.id;
  out->items = digest.items.size();
  out->deliveries = jobs.size();
  return Status::Ok();
}

}  // namespace

std::vector<std::string> DigestChannels(const TriageSettings& settings, const CommunitySettings& community) {
  std::vector<std::string> out;
  for (const auto& channel : settings.channels) {
    bool reachable = channel.type != ChannelType::kPlatform || !settings.platform.digests_path.empty();
    if (community.UsesChannel(channel.name) && reachable) out.push_back(channel.name);
  }
  return out;
}

Result<DigestOutcome> MakeDigest(const TriageSettings& settings, SqlConnection& db, const std::string& community, int64_t job_id,
                                 TimePoint now) {
  DigestOutcome out;
  auto community_id = CommunityIdByName(db, community);
  if (!community_id.ok()) return community_id.status();
  if (!*community_id) return out;  // no such community in the database: nothing can be waiting
  Status s = InTransaction(db, true, [&]() -> Status {
    if (job_id != 0) {
      auto made = DigestIdOfJobInTx(db, job_id);
      if (!made.ok()) return made.status();
      if (*made) {
        out.digest_id = **made;
        out.already_made = true;
        return Status::Ok();
      }
    }
    return ClaimInTx(settings, db, community, **community_id, job_id, now, &out);
  });
  if (!s.ok()) return s;
  return out;
}

KindSpec DigestKind(const Runtime& runtime) {
  KindSpec spec;
  spec.kind = "digest";
  spec.timeout = std::chrono::minutes(2);
  spec.handler = WithTriageSettings(runtime, [](const TriageSettings& settings, SqlConnection& db, JobContext& ctx) {
    std::string community = ctx.args.value("community", "");
    if (community.empty()) return JobResult::Discard("args.community is required (a community's name)");
    auto out = MakeDigest(settings, db, community, ctx.job.id, ctx.clock.Now());
    if (!out.ok()) return JobResult::Retry(out.error());
    if (out->already_made) {
      spdlog::info("digest for {}: {} was made by an earlier run of this job", community, out->digest_id);
    } else if (out->digest_id.empty()) {
      spdlog::info("digest for {}: nothing waiting, nothing sent", community);
    } else {
      spdlog::info("digest for {}: {} with {} items, {} deliveries", community, out->digest_id, out->items, out->deliveries);
    }
    return JobResult::Done();
  });
  return spec;
}

JobSpec DigestNowJob(const std::string& community) {
  return JobSpec{.kind = "digest", .args = {{"community", community}}, .max_attempts = 8};
}

Status CheckDigestCommunity(const Config& config, SqlConnection& db, const std::string& community, bool* unknown) {
  *unknown = false;
  std::vector<std::string> declared;
  for (const auto& c : config.tree().value("communities", nlohmann::json::array())) declared.push_back(c.value("name", ""));
  if (std::find(declared.begin(), declared.end(), community) != declared.end()) return Status::Ok();
  auto row = CommunityIdByName(db, community);
  if (!row.ok()) return row.status();
  if (*row) return Status::Ok();
  *unknown = true;
  std::string names;
  for (const auto& d : declared) names += (names.empty() ? "" : ", ") + d;
  return Status::Error("no community \"" + community + "\"" + DidYouMean(community, declared) + ": neither the config's communities (" +
                       (declared.empty() ? "none" : names) + ") nor the database's subreddits name it");
}

}  // namespace vigil
