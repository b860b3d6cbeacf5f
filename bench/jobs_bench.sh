#!/usr/bin/env bash
# No-op jobs through vigil (SQLite and PostgreSQL), graphile-worker and pg-boss on one private
# PostgreSQL (a database each), all at concurrency 16: bulk enqueue rate, processing rate, and
# idle pickup latency (enqueue to start, median of PICKUPS probes). See bench/README.md.
#
# Usage: bench/jobs_bench.sh            (from anywhere; takes a few minutes)
# Environment: COUNT (jobs per system, default 50000), PICKUPS (default 50),
#   VIGIL (binary, default build-release/vigil, built if missing),
#   PGBOSS_BATCH (pg-boss batchSize, default 1000), KEEP=1 keeps the work directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/bench/jobs
COUNT=${COUNT:-50000}
PICKUPS=${PICKUPS:-50}
VIGIL=${VIGIL:-$root/build-release/vigil}
PGBOSS_BATCH=${PGBOSS_BATCH:-1000}
PY=/usr/bin/python3
STEP_TIMEOUT=300  # seconds; no system should come near it

say() { echo "== $*" >&2; }

ensure_tools() {
  command -v node >/dev/null || { echo "node is required (Debian: apt-get install nodejs npm)" >&2; exit 1; }
  if ! $PY -c 'import psycopg2' 2>/dev/null; then
    say "installing python3-psycopg2"
    apt-get install -y python3-psycopg2 >/dev/null
  fi
  if [ ! -x "$VIGIL" ]; then
    say "building $VIGIL (Release)"
    cmake -S "$root" -B "$root/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    ninja -C "$root/build-release" -j2 vigil >/dev/null
  fi
  say "npm install in bench/jobs"
  (cd "$bench" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
}

work=$(mktemp -d /tmp/vigil-jobs-bench-XXXXXX)
results=$work/results.jsonl
pg_dir=""
cleanup() {
  [ -n "$pg_dir" ] && "$root/scripts/pg-test-server.sh" stop "$pg_dir"
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

ensure_tools
say "starting a private PostgreSQL"
source <("$root/scripts/pg-test-server.sh" start)
pg_dir=$VIGIL_TEST_PG_DIR
base=${VIGIL_TEST_PG_URL%/*}
for db in vigil vigil_defaults graphile graphile_tuned pgboss; do
  psql -q "$VIGIL_TEST_PG_URL" -c "CREATE DATABASE $db"
done

# run LABEL COMMAND...: appends the command's JSON line to the results, its log to the terminal.
run() {
  local label=$1
  shift
  say "$label"
  timeout "$STEP_TIMEOUT" "$@" >>"$results" 2> >(sed 's/^/   /' >&2)
}

vigil_bench=("$PY" "$bench/vigil_bench.py" --vigil "$VIGIL" --count "$COUNT" --pickups "$PICKUPS" --workers 16)

run vigil-sqlite "${vigil_bench[@]}" --label vigil-sqlite --url "sqlite:$work/sqlite/vigil.db" --workdir "$work/sqlite" \
  --prefetch 500 --claim-batch 500
run vigil-postgres "${vigil_bench[@]}" --label vigil-postgres --url "$base/vigil" --workdir "$work/pg" \
  --prefetch 500 --claim-batch 500
run "vigil-postgres (defaults)" "${vigil_bench[@]}" --label "vigil-postgres (defaults)" --url "$base/vigil_defaults" \
  --workdir "$work/pg-defaults"
run "graphile-worker (defaults)" node "$bench/graphile.js" --label "graphile-worker (defaults)" --url "$base/graphile" \
  --count "$COUNT" --pickups "$PICKUPS" --concurrency 16
run "graphile-worker (tuned)" node "$bench/graphile.js" --label "graphile-worker (tuned)" --url "$base/graphile_tuned" \
  --count "$COUNT" --pickups "$PICKUPS" --concurrency 16 --local-queue 500 --complete-batch-delay 0
run pg-boss node "$bench/pgboss.js" --label pg-boss --url "$base/pgboss" \
  --count "$COUNT" --pickups "$PICKUPS" --workers 16 --batch-size "$PGBOSS_BATCH" --poll 0.5

echo
echo "$COUNT no-op jobs per system, concurrency 16, one private PostgreSQL $(psql -Atq "$VIGIL_TEST_PG_URL" -c "SHOW server_version")" \
  "(fsync on, synchronous_commit on), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
$PY "$bench/table.py" <"$results"
