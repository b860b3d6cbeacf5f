#!/usr/bin/env bash
# An idle daemon's cost (issue #22, "Silent when idle" and "Many watchers"): `vigil run` with many
# watchers that have nothing to do, measured over a window after it settled. Prints, per database:
#   start s          from exec to /healthz answering
#   wakeups/s        context switches of all its threads (voluntary + involuntary, from
#                    /proc/PID/task/*/status) over the window, per second
#   CPU %            utime + stime of the process (/proc/PID/stat) over the window, of one core
#   wrote B          SQLite: bytes the daemon wrote (/proc/PID/io wchar: the WAL's pages and its
#                    log; the -wal file's size says nothing, it is reused); PostgreSQL:
#                    pg_current_wal_lsn() moved (a private server, autovacuum off: the daemon's alone)
#   heartbeat s      how far the node's heartbeat_at moved in the window (the one idle write
#                    allowed: one per 10 s, so a 60 s window holds about 6)
#   RSS MB / peak    VmRSS at the end, VmHWM
#   mapped files MB  RssFile at the end: the part of RSS that is pages of the binary and its shared
#                    libraries (text, read-only data, relocated tables); the rest is the
#                    process's own memory. bench/rss_floor.sh measures what the libraries alone take
#
# Usage: bench/idle_bench.sh                    the issue's 100 watchers: 40 feed watchers every 1h,
#                                                30 webhooks, 20 timed every 5m, 10 log watchers
#        FEEDS=10000 bench/idle_bench.sh        10,000 feed watchers (every: 1h, jitter: 10m) alone
#        TIMED_EVERY=1m bench/idle_bench.sh     the same 100, the 20 timed watchers every minute: a
#                                                60 s window holds exactly one of their fires
#        STEADY=1 FEEDS=10000 bench/idle_bench.sh  the same past its first hour: the stand-in answers
#                                                every poll 304, as it does once each feed's ETag is
#                                                stored, so the window holds no first answers (200s)
# Environment: VIGIL (binary, default build/vigil), DB ("sqlite postgres", default both), WINDOW
#   (seconds, default 60), SETTLE (seconds after start before the window, default 20), KEEP=1,
#   THREADS=1 (also print, on stderr, each thread's wakeups in the window by its name),
#   JITTER (the FEEDS watchers', default 10m: their polls fall in the first 10 minutes of each
#   hour, so a window elsewhere holds none; JITTER=1h spreads the same polls evenly over the hour,
#   and a window then shows the hour's average). The last columns give the polls answered in the
#   window and the daemon's CPU per poll (the whole process's, divided).
# The feed watchers poll a local stand-in (Python, loopback) that serves a real Atom feed with an
# ETag and answers 304 to a conditional request.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=${VIGIL:-$root/build/vigil}
DB=${DB:-sqlite postgres}
WINDOW=${WINDOW:-60}
SETTLE=${SETTLE:-20}
FEEDS=${FEEDS:-}
JITTER=${JITTER:-10m}
TIMED_EVERY=${TIMED_EVERY:-5m}
PY=/usr/bin/python3
FEED=$root/tests/fixtures/feeds/huginn/cdata_rss.atom

[ -x "$VIGIL" ] || { echo "no vigil binary at $VIGIL (build it, or set VIGIL)" >&2; exit 1; }
work=$(mktemp -d /tmp/vigil-idle-bench-XXXXXX)
pids=()
pg_dir=""
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "$pg_dir" ] && "$root/scripts/pg-test-server.sh" stop "$pg_dir"
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
say() { echo "== $*" >&2; }
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The feed host: 200 with an ETag, 304 when If-None-Match matches; counts what it answered.
feed_port=$(free_port)
cat >"$work/feed_host.py" <<'PY'
import http.server, sys, threading
body = open(sys.argv[2], "rb").read()
steady = sys.argv[3] == "1"
counts = {"200": 0, "304": 0}
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if self.path == "/counts":
            text = ("%d %d\n" % (counts["200"], counts["304"])).encode()
            self.send_response(200); self.send_header("Content-Length", str(len(text))); self.end_headers(); self.wfile.write(text); return
        fresh = steady or self.headers.get("If-None-Match") == '"v1"'
        with lock:
            counts["304" if fresh else "200"] += 1
        if fresh:
            self.send_response(304); self.send_header("ETag", '"v1"'); self.end_headers(); return
        self.send_response(200); self.send_header("Content-Type", "application/atom+xml"); self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
$PY "$work/feed_host.py" "$feed_port" "$FEED" "${STEADY:-0}" &
pids+=($!)

config() {  # URL PORT DIR
  local url=$1 port=$2 dir=$3
  echo "database:"
  echo "  url: $url"
  echo "http:"
  echo "  listen: 127.0.0.1:$port"
  echo "logging:"
  echo "  level: warn"
  echo "watchers:"
  if [ -n "$FEEDS" ]; then
    for i in $(seq "$FEEDS"); do
      printf '  - {name: feed-%d, type: literature, source: feed, every: 1h, jitter: %s, url: "http://127.0.0.1:%d/feed/%d"}\n' "$i" "$JITTER" "$feed_port" "$i"
    done
    return
  fi
  for i in $(seq 40); do
    printf '  - {name: feed-%d, type: literature, source: feed, every: 1h, jitter: 5m, url: "http://127.0.0.1:%d/feed/%d"}\n' "$i" "$feed_port" "$i"
  done
  for i in $(seq 30); do
    printf '  - {name: hook-%d, type: webhook, verify: {scheme: github, secret: idle-bench-%d}}\n' "$i" "$i"
  done
  for i in $(seq 20); do
    printf "  - {name: timed-%d, type: scheduled, every: %s, emit: {title: 'timed %d {{fire_at}}'}}\n" "$i" "$TIMED_EVERY" "$i"
  done
  # The logs in a directory of their own, as /var/log is not vigil's /var/lib/vigil: a log
  # watcher watches its directory, and beside the database every write of it (the WAL) would
  # wake the loop too.
  mkdir -p "$dir/logs"
  for i in $(seq 10); do
    : >"$dir/logs/app-$i.log"
    printf "  - {name: log-%d, type: log, paths: [%s], rules: [{name: error, match: 'ERROR (?P<what>.*)', title: 'error {{what}}'}]}\n" \
      "$i" "$dir/logs/app-$i.log"
  done
}

switches() {  # PID: voluntary + involuntary context switches of all its threads
  cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print s + 0}'
}
per_thread() {  # PID: "name switches" for each thread (its comm, and its tid when names repeat)
  local t
  for t in /proc/"$1"/task/*; do
    awk -v n="$(cat "$t/comm" 2>/dev/null)" -v id="${t##*/}" \
      '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print n "/" id, s + 0}' "$t/status" 2>/dev/null
  done
}
cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
kb() { awk -v k="$2" '$1 == k":" {print $2}' /proc/"$1"/status; }

run_one() {  # LABEL URL GROWTH_COMMAND HEARTBEAT_COMMAND
  local label=$1 url=$2 growth=$3 heartbeat=$4 dir=$work/$1 port
  mkdir -p "$dir"
  port=$(free_port)
  config "$url" "$port" "$dir" >"$dir/vigil.yaml"
  "$VIGIL" migrate --config "$dir/vigil.yaml" >"$dir/migrate.log" 2>&1 || { cat "$dir/migrate.log" >&2; exit 1; }
  say "$label: $(grep -c '  - {name' "$dir/vigil.yaml") watchers"
  local t0 t1 pid
  t0=$(date +%s.%N)
  "$VIGIL" run --config "$dir/vigil.yaml" >"$dir/vigil.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir/vigil.log" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s.%N)
  sleep "$SETTLE"
  local sw0 cpu0 g0 h0 sw1 cpu1 g1 h1 hz counts0
  hz=$(getconf CLK_TCK)
  counts0=$(curl -fs "http://127.0.0.1:$feed_port/counts")
  sw0=$(switches "$pid"); cpu0=$(cpu_ticks "$pid"); g0=$(eval "$growth"); h0=$(eval "$heartbeat")
  [ "${THREADS:-0}" = 1 ] && per_thread "$pid" >"$dir/threads0"
  sleep "$WINDOW"
  sw1=$(switches "$pid"); cpu1=$(cpu_ticks "$pid"); g1=$(eval "$growth"); h1=$(eval "$heartbeat")
  if [ "${THREADS:-0}" = 1 ]; then
    per_thread "$pid" >"$dir/threads1"
    echo "== $label: wakeups in the window by thread" >&2
    awk 'NR == FNR {a[$1] = $2; next} {d = $2 - a[$1]; if (d > 0) print d, $1}' \
      "$dir/threads0" "$dir/threads1" | sort -rn >&2
  fi
  local rss hwm files counts
  rss=$(kb "$pid" VmRSS); hwm=$(kb "$pid" VmHWM); files=$(kb "$pid" RssFile)
  counts=$(curl -fs "http://127.0.0.1:$feed_port/counts")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  $PY - "$label" "$t0" "$t1" "$sw0" "$sw1" "$cpu0" "$cpu1" "$hz" "$g0" "$g1" "$h0" "$h1" "$rss" "$hwm" "$files" "$WINDOW" "$counts0" "$counts" <<'PY' >>"$work/results.txt"
import sys
(label, t0, t1, sw0, sw1, c0, c1, hz, g0, g1, h0, h1, rss, hwm, files, window, counts0, counts) = sys.argv[1:]
w = float(window)
cpu_s = (int(c1) - int(c0)) / int(hz)
polls = sum(map(int, counts.split())) - sum(map(int, counts0.split()))
per_poll = "%.2f" % (1000.0 * cpu_s / polls) if polls else "-"
print("| %s | %.2f | %.2f | %.3f | %d | %.0f | %.1f | %.1f | %.1f | %s | %d | %s |" % (
    label, float(t1) - float(t0), (int(sw1) - int(sw0)) / w, 100.0 * cpu_s / w,
    int(g1) - int(g0), (int(h1) - int(h0)) / 1e6,
    int(rss) / 1024, int(files) / 1024, int(hwm) / 1024, counts.strip().replace(" ", " x200, ", 1) + " x304", polls, per_poll))
PY
}

for db in $DB; do
  case "$db" in
    sqlite)
      f=$work/sqlite/vigil.db
      # The -wal file is reused after each checkpoint, so its size does not show writes: the bytes
      # the daemon wrote (wchar of /proc/PID/io: every write(2), its log included) do.
      run_one sqlite "sqlite:$f" "awk '/^wchar/ {print \$2}' /proc/\$pid/io" \
        "sqlite3 $f 'SELECT COALESCE(SUM(heartbeat_at), 0) FROM vigil_nodes'"
      ;;
    postgres)
      say "starting a private PostgreSQL (autovacuum off)"
      source <("$root/scripts/pg-test-server.sh" start)
      pg_dir=$VIGIL_TEST_PG_DIR
      psql -q "$VIGIL_TEST_PG_URL" -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()" >/dev/null
      psql -q "$VIGIL_TEST_PG_URL" -c "CREATE DATABASE vigil_idle"
      u=${VIGIL_TEST_PG_URL%/*}/vigil_idle
      run_one postgres "$u" "psql -Atq '$u' -c \"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint\"" \
        "psql -Atq '$u' -c 'SELECT COALESCE(SUM(heartbeat_at), 0) FROM vigil_nodes'"
      ;;
    *) echo "DB: sqlite or postgres, not $db" >&2; exit 2 ;;
  esac
done

echo
echo "bench/idle_bench.sh: ${FEEDS:-100 (40 feed, 30 webhook, 20 timed every $TIMED_EVERY, 10 log)} watchers, settle ${SETTLE} s, window ${WINDOW} s;" \
  "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| database | start s | wakeups/s | CPU % of a core | wrote B | heartbeat moved s | RSS MB | of which mapped files MB | peak RSS MB | feed host answers (all) | polls in window | CPU ms per poll |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$work/results.txt"
