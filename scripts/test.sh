#!/usr/bin/env bash
# Builds vigil and runs every test, PostgreSQL tests included, against a private PostgreSQL
# started on loopback for the run and stopped after it.
#   scripts/test.sh              Release-with-debug-info build in build/
#   scripts/test.sh --sanitize   the same suite built with -fsanitize=address,undefined in build-asan/
#   scripts/test.sh --fuzz-build the same suite in build-fuzz/: clang, ASan, UBSan and libFuzzer's
#                                coverage: the build scripts/fuzz.sh runs its targets from
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
flags=()
case "${1:-}" in
  --sanitize) build=build-asan flags=(-DVIGIL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
  --fuzz-build) build=build-fuzz ;;
esac
if [ "$build" != build ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi

scripts/install-deps.sh
if [ "$build" = build-fuzz ]; then
  scripts/fuzz.sh --build-only  # knows the compiler and flags of that build
else
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  source scripts/ccache-env.sh
  cmake -S . -B "$build" "${generator[@]}" "${flags[@]}" "${launcher[@]}" >/dev/null
  cmake --build "$build" -j "${VIGIL_JOBS:-2}"
fi

root=$(pwd)
source <("$root/scripts/pg-test-server.sh" start)
trap '"$root/scripts/pg-test-server.sh" stop "$VIGIL_TEST_PG_DIR"' EXIT

ctest --test-dir "$build" --output-on-failure -j "${VIGIL_TEST_JOBS:-2}" --timeout 300
