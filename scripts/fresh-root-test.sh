#!/usr/bin/env bash
# The README's two commands tried as a newcomer would: a fresh Debian 12 root file system
# (`debootstrap --variant=minbase bookworm`), git installed in it, a plain `git clone` of this
# repository (its committed HEAD) inside it, then
#   1. scripts/run-example.sh   until the daemon answers /healthz, then Ctrl-C (SIGINT)
#   2. scripts/test.sh          the whole suite
# each timed. Nothing from this machine is visible inside the root but the clone's source.
# Not part of CI: it installs and builds from scratch (tens of minutes). Needs root.
#   scripts/fresh-root-test.sh [DIR]   the root goes in DIR (default: a new /tmp/vigil-fresh-XXXXXX);
#                                      KEEP=1 leaves it there afterwards.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "fresh-root-test: needs root (debootstrap, chroot, mount)" >&2; exit 1; }
dir=$(realpath -m "${1:-$(mktemp -d /tmp/vigil-fresh-XXXXXX)}")
mirror=${MIRROR:-http://deb.debian.org/debian}
log=$dir.log
say() { echo "== $(date -u +%H:%M:%S) $*" | tee -a "$log" >&2; }
stamp() { date +%s; }

command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }

mounted=()
# Every process running inside the root (its command lines name paths inside it, not "$dir", so
# pkill -f cannot find them; /proc/PID/root can).
root_pids() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$dir" ] && echo "${p#/proc/}"
  done
}
stop_daemons() { local pids; pids=$(root_pids | while read -r p; do grep -qa 'build/vigil' "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done); [ -z "$pids" ] || kill -INT $pids; }
cleanup() {
  set +e
  stop_daemons
  sleep 1
  root_pids | xargs -r kill -KILL 2>/dev/null
  for ((i=${#mounted[@]}-1; i>=0; i--)); do umount -l "${mounted[$i]}"; done
  [ "${KEEP:-}" = 1 ] || rm -rf "$dir"
}
trap cleanup EXIT
bind() { mkdir -p "$2"; mount --bind "$1" "$2"; mounted+=("$2"); }
in_root() { chroot "$dir" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb bash -c "$1"; }  # path-check: allow (the fresh root's HOME)

t0=$(stamp)
say "debootstrap --variant=minbase bookworm $dir"
debootstrap --variant=minbase bookworm "$dir" "$mirror" >>"$log" 2>&1
mount -t proc proc "$dir/proc"; mounted+=("$dir/proc")
bind /dev "$dir/dev"
bind /dev/pts "$dir/dev/pts"
cp /etc/resolv.conf "$dir/etc/resolv.conf"
t1=$(stamp)
say "root made in $((t1 - t0)) s; installing git"
in_root "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git ca-certificates >/dev/null"

# The clone: the repository's committed HEAD, read through a read-only bind of this checkout.
bind "$repo" "$dir/mnt/origin"
mount -o remount,bind,ro "$dir/mnt/origin"
in_root "git config --global --add safe.directory '*' && git clone -q /mnt/origin /root/vigil"
umount -l "$dir/mnt/origin"
[ ! -e "$dir/root/shared" ] || { echo "fresh-root-test: a shared/ beside the clone" >&2; exit 1; }
t2=$(stamp)

say "1/2 scripts/run-example.sh"
in_root "cd /root/vigil && exec scripts/run-example.sh" >>"$log" 2>&1 &
runner=$!
healthy=""
for _ in $(seq 1 3600); do
  if in_root "exec 3<>/dev/tcp/127.0.0.1/8470 && printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3 && head -1 <&3" 2>/dev/null | grep -q " 200 "; then
    healthy=yes; break
  fi
  kill -0 "$runner" 2>/dev/null || break
  sleep 1
done
t3=$(stamp)
stop_daemons || true
wait "$runner" && rc=0 || rc=$?
[ -n "$healthy" ] || { say "run-example.sh: the daemon never answered /healthz (see $log)"; exit 1; }
say "run-example.sh: /healthz answered after $((t3 - t2)) s (install + build + start); Ctrl-C exit status $rc"

say "2/2 scripts/test.sh"
in_root "cd /root/vigil && scripts/test.sh" >>"$log" 2>&1 && rc=0 || rc=$?
t4=$(stamp)
tail -5 "$log" | sed 's/^/   /' >&2
say "test.sh: exit status $rc after $((t4 - t3)) s"
say "times: root $((t1 - t0)) s, git+clone $((t2 - t1)) s, run-example $((t3 - t2)) s, test.sh $((t4 - t3)) s; log $log"
exit "$rc"
