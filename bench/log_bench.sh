#!/usr/bin/env bash
# Log watchers: (a) write-to-stored latency, p50 and p99, at 1, 100 and 10,000 lines/s (~10 s
# each): a writer appends lines, each line's event is seen committed in vigil's SQLite database
# (polled every millisecond); (b) the floor for the same rates: `tail -F FILE` piped to a consumer
# that timestamps each line on arrival; (c) the daemon's CPU and wakeups (context switches, all
# threads) per second with 100 idle log watchers, next to one `tail -F` following the same 100
# files. Fluent Bit is not packaged in Debian 12 and its docs publish no latency or idle figures
# (its performance page gives tuning advice only), so `tail -F` is the peer. See bench/README.md.
#
# Usage: bench/log_bench.sh [--every LIST] [--rate-seconds N] [--idle-seconds N] [--rates "1 100 10000"]
#   --every LIST    comma-separated `every` values to run vigil with; `default` leaves `every` out
#                   of the config (the config's default: what a user gets). Default: default.
#                   Example: --every default,1s
#   --idle-seconds  the idle window of (c): 30 (use 60 for steadier figures)
#   --rate-seconds  how long each rate of (a) and (b) writes: 10
# Environment: VIGIL (binary, default build/vigil), KEEP=1 keeps the work directory.
# A default run takes about 2.5 minutes.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=${VIGIL:-$root/build/vigil}
PY=/usr/bin/python3
HELPER=$root/bench/log/log_bench.py
EVERY=default
RATE_SECONDS=10
IDLE_SECONDS=30
RATES="1 100 10000"
IDLE_FILES=100
command_line="bench/log_bench.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --every) EVERY=$2; shift 2 ;;
    --rate-seconds) RATE_SECONDS=$2; shift 2 ;;
    --idle-seconds) IDLE_SECONDS=$2; shift 2 ;;
    --rates) RATES=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "log_bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -x "$VIGIL" ] || { echo "log_bench.sh: no binary at $VIGIL (build it: cmake --build build, or set VIGIL)" >&2; exit 1; }
command -v tail >/dev/null || { echo "log_bench.sh: tail is missing" >&2; exit 1; }

say() { echo "== $*" >&2; }

work=$(mktemp -d /tmp/vigil-log-bench-XXXXXX)
results=$work/results.jsonl
pids=()
stop_all() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  stop_all
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

every_line() { [ "$1" = default ] || echo "    every: $1"; }

# watcher NAME GLOB EVERY: one log watcher whose rule makes every line an event titled by its
# sequence number.
watcher() {
  cat <<YAML
  - name: $1
    type: log
$(every_line "$3")
    start_at: beginning
    paths: ['$2']
    rules:
      - name: line
        match: '^bench\w* (?P<seq>-?\d+) '
        title: '{{seq}}'
YAML
}

# start_vigil DIR: writes the database and http parts before DIR/watchers.yaml, migrates and
# starts the daemon in the background (its pid in $vigil_pid).
start_vigil() {
  local dir=$1 port
  port=$(free_port)
  { printf 'database:\n  url: sqlite:%s/vigil.db\nhttp:\n  listen: 127.0.0.1:%s\nlogging:\n  level: warn\nwatchers:\n' "$dir" "$port"
    cat "$dir/watchers.yaml"; } >"$dir/vigil.yaml"
  "$VIGIL" migrate --config "$dir/vigil.yaml" >"$dir/migrate.log" 2>&1 || { cat "$dir/migrate.log" >&2; exit 1; }
  "$VIGIL" run --config "$dir/vigil.yaml" >"$dir/vigil.log" 2>&1 &
  vigil_pid=$!
  pids+=("$vigil_pid")
}

record() {  # KIND SUBJECT JSON [EXTRA_JSON_FIELDS]
  local extra=${4:-}
  echo "$3" | $PY -c "import json,sys; r=json.load(sys.stdin); r.update({'kind': '$1', 'subject': '$2'}); r.update(json.loads('{${extra}}')); print(json.dumps(r))" >>"$results"
}

bench_latency_vigil() {  # EVERY
  local every=$1 dir=$work/latency-$1
  mkdir -p "$dir/logs"
  watcher bench "$dir/logs/rate-*.log" "$every" >"$dir/watchers.yaml"
  start_vigil "$dir"
  for rate in $RATES; do
    say "vigil (every: $every), $rate lines/s for $RATE_SECONDS s"
    local out
    out=$($PY "$HELPER" latency --db "$dir/vigil.db" --file "$dir/logs/rate-$rate.log" --rate "$rate" --seconds "$RATE_SECONDS")
    record latency "vigil, every: $every" "$out"
  done
  stop_all
}

bench_latency_tail() {
  local dir=$work/latency-tail
  mkdir -p "$dir"
  for rate in $RATES; do
    say "tail -F, $rate lines/s for $RATE_SECONDS s"
    local out
    out=$($PY "$HELPER" latency --tail --file "$dir/rate-$rate.log" --rate "$rate" --seconds "$RATE_SECONDS")
    record latency "tail -F | consumer" "$out"
  done
}

bench_idle() {  # EVERY
  local every=$1 dir=$work/idle-$1
  mkdir -p "$dir/logs"
  : >"$dir/watchers.yaml"
  for i in $(seq -w 1 "$IDLE_FILES"); do
    echo "benchline 0 $i" >"$dir/logs/app-$i.log"
    watcher "idle-$i" "$dir/logs/app-$i.log" "$every" >>"$dir/watchers.yaml"
  done
  start_vigil "$dir"
  local vigil=$vigil_pid
  tail -F -n 0 "$dir"/logs/app-*.log >/dev/null 2>&1 &
  local tail_pid=$!
  pids+=("$tail_pid")
  say "vigil (every: $every) and tail -F: $IDLE_FILES idle log files, 10 s to settle, then $IDLE_SECONDS s measured"
  sleep 10  # the first passes (one per watcher), migrations' aftermath, tail's start
  kill -0 "$vigil" || { cat "$dir/vigil.log" >&2; exit 1; }
  $PY "$HELPER" idle --pid "$tail_pid" --seconds "$IDLE_SECONDS" >"$dir/tail.json" &
  local tail_measure=$!
  record idle "vigil, $IDLE_FILES log watchers, every: $every" "$($PY "$HELPER" idle --pid "$vigil" --seconds "$IDLE_SECONDS")" "\"files\": $IDLE_FILES"
  wait "$tail_measure"
  [ "$every" = "${EVERY%%,*}" ] && record idle "tail -F, the same $IDLE_FILES files" "$(cat "$dir/tail.json")" "\"files\": $IDLE_FILES"
  stop_all
}

IFS=, read -r -a everies <<<"$EVERY"
started=$(date +%s)
for every in "${everies[@]}"; do bench_latency_vigil "$every"; done
bench_latency_tail
for every in "${everies[@]}"; do bench_idle "$every"; done

echo
$PY "$HELPER" table "$results"
echo
line_bytes=$($PY -c "import sys; sys.path.insert(0, '$root/bench/log'); import log_bench; print(len(log_bench.line(0)))")
echo "$("$VIGIL" --version 2>/dev/null | head -1) ($VIGIL, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'));"\
     "SQLite (WAL) in $work on $(stat -f -c %T "$work"); every line matches the one rule and is stored as an event;"\
     "lines of $line_bytes bytes; tail -F: $(tail --version | head -1) (inotify);"\
     "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(( $(date +%s) - started )) s"
echo "command: $command_line"
