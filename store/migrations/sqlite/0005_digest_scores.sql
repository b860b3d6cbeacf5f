-- Digests (docs/triage.md). Each waiting item keeps its triage score, so a digest lists the
-- strongest first. Each digest remembers the `digest` job that made it: a retry of that job (the
-- daemon killed after the claim committed, before the job's outcome did) finds its digest
-- instead of making a second one.
ALTER TABLE vigil_digest_items ADD COLUMN score DOUBLE PRECISION;
ALTER TABLE vigil_digests ADD COLUMN job_id BIGINT;
CREATE UNIQUE INDEX vigil_digests_job ON vigil_digests (job_id);
CREATE INDEX vigil_digests_recent ON vigil_digests (community, created_at);
CREATE INDEX vigil_digest_items_digest ON vigil_digest_items (digest_id);
