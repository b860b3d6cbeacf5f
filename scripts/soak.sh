#!/usr/bin/env bash
# A soak with faults (issue 16; docs/operations.md, "The soak"): vigil under a steady load of
# signed webhooks and noop jobs while daemons are killed with SIGKILL, PostgreSQL is stopped and
# started, and SQLite's file system fills up; then every accepted delivery and enqueued job is
# accounted for. Not part of scripts/test.sh; CI runs the short one.
#   scripts/soak.sh [MINUTES]   the full schedule over MINUTES of load (default 10, at least 4)
#   scripts/soak.sh --short     the compressed schedule, 2.5 minutes of load (about 3 minutes wall)
# Uses build/vigil (VIGIL_BIN=... for another binary); needs root. Exit status 1 on any violation;
# the work directory (daemon logs, configs, result.json) is kept then. --keep keeps it always.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "soak.sh: run as root (it mounts a tmpfs; PostgreSQL runs as postgres)" >&2; exit 2; }
scripts/install-deps.sh
exec /usr/bin/python3 scripts/soak.py "$@"
