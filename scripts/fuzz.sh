#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzz.cpp) with clang in build-fuzz/ (-DVIGIL_FUZZ=ON: ASan,
# UBSan and coverage instrumentation) and runs each for SECONDS (default 60) on its corpus: the
# seeds fuzz/seeds.py derives from tests/fixtures, the config example and the docs, plus what
# earlier runs kept in build-fuzz/fuzz-corpus/. Prints per target the executions, coverage,
# corpus size and findings; exits 1 if any target crashed, leaked, hung, ran out of memory,
# tripped a sanitizer or broke a property (the input is kept in build-fuzz/fuzz-findings/<target>/).
#   scripts/fuzz.sh [SECONDS]
#   scripts/fuzz.sh --build-only    configure and build everything in build-fuzz/ (vigil, vigil_test
#                                   and the targets; scripts/test.sh --fuzz-build runs the suite there)
#   scripts/fuzz.sh --replay        run every target once over its seeds, no mutation: deterministic,
#                                   a regression check of every parser on every seed (what CI runs)
#   VIGIL_FUZZ_TARGETS="cron_parse_fuzz json_path_fuzz" scripts/fuzz.sh 30    only these targets
# Reproduce a finding: build-fuzz/<target> build-fuzz/fuzz-findings/<target>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-fuzz
build_only= replay=
[ "${1:-}" = "--build-only" ] && build_only=1
[ "${1:-}" = "--replay" ] && replay=1
seconds=${1:-60}
[ -n "$replay" ] && seconds=0

scripts/install-deps.sh
source scripts/ccache-env.sh
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DVIGIL_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" "${launcher[@]}" >/dev/null
if [ -n "$build_only" ]; then
  cmake --build "$build" -j "${VIGIL_JOBS:-2}"
  exit 0
fi
cmake --build "$build" -j "${VIGIL_JOBS:-2}" --target vigil_fuzz

targets=${VIGIL_FUZZ_TARGETS:-$(cd fuzz && ls *_fuzz.cpp | sed 's/\.cpp$//')}
rm -rf "$build/fuzz-seeds"
/usr/bin/python3 fuzz/seeds.py "$build/fuzz-seeds"

# Longest input per target: room for a real document, not for slow giants.
max_len() {
  case $1 in
    feed_parser_fuzz|pubmed_parser_fuzz|arxiv_parser_fuzz) echo 65536 ;;
    http_request_fuzz|webhook_decide_fuzz|config_load_fuzz) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=()
printf '%-24s %12s %8s %8s %10s %s\n' target executions cov ft corpus findings
for t in $targets; do
  corpus=$build/fuzz-corpus/$t findings=$build/fuzz-findings/$t log=$build/fuzz-logs/$t.log
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  status=0 before=$(ls "$findings" | wc -l)
  if [ -n "$replay" ]; then
    run=(-runs=0 "$build/fuzz-seeds/$t")
  else
    run=(-max_total_time="$seconds" "$corpus" "$build/fuzz-seeds/$t")
  fi
  "$build/$t" -max_len="$(max_len "$t")" -timeout=20 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$findings/" "${run[@]}" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
  what=none
  if [ "$status" -ne 0 ]; then
    what="$(( $(ls "$findings" | wc -l) - before )) saved: "$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z-]+[^ ]*|runtime error: .*|property failed: .*' "$log" || echo "exit $status")
    failed+=("$t")
  fi
  printf '%-24s %12s %8s %8s %10s %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$what"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]} (logs in $build/fuzz-logs/, inputs in $build/fuzz-findings/)" >&2
  exit 1
fi
