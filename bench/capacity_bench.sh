#!/usr/bin/env bash
# A capacity model's measurements (docs/scaling.md): on one private PostgreSQL (pg_stat_statements
# preloaded), 1, 2 and 4 daemons sharing 16 workers run COUNT noop jobs; then one daemon takes
# EVENTS signed 7 KB GitHub pushes from 8 concurrent clients. Per job and per event: statements (round trips), commits, WAL
# bytes and the server's CPU; per run: jobs/s and a check that every job ran exactly once.
#
# Usage: bench/capacity_bench.sh
# Environment: VIGIL (binary, default build/vigil), COUNT (60000), EVENTS (2000), DAEMONS (1,2,4; 1,2,4,1,2,4 for two rounds),
#   WORKERS (16, shared between the daemons), TOP (print this many statements by server time per run),
#   KEEP=1 keeps the work directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=${VIGIL:-$root/build/vigil}
COUNT=${COUNT:-60000}
EVENTS=${EVENTS:-2000}
DAEMONS=${DAEMONS:-1,2,4}
WORKERS=${WORKERS:-16}
PY=/usr/bin/python3
[ -x "$VIGIL" ] || { echo "no vigil binary at $VIGIL (build first, or set VIGIL)" >&2; exit 1; }

work=$(mktemp -d /tmp/vigil-capacity-XXXXXX)
pg_dir=""
cleanup() {
  [ -n "$pg_dir" ] && "$root/scripts/pg-test-server.sh" stop "$pg_dir"
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

source <("$root/scripts/pg-test-server.sh" start)
pg_dir=$VIGIL_TEST_PG_DIR
# Restart it with pg_stat_statements loaded: statements per job are read from it.
echo "$(cat "$pg_dir/opts") -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_utility=on" >"$pg_dir/opts"
"$root/scripts/pg-test-server.sh" pause "$pg_dir" fast
"$root/scripts/pg-test-server.sh" resume "$pg_dir"

"$PY" "$root/bench/capacity/capacity.py" --vigil "$VIGIL" --url "$VIGIL_TEST_PG_URL" --pg-dir "$pg_dir" \
  --count "$COUNT" --daemons "$DAEMONS" --workers "$WORKERS" --events "$EVENTS" --top "${TOP:-0}" \
  --payload "$root/tests/fixtures/webhooks/github/push.json" --workdir "$work" >"$work/results.jsonl"

echo
echo "bench/capacity_bench.sh: COUNT=$COUNT EVENTS=$EVENTS DAEMONS=$DAEMONS WORKERS=$WORKERS; PostgreSQL" \
  "$(psql -Atq "$VIGIL_TEST_PG_URL" -c "SHOW server_version") (fsync on, synchronous_commit on), $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$root/bench/capacity/table.py" <"$work/results.jsonl"
