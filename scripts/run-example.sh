#!/usr/bin/env bash
# Builds vigil and runs the daemon on SQLite with config/examples/vigil.yaml (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
source scripts/ccache-env.sh
cmake -S . -B build "${generator[@]}" "${launcher[@]}" >/dev/null
cmake --build build -j "${VIGIL_JOBS:-2}" --target vigil
# The example webhook watcher verifies signatures with this secret (docs/getting-started.md).
export VIGIL_EXAMPLE_HOOK_SECRET=${VIGIL_EXAMPLE_HOOK_SECRET:-example-secret}
exec ./build/vigil run --config config/examples/vigil.yaml
