#!/usr/bin/env bash
# embedding_backfill throughput and memory against a local provider that answers at once
# (embedding_backfill_bench serve: a constant 1536-float vector per input, in its own process so
# the backfill's peak RSS is vigil's alone). For 10k, 50k and 100k rows on SQLite: batched (64
# per request) and, at 10k, one row per request. Prints one JSON line per run with rows/s, the
# provider's and vigil's share of the wall time, and peak RSS from /usr/bin/time -v.
#
# Usage: bench/embedding_backfill_bench.sh [ROWS...]   (env: BUILD_DIR, default build-release)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$repo/build-release}"
[[ $# -gt 0 ]] && sizes=("$@") || sizes=(10000 50000 100000)

cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build_dir" -j1 embedding_backfill_bench >/dev/null
bench="$build_dir/embedding_backfill_bench"

port_file="$(mktemp)"
"$bench" serve 1536 >"$port_file" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$port_file"' EXIT
for _ in $(seq 50); do [[ -s "$port_file" ]] && break; sleep 0.1; done
url="http://127.0.0.1:$(head -n1 "$port_file")/v1"

run() {  # rows batch
  local log
  log="$(mktemp)"
  /usr/bin/time -v "$bench" run "$url" "$1" "$2" 2>"$log" | tr -d '\n'
  echo ", \"peak_rss_kb\": $(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")"
  rm -f "$log"
}

for rows in "${sizes[@]}"; do run "$rows" 64; done
run "${sizes[0]}" 1
