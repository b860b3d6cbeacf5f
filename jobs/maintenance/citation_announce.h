// What becomes of a cited work found retracted: once per work and community, an event of source
// type `citation_retraction` under the community's internal watcher `vigil-citations-<community>`
// (created on demand, store/watcher_repo.h EnsureInternalWatcher), inserted with its triage job
// like any watcher's event, so triage scores it (always high, jobs/triage/triage_rules.h) and
// delivery notifies the community's channels. vigil_citation_announcements remembers each (work,
// community) announced, in the event's transaction, so a later pass, another daemon or a
// restart never announces it again. And each row of a target with `annotate: true` whose JSON
// list cites the work gets one memory_annotations row of type `outdated` (created_by `vigil`,
// the notice's DOI and date in its content).
//
// Threads: the caller's connections, on its thread.
#pragma once

#include <set>
#include <string>

#include "common/clock.h"
#include "jobs/maintenance/citation_config.h"
#include "jobs/maintenance/citation_record.h"
#include "jobs/maintenance/citation_verification_job.h"
#include "store/sql.h"

namespace vigil {

class RetractionAnnouncer {
 public:
  RetractionAnnouncer(const CitationVerificationConfig& c, SqlConnection& platform, SqlConnection& vigil, TimePoint now,
                      CitationSummary& summary)
      : c_(c), platform_(platform), vigil_(vigil), now_(now), summary_(summary) {}

  // Tells `community` of the retracted work `id` (record.notices say by which notice), unless it
  // was told before; "" tells no one. Then annotates the memories that cite it (once a pass per
  // work). Failures are kept in summary.last_error and tried again on the next pass that finds it.
  void Retracted(const CitationId& id, const CitationRecord& record, const std::string& community);

 private:
  void Announce(const CitationId& id, const CitationRecord& record, const std::string& community);
  void Annotate(const CitationId& id, const CitationRecord& record);
  Status AnnotateTarget(const CitationListTarget& t, const CitationId& id, const std::string& content);

  const CitationVerificationConfig& c_;
  SqlConnection& platform_;
  SqlConnection& vigil_;
  TimePoint now_;
  CitationSummary& summary_;
  std::set<std::string> announced_;  // "work\ncommunity" handled this pass
  std::set<std::string> annotated_;  // works whose memories were annotated this pass
};

// The watcher a community's retraction events come under: "vigil-citations-<community>".
std::string CitationWatcherName(const std::string& community);

// The annotation's text: "Retracted: <work> (<title>) was retracted by <notice doi> on <date>."
std::string RetractionNoteText(const CitationId& id, const CitationRecord& record);

}  // namespace vigil
