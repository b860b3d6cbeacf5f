#!/usr/bin/env bash
# Starts a private PostgreSQL cluster on loopback in a temporary directory, for the tests.
# Usage: source <(scripts/pg-test-server.sh start)   -> exports VIGIL_TEST_PG_URL, VIGIL_TEST_PG_DIR
#        scripts/pg-test-server.sh pause DIR [immediate|fast] | resume DIR   (stop and restart it, data kept)
#        scripts/pg-test-server.sh stop DIR
# Runs the server as the `postgres` user when invoked as root (PostgreSQL refuses root).
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found: run scripts/install-deps.sh" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/vigil-pg-XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    user=$([ "$(id -u)" -eq 0 ] && echo postgres || id -un)
    as_owner "$bindir/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300 -c fsync=on -c synchronous_commit=on"
    echo "$opts" > "$dir/opts"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "export VIGIL_TEST_PG_DIR=$dir"
    echo "export VIGIL_TEST_PG_URL=postgresql://$user@127.0.0.1:$port/postgres"
    ;;
  pause)  # stop the server, keep its data (tests of a database that goes away); immediate by default
    dir=${2:?usage: pause DIR [immediate|fast]}
    mode=${3:-immediate}
    case "$mode" in immediate|fast) ;; *) echo "pause: mode is immediate or fast, not $mode" >&2; exit 2 ;; esac
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m "$mode" -w stop >/dev/null
    ;;
  resume)
    dir=${2:?usage: resume DIR}
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/opts")" start >/dev/null
    ;;
  stop)
    dir=${2:?usage: stop DIR}
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | pause DIR [immediate|fast] | resume DIR | stop DIR" >&2
    exit 2
    ;;
esac
