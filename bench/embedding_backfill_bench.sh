#!/usr/bin/env bash
# embedding_backfill throughput, the split of its wall time and memory, on SQLite, against a
# provider stand-in in its own process (embedding_backfill_bench serve: the same 1536-float vector
# for every input, so the backfill's peak RSS is vigil's alone):
#   - answering at once: 64 rows per request at each size (float answers), base64 answers at the
#     largest size, one row per request at the smallest. Against an instant provider vigil is
#     most of the wall time by construction; the figures to read are the µs per row.
#   - answering after 5, 10, 25 and 50 ms per request, at the smallest size: vigil's work then hides
#     behind the requests (it decodes and writes batch N while batch N+1 is in flight).
# Prints one JSON line per run: rows_per_s, elapsed_s, provider_s (requests on the wire),
# vigil_busy_s (reading, encoding/decoding, writing: read_s + codec_s + write_s, overlapped or
# not), vigil_exposed_s and vigil_exposed_share (wall time with no request on the wire: vigil's
# work on the critical path), and peak_rss_kb from /usr/bin/time -v.
#
# Usage: bench/embedding_backfill_bench.sh [ROWS...]   (default 10000 50000 100000)
#        bench/embedding_backfill_bench.sh sync        keeping in sync: a pass by watermark over
#          1,000 new rows of 1,000,000 against a pass over just those rows, and the reconcile
#          pass's rows/s (bench/embedding_sync_bench.sh, whose header says more)
#   env: BUILD_DIR (default build-release); BENCH=/path/to/embedding_backfill_bench to run another
#   build as is (a "before" binary prints vigil_s = elapsed - provider instead of the vigil_* keys)
set -euo pipefail
if [[ "${1:-}" == sync ]]; then shift; exec "$(dirname "$0")/embedding_sync_bench.sh" "$@"; fi

repo="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$repo/build-release}"
[[ $# -gt 0 ]] && sizes=("$@") || sizes=(10000 50000 100000)

bench="${BENCH:-}"
if [[ -z "$bench" ]]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
  ninja -C "$build_dir" -j2 embedding_backfill_bench >/dev/null
  bench="$build_dir/embedding_backfill_bench"
fi

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
  /usr/bin/time -v "$bench" run "$url" "$1" "$2" "$3" 2>"$log" | tr -d '\n' | sed 's/}$//'
  echo ", \"provider_delay_ms\": $delay, \"peak_rss_kb\": $(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")}"
  rm -f "$log"
}

delay=0
serve 0
for rows in "${sizes[@]}"; do run "$rows" 64 float; done
run "${sizes[-1]}" 64 base64
run "${sizes[0]}" 1 float
for delay in 5 10 25 50; do
  serve "$delay"
  run "${sizes[0]}" 64 float
done
