#!/usr/bin/env bash
# Builds vigil and runs every test, PostgreSQL tests included, against a private PostgreSQL
# started on loopback for the run and stopped after it.
#   scripts/test.sh              Release-with-debug-info build in build/
#   scripts/test.sh --sanitize   the same suite built with -fsanitize=address,undefined in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
flags=()
if [ "${1:-}" = "--sanitize" ]; then
  build=build-asan
  flags=(-DVIGIL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi

scripts/install-deps.sh
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
source scripts/ccache-env.sh
cmake -S . -B "$build" "${generator[@]}" "${flags[@]}" "${launcher[@]}" >/dev/null
cmake --build "$build" -j "${VIGIL_JOBS:-2}"

root=$(pwd)
source <("$root/scripts/pg-test-server.sh" start)
trap '"$root/scripts/pg-test-server.sh" stop "$VIGIL_TEST_PG_DIR"' EXIT

ctest --test-dir "$build" --output-on-failure -j "${VIGIL_TEST_JOBS:-2}" --timeout 300
