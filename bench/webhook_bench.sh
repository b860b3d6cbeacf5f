#!/usr/bin/env bash
# One signed GitHub push (7 KB) with a fresh X-GitHub-Delivery per request, through wrk on
# loopback, against: vigil on SQLite, vigil on PostgreSQL (each storing every event, queued for
# triage, before answering 202; the triage job runs meanwhile), adnanh/webhook (same HMAC rule, running /bin/true) and nginx
# answering 202. Prints requests/s, p50/p99 latency and ratios; after each vigil run, checks that
# the stored rows match the 2xx answers wrk read and that each is triaged or queued for triage. See bench/README.md.
#
# Usage: bench/webhook_bench.sh          (from anywhere; about a minute and a half)
# Environment: THREADS (wrk -t, default 2), CONNECTIONS (wrk -c, default 64), DURATION (wrk -d,
#   default 10s), VIGIL (binary, default build-release/vigil, built if missing), KEEP=1 keeps the
#   work directory (logs, databases, configs), ONLY (which runs, default
#   "sqlite postgres webhook nginx": ONLY=sqlite compares builds of vigil on SQLite alone),
#   VIGIL_EXTRA (YAML lines added to vigil's config, e.g. a jobs: block to compare settings), DRAIN
#   (seconds to wait after the load for the triage queue to empty before the CPU table, default 120).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/bench/webhook
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
DRAIN=${DRAIN:-120}
VIGIL=${VIGIL:-$root/build-release/vigil}
PAYLOAD=$root/tests/fixtures/webhooks/github/push.json
SECRET=bench-github-secret
PY=/usr/bin/python3

say() { echo "== $*" >&2; }

ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v webhook >/dev/null || missing+=(webhook)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get install -y "${missing[@]}" >/dev/null
  fi
  if [ ! -x "$VIGIL" ]; then
    say "building $VIGIL (Release)"
    # ccache, when installed, with its own settings (CCACHE_DIR, CCACHE_BASEDIR) or its defaults.
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    cmake -S "$root" -B "$root/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
    ninja -C "$root/build-release" -j2 vigil >/dev/null
  fi
}

work=$(mktemp -d /tmp/vigil-webhook-bench-XXXXXX)
results=$work/results.jsonl
pg_dir=""
server_pid=""
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
cleanup() {
  stop_server
  [ -n "$pg_dir" ] && "$root/scripts/pg-test-server.sh" stop "$pg_dir"
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "server exited; log:" >&2; cat "$2" >&2; exit 1; }
    sleep 0.1
  done
  echo "nothing listens on port $1; log:" >&2
  cat "$2" >&2
  exit 1
}

# run_wrk URL: writes the RESULT json of signed_push.lua to $work/result.json (wrk's own report
# goes to the terminal).
run_id=$(date +%s)
run_wrk() {
  run_id=$((run_id + 1))
  local out=$work/wrk-$run_id.txt
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 5s --latency -s "$here/signed_push.lua" "$1" \
    -- "$PAYLOAD" "$signature" "$run_id" >"$out"
  sed -e '/^RESULT /d' -e 's/^/   /' "$out" >&2
  sed -n 's/^RESULT //p' "$out" >"$work/result.json"
}

# serve_and_measure PORT LOG COMMAND...: starts the server, runs wrk against its /hooks/gh once it
# listens, and stops it (SIGTERM, then waits). Not in a subshell, so an error stops the server.
serve_and_measure() {
  local port=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  server_pid=$!
  wait_port "$port" "$log"
  run_wrk "http://127.0.0.1:$port/hooks/gh"
  stop_server
}

record() {  # LABEL SETTINGS WRK_JSON STORED TRIAGED QUEUED
  printf '{"label": "%s", "settings": "%s", "wrk": %s, "stored": %s, "triaged": %s, "queued": %s}\n' "$@" >>"$results"
}

# bench_vigil LABEL DATABASE_URL COUNT_COMMAND...: COUNT_COMMAND gets one SQL query and prints its
# single value.
bench_vigil() {
  local label=$1 url=$2 dir=$work/$1
  shift 2
  mkdir -p "$dir"
  local port
  port=$(free_port)
  cat >"$dir/vigil.yaml" <<YAML
database:
  url: $url
http:
  listen: 127.0.0.1:$port
logging:
  level: warn
${VIGIL_EXTRA:-}
watchers:
  - name: gh
    type: webhook
    verify: {scheme: github, secret: $SECRET}
YAML
  say "$label"
  "$VIGIL" migrate --config "$dir/vigil.yaml" >"$dir/migrate.log" 2>&1 || { cat "$dir/migrate.log" >&2; exit 1; }
  "$VIGIL" run --config "$dir/vigil.yaml" >"$dir/vigil.log" 2>&1 &
  server_pid=$!
  wait_port "$port" "$dir/vigil.log"
  # CPU by thread (bench/webhook/cpu.py): before the load, after it, and once the triage queue is
  # empty (at most DRAIN seconds), so the table covers each event's intake and its triage.
  local postmaster=""
  [ -n "$pg_dir" ] && postmaster=$(head -1 "$pg_dir/data/postmaster.pid")
  $PY "$here/cpu.py" snap "$dir/cpu-a.json" "$server_pid" $postmaster
  run_wrk "http://127.0.0.1:$port/hooks/gh"
  $PY "$here/cpu.py" snap "$dir/cpu-b.json" "$server_pid" $postmaster
  # Polled twice a second: each poll is a client process (and on PostgreSQL a backend), whose CPU
  # the drained column counts in "rest" and "exited backends".
  local behind waited=0
  behind=$("$@" "SELECT count(*) FROM vigil_triage_pending")
  while [ "$("$@" "SELECT count(*) FROM vigil_triage_pending")" != 0 ] && [ "$waited" -lt "$((DRAIN * 2))" ]; do
    sleep 0.5
    waited=$((waited + 1))
  done
  $PY "$here/cpu.py" snap "$dir/cpu-c.json" "$server_pid" $postmaster
  # Stopped by SIGTERM: the writer commits what is queued before the daemon exits.
  stop_server
  local stored triaged queued
  local events="watcher_events e JOIN watchers w ON w.id = e.watcher_id WHERE w.name = 'gh'"
  stored=$("$@" "SELECT count(*) FROM $events")
  triaged=$("$@" "SELECT count(*) FROM $events AND e.triage_signal IS NOT NULL")
  queued=$("$@" "SELECT count(*) FROM $events AND e.triage_signal IS NULL AND EXISTS
                 (SELECT 1 FROM vigil_triage_pending p WHERE p.event_id = CAST(e.id AS TEXT))")
  record "$label" "$(vigil_settings "$url")" "$(cat "$work/result.json")" "$stored" "$triaged" "$queued"
  $PY "$here/cpu.py" report "$label" "$dir/cpu-a.json" "$dir/cpu-b.json" "$dir/cpu-c.json" "$stored" \
    "$behind" "$((waited / 2)).$((waited % 2 * 5))" >>"$work/cpu.md"
}

vigil_settings() {
  echo "vigil run, Release build, default settings (jobs.workers 4 run the triage jobs meanwhile),"\
       "database $1, fsync on, 202 after the commit holding the event and its triage queue row"
}

bench_webhook() {
  say "adnanh/webhook"
  local port dir=$work/webhook
  port=$(free_port)
  mkdir -p "$dir"
  cat >"$dir/hooks.json" <<JSON
[{"id": "gh", "execute-command": "/bin/true",
  "trigger-rule": {"match": {"type": "payload-hmac-sha256", "secret": "$SECRET",
                             "parameter": {"source": "header", "name": "X-Hub-Signature-256"}}}}]
JSON
  serve_and_measure "$port" "$dir/webhook.log" webhook -hooks "$dir/hooks.json" -ip 127.0.0.1 -port "$port"
  record "adnanh/webhook" "webhook $(webhook -version 2>&1 | grep -o '[0-9][0-9.]*' | head -1), GOMAXPROCS default ($(nproc)), payload-hmac-sha256 on X-Hub-Signature-256, runs /bin/true (answers before it exits)" "$(cat "$work/result.json")" null null null
}

bench_nginx() {
  say "nginx"
  local port dir=$work/nginx
  port=$(free_port)
  mkdir -p "$dir/logs"
  cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/client_body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port;
    location / { return 202; }
  }
}
CONF
  serve_and_measure "$port" "$dir/nginx.out" /usr/sbin/nginx -e "$dir/logs/error.log" -p "$dir" -c "$dir/nginx.conf"
  record "nginx" "nginx $(/usr/sbin/nginx -v 2>&1 | grep -o '[0-9][0-9.]*'), worker_processes auto ($(nproc)), access_log off, keepalive_requests 1000000, return 202 (body discarded)" "$(cat "$work/result.json")" null null null
}

ensure_tools
signature="sha256=$(openssl dgst -sha256 -hmac "$SECRET" -r "$PAYLOAD" | cut -d' ' -f1)"

ONLY=${ONLY:-sqlite postgres webhook nginx}
runs() { [[ " $ONLY " == *" $1 "* ]]; }

if runs sqlite; then
  bench_vigil vigil-sqlite "sqlite:$work/vigil-sqlite/vigil.db" \
    sqlite3 "$work/vigil-sqlite/vigil.db"
fi
if runs postgres; then
  say "starting a private PostgreSQL"
  source <("$root/scripts/pg-test-server.sh" start)
  pg_dir=$VIGIL_TEST_PG_DIR
  psql -q "$VIGIL_TEST_PG_URL" -c "CREATE DATABASE vigil_webhook"
  pg_url=${VIGIL_TEST_PG_URL%/*}/vigil_webhook
  bench_vigil vigil-postgres "$pg_url" psql -Atq "$pg_url" -c
fi
if runs webhook; then bench_webhook; fi
if runs nginx; then bench_nginx; fi

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on loopback, one signed GitHub push ($(wc -c <"$PAYLOAD") bytes)," \
  "fresh X-GitHub-Delivery per request; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
$PY "$here/table.py" <"$results"
if [ -s "$work/cpu.md" ]; then echo; cat "$work/cpu.md"; fi
