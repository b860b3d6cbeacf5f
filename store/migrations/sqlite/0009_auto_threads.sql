-- Threads triage asked the platform to open without a person, per community (subreddits.id as
-- text, '' for none) and UTC day (YYYY-MM-DD): the count communities[].rules.max_auto_threads_per_day
-- caps (docs/triage.md, Auto-created threads). Days before yesterday are pruned by triage_retention.
CREATE TABLE vigil_auto_threads (
  community TEXT NOT NULL,
  day TEXT NOT NULL,
  threads INTEGER NOT NULL,
  PRIMARY KEY (community, day)
);
