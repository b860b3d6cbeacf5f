#!/usr/bin/env bash
# embedding_backfill throughput, the split of its wall time and memory, on SQLite, against a
# provider stand-in in its own process (embedding_backfill_bench serve: the same 1536-float vector
# for every input, so the backfill's peak RSS is vigil's alone):
#   - answering at once: 10k, 50k and 100k rows, 64 per request, float and base64 answers; and at
#     10k one row per request. Against an instant provider vigil is most of the wall time by
#     construction; the figure to read is vigil_us_per_row.
#   - answering after 25 ms and 50 ms per request (a hosted API takes longer for 64 inputs): where
#     vigil's share of the wall time falls under 10%.
# Prints one JSON line per run: rows/s, provider_s (waiting on HTTP), vigil_s (the rest: reading,
# batching, encoding/decoding, writing; split into read_s, codec_s, write_s), vigil_share and
# peak_rss_kb from /usr/bin/time -v.
#
# Usage: bench/embedding_backfill_bench.sh [ROWS...]   (env: BUILD_DIR, default build-release)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$repo/build-release}"
[[ $# -gt 0 ]] && sizes=("$@") || sizes=(10000 50000 100000)

cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build_dir" -j1 embedding_backfill_bench >/dev/null
bench="$build_dir/embedding_backfill_bench"

server=""
port_file="$(mktemp)"
trap '[[ -n "$server" ]] && kill "$server" 2>/dev/null; rm -f "$port_file"' EXIT
serve() {  # delay_ms
  [[ -n "$server" ]] && kill "$server" && wait "$server" 2>/dev/null || true
  : >"$port_file"
  "$bench" serve 1536 "$1" >"$port_file" &
  server=$!
  for _ in $(seq 50); do [[ -s "$port_file" ]] && break; sleep 0.1; done
  url="http://127.0.0.1:$(head -n1 "$port_file")/v1"
}

run() {  # rows batch encoding
  local log
  log="$(mktemp)"
  /usr/bin/time -v "$bench" run "$url" "$1" "$2" "$3" 2>"$log" | tr -d '\n'
  echo ", \"provider_delay_ms\": $delay, \"peak_rss_kb\": $(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")"
  rm -f "$log"
}

delay=0
serve 0
for rows in "${sizes[@]}"; do run "$rows" 64 float; done
for rows in "${sizes[@]}"; do run "$rows" 64 base64; done
run "${sizes[0]}" 1 float
for delay in 25 50; do
  serve "$delay"
  run "${sizes[0]}" 64 float
done
