-- vigil_triage_keys_recent (community, created_at) served no query: keys are looked up by their
-- primary key (community, dedupe_key) and never pruned. It cost every key's insert an index
-- entry, and on PostgreSQL it misled the planner while the table had no statistics yet (a fresh
-- database's first burst): a batch's key lookup read the community's every key through it and
-- filtered them (3 ms a batch at 28,000 keys; tests/integration/triage_keys_test.cpp).
DROP INDEX vigil_triage_keys_recent;
