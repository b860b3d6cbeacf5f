#!/usr/bin/env bash
# Embeddings kept in sync (issue #20), through the built binary's `vigil jobs run
# embedding_backfill --once --json`, on SQLite and a private PostgreSQL, with seed 001's messages
# (random UUID ids, created_at) and message_embeddings, an index on messages (created_at, id),
# and the offline `local` provider (8 floats), so what is timed is vigil's reading and writing:
#   1. the first pass over ROWS messages (a reconcile: every row embedded);
#   2. NEW messages added, and a pass over them: the rows past the watermark, in a table of
#      ROWS + NEW rows;
#   3. the same pass over a table that holds just those NEW rows (the same statements, a small
#      table): the ratio of 2 to 3 is what the table's size costs a pass (1.0 = nothing);
#   4. NEW more messages, found by a reconcile pass (the whole table read, hashes compared, as
#      every pass read it before passes by watermark): against 2;
#   5. a reconcile pass over the whole table with nothing changed (hashes compared, the
#      destination's keys swept for deleted rows): its rows/s.
# Times are the job's own (summary.elapsed_seconds: no process start-up, no migration check).
#
# Usage: bench/embedding_sync_bench.sh               ROWS=1000000 NEW=1000, both databases
# Environment: VIGIL (default build/vigil), DB ("sqlite postgres"), ROWS, NEW, KEEP=1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=${VIGIL:-$root/build/vigil}
DB=${DB:-sqlite postgres}
ROWS=${ROWS:-1000000}
NEW=${NEW:-1000}
PY=/usr/bin/python3
[ -x "$VIGIL" ] || { echo "no vigil binary at $VIGIL (build it, or set VIGIL)" >&2; exit 1; }

work=$(mktemp -d /tmp/vigil-embedding-sync-XXXXXX)
pg_dir=""
cleanup() {
  [ -n "$pg_dir" ] && "$root/scripts/pg-test-server.sh" stop "$pg_dir"
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
say() { echo "== $*" >&2; }

# sql DIALECT URL_OR_PATH: runs stdin as a script.
sql() {
  if [ "$1" = sqlite ]; then
    $PY -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.stdin.read()); c.commit()' "$2"
  else
    psql -q -v ON_ERROR_STOP=1 "$2" >/dev/null
  fi
}

tables() {  # dialect
  if [ "$1" = sqlite ]; then
    cat <<'SQL'
CREATE TABLE messages (id TEXT PRIMARY KEY, conversation_id TEXT, agent_name VARCHAR(100), role VARCHAR(20),
  content TEXT NOT NULL, sequence_number INTEGER, citations_verified BOOLEAN, metadata JSON, created_at DATETIME NOT NULL);
CREATE TABLE message_embeddings (id TEXT PRIMARY KEY, message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  embedding BLOB, embedding_model VARCHAR(100), embedding_version VARCHAR(50), embedded_text TEXT, created_at DATETIME NOT NULL);
CREATE INDEX idx_message_embeddings_message ON message_embeddings (message_id);
CREATE INDEX idx_messages_created ON messages (created_at, id);
SQL
  else
    cat <<'SQL'
CREATE TABLE messages (id UUID PRIMARY KEY, conversation_id UUID, agent_name VARCHAR(100), role VARCHAR(20),
  content TEXT NOT NULL, sequence_number INTEGER, citations_verified BOOLEAN, metadata JSONB, created_at TIMESTAMP NOT NULL);
CREATE TABLE message_embeddings (id UUID PRIMARY KEY, message_id UUID NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  embedding REAL[], embedding_model VARCHAR(100), embedding_version VARCHAR(50), embedded_text TEXT, created_at TIMESTAMP NOT NULL);
CREATE INDEX idx_message_embeddings_message ON message_embeddings (message_id);
CREATE INDEX idx_messages_created ON messages (created_at, id);
SQL
  fi
}

# messages FROM TO: rows numbered FROM..TO, random ids, created_at one second apart from 2024.
messages() {  # dialect from to
  if [ "$1" = sqlite ]; then
    cat <<SQL
WITH RECURSIVE n(i) AS (SELECT $2 UNION ALL SELECT i + 1 FROM n WHERE i < $3)
INSERT INTO messages (id, role, content, sequence_number, created_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-8' ||
             substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
       'agent', 'message ' || i || ' on hypothesis ' || (i % 97) || ': the evidence so far points one way', i,
       datetime('2024-01-01 00:00:00', '+' || i || ' seconds')
FROM n;
SQL
  else
    cat <<SQL
INSERT INTO messages (id, role, content, sequence_number, created_at)
SELECT gen_random_uuid(), 'agent', 'message ' || i || ' on hypothesis ' || (i % 97) || ': the evidence so far points one way', i,
       timestamp '2024-01-01 00:00:00' + i * interval '1 second'
FROM generate_series($2, $3) i;
ANALYZE messages;
SQL
  fi
}

# run CONFIG: one pass; prints "pass scanned embedded deleted elapsed_s".
run() {
  local out
  out=$("$VIGIL" jobs run embedding_backfill --once --json --config "$1" 2>"$work/stderr") || { cat "$work/stderr" >&2; exit 1; }
  echo "$out" | $PY -c '
import json, sys
line = [l for l in sys.stdin if l.startswith("{\"kind\"")][-1]
j = json.loads(line); t = j["summary"]["targets"][0]
assert j["result"] == "done", line
print(t["pass"], t["scanned"], t["embedded"], t["deleted"], "%.3f" % j["summary"]["elapsed_seconds"])'
}

config() {  # url reconcile_every name
  cat >"$work/$3.yaml" <<YAML
database:
  url: $1
jobs:
  embedding_backfill:
    reconcile_every: $2
    page_size: 1000
    provider: {kind: local, dimensions: 8, batch_size: 256}
YAML
  echo "$work/$3.yaml"
}

for dialect in $DB; do
  if [ "$dialect" = sqlite ]; then
    big="sqlite:$work/big.db"; big_sql="$work/big.db"
    small="sqlite:$work/small.db"; small_sql="$work/small.db"
  else
    if [ -z "$pg_dir" ]; then
      eval "$("$root/scripts/pg-test-server.sh" start)"
      pg_dir=$VIGIL_TEST_PG_DIR
    fi
    psql -q "$VIGIL_TEST_PG_URL" -c "CREATE DATABASE sync_big" -c "CREATE DATABASE sync_small" >/dev/null
    big=${VIGIL_TEST_PG_URL%/*}/sync_big; big_sql=$big
    small=${VIGIL_TEST_PG_URL%/*}/sync_small; small_sql=$small
  fi
  say "$dialect: $ROWS messages"
  { tables "$dialect"; messages "$dialect" 1 "$ROWS"; } | sql "$dialect" "$big_sql"
  tables "$dialect" | sql "$dialect" "$small_sql"
  daily_big=$(config "$big" 24h "$dialect-big-daily")
  always_big=$(config "$big" 0s "$dialect-big-always")
  daily_small=$(config "$small" 24h "$dialect-small-daily")

  read -r pass scanned embedded _ first <<<"$(run "$daily_big")"
  echo "$dialect first pass ($pass): $embedded of $scanned rows embedded in $first s"
  read -r _ _ _ _ _ <<<"$(run "$daily_small")"  # the small table's first (empty) reconcile

  messages "$dialect" $((ROWS + 1)) $((ROWS + NEW)) | sql "$dialect" "$big_sql"
  messages "$dialect" $((ROWS + 1)) $((ROWS + NEW)) | sql "$dialect" "$small_sql"
  read -r pass_b scanned_b embedded_b _ t_big <<<"$(run "$daily_big")"
  read -r pass_s scanned_s embedded_s _ t_small <<<"$(run "$daily_small")"
  echo "$dialect $pass_b pass, $NEW new in a table of $((ROWS + NEW)): scanned $scanned_b, embedded $embedded_b in $t_big s"
  echo "$dialect $pass_s pass, $NEW new in a table of $NEW: scanned $scanned_s, embedded $embedded_s in $t_small s"
  $PY -c "print('$dialect ratio (big table / small table): %.2f' % ($t_big / $t_small))"

  messages "$dialect" $((ROWS + NEW + 1)) $((ROWS + 2 * NEW)) | sql "$dialect" "$big_sql"
  read -r pass_f scanned_f embedded_f _ t_full <<<"$(run "$always_big")"
  echo "$dialect $pass_f pass, $NEW new in a table of $((ROWS + 2 * NEW)) (how every pass found new rows before): scanned $scanned_f, embedded $embedded_f in $t_full s"
  $PY -c "print('$dialect by watermark against the whole table: %.1fx faster' % ($t_full / $t_big))"

  read -r pass_r scanned_r embedded_r deleted_r t_r <<<"$(run "$always_big")"
  $PY -c "print('$dialect $pass_r pass, nothing changed: %d rows, %d embedded, %d deleted in %s s = %.0f rows/s' % ($scanned_r, $embedded_r, $deleted_r, '$t_r', $scanned_r / $t_r))"
done
