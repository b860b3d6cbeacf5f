#!/usr/bin/env bash
# Builds the .deb with CPack, installs it with dpkg, and checks the installed vigil as systemd
# would run it (machines here have no systemd as PID 1): `vigil check` on the installed
# /etc/vigil/vigil.yaml, then the installed daemon for a few seconds with NOTIFY_SOCKET pointed at
# a socket this script reads (READY=1, WATCHDOG=1, STOPPING=1), /healthz answering, SIGTERM
# exiting 0. Needs root (dpkg). It refuses to run where a vigil package is installed already (it
# would replace it and use its /var/lib/vigil), and purges the package afterwards. CI runs it
# after scripts/test.sh.
#   scripts/package-test.sh [BUILD_DIR]     default build/
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
if [ "$(id -u)" -ne 0 ]; then
  echo "package-test: needs root to install the .deb with dpkg" >&2
  exit 1
fi
command -v dpkg-shlibdeps >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev >/dev/null
command -v curl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null

(cd "$build" && rm -f vigil_*.deb && cpack -G DEB >/dev/null)
deb=$(ls "$build"/vigil_*.deb)
echo "package-test: built $deb"
dpkg-deb -c "$deb" > "$build/deb-contents.txt"
grep -q '/usr/bin/vigil$' "$build/deb-contents.txt" || { echo "package-test: no /usr/bin/vigil in $deb"; exit 1; }
grep -q '/usr/share/man/man1/vigil.1.gz$' "$build/deb-contents.txt" || { echo "package-test: no man page in $deb"; exit 1; }
grep -q '/usr/share/bash-completion/completions/vigil$' "$build/deb-contents.txt" || { echo "package-test: no bash completion in $deb"; exit 1; }
grep -q '/usr/share/doc/vigil/examples/vigil-journal.conf$' "$build/deb-contents.txt" || { echo "package-test: no journal drop-in in $deb"; exit 1; }

if dpkg-query -W -f='${Status}' vigil 2>/dev/null | grep -q "installed"; then
  echo "package-test: a vigil package is installed on this machine; not replacing it (dpkg --purge vigil first)" >&2
  exit 1
fi
tmp=$(mktemp -d)
made_state=0
[ -d /var/lib/vigil ] || { mkdir -p /var/lib/vigil && made_state=1; }
cleanup() {
  [ -n "${daemon:-}" ] && kill -9 "$daemon" 2>/dev/null || true
  [ -n "${reader:-}" ] && kill "$reader" 2>/dev/null || true
  dpkg --purge vigil >/dev/null 2>&1 || true
  if [ "$made_state" = 1 ]; then rm -rf /var/lib/vigil; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

dpkg -i "$deb" >/dev/null
test -x /usr/bin/vigil && test -f /etc/vigil/vigil.yaml && test -f /lib/systemd/system/vigil.service
dpkg -s vigil | grep -q "/etc/vigil/vigil.yaml" || { echo "package-test: /etc/vigil/vigil.yaml is not a conffile"; exit 1; }
/usr/bin/vigil version
# The installed example's webhook verifies signatures with a secret the package made at install,
# in the unit's EnvironmentFile (docs/operations.md); read it as systemd would.
test "$(stat -c %a /etc/vigil/vigil.env)" = 600 || { echo "package-test: /etc/vigil/vigil.env is not mode 0600"; exit 1; }
grep -Eq '^VIGIL_EXAMPLE_HOOK_SECRET=[0-9a-f]{64}$' /etc/vigil/vigil.env || { echo "package-test: no random hook secret in /etc/vigil/vigil.env"; exit 1; }
set -a
. /etc/vigil/vigil.env
set +a
/usr/bin/vigil check --config /etc/vigil/vigil.yaml

# The daemon, as the unit runs it, with a notify socket this script reads.
sock=$tmp/notify.sock
/usr/bin/python3 - "$sock" > "$tmp/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
while True:
    try:
        msg = s.recv(4096).decode()
    except socket.timeout:
        break
    print(msg.replace("\n", " "), flush=True)
    if "STOPPING=1" in msg:
        break
PY
reader=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$sock WATCHDOG_USEC=2000000 /usr/bin/vigil run --config /etc/vigil/vigil.yaml 2> "$tmp/daemon.log" &
daemon=$!
for _ in $(seq 100); do grep -q "READY=1" "$tmp/notify.log" && break; sleep 0.1; done
grep -q "READY=1" "$tmp/notify.log" || { echo "package-test: no READY=1"; cat "$tmp/daemon.log"; exit 1; }
listen=$(sed -n 's/^  listen: \([0-9.:]*\).*/\1/p' /etc/vigil/vigil.yaml | head -1)
curl -fsS "http://$listen/healthz" >/dev/null || { echo "package-test: /healthz did not answer on $listen"; exit 1; }
sleep 3
grep -q "WATCHDOG=1" "$tmp/notify.log" || { echo "package-test: no WATCHDOG=1 within 3 s (WatchdogSec 2 s)"; exit 1; }
kill -TERM "$daemon"
code=0
wait "$daemon" || code=$?
daemon=
wait "$reader" || true
reader=
[ "$code" = 0 ] || { echo "package-test: SIGTERM exit $code"; cat "$tmp/daemon.log"; exit 1; }
grep -q "STOPPING=1" "$tmp/notify.log" || { echo "package-test: no STOPPING=1"; exit 1; }
test -f /var/lib/vigil/vigil.db || { echo "package-test: no database in /var/lib/vigil"; exit 1; }
echo "package-test: notify messages: $(tr '\n' '|' < "$tmp/notify.log")"
echo "package-test: ok"
