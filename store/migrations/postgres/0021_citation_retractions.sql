-- Citation verification beyond message_citations (docs/maintenance-embeddings-citations.md):
-- verdicts for citations held in a JSON list of a platform row (seeds/000 posts.citations,
-- synthesis_memories.citations_used), whose table has no place for them, one row per citation
-- (its position in the list); and the retractions announced, one per cited work and community,
-- so a retraction found again on a later pass is not announced twice.
CREATE TABLE vigil_citation_checks (
  target TEXT NOT NULL,
  row_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  citation TEXT NOT NULL,
  identifier TEXT NOT NULL,
  verified INTEGER NOT NULL,
  method TEXT NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  source_title TEXT,
  checked_at_us BIGINT NOT NULL,
  PRIMARY KEY (target, row_id, position)
);
CREATE TABLE vigil_citation_announcements (
  work TEXT NOT NULL,
  community TEXT NOT NULL,
  notice_doi TEXT NOT NULL,
  notice_date TEXT NOT NULL,
  event_id TEXT NOT NULL,
  announced_at_us BIGINT NOT NULL,
  PRIMARY KEY (work, community)
);
