#!/usr/bin/env bash
# Checks systemd/vigil.service: `systemd-analyze verify` passes (against the built binary) and
# `systemd-analyze security --offline=true` rates it 2.0 or lower, on its own and with the journal
# drop-in (systemd/vigil-journal.conf, SupplementaryGroups=systemd-journal) in vigil.service.d/.
set -euo pipefail
src=${1:?source dir}
bin=${2:?built vigil binary}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Rates the unit in directory $1 (with whatever drop-ins lie beside it); prints the analysis.
rate() {
  local out
  out=$(systemd-analyze verify "$1/vigil.service" 2>&1 | grep -v "Failed to .* ignoring\|Cannot add dependency" || true)
  if [ -n "$out" ]; then
    echo "systemd-analyze verify: $out" >&2
    return 1
  fi
  systemd-analyze security --offline=true "$1/vigil.service" 2>&1
}

# The exposure score in analysis $2 of the unit named $1, which must be 2.0 or lower.
score_ok() {
  local score
  score=$(sed -n 's/.*Overall exposure level for vigil.service: \([0-9.]*\).*/\1/p' <<<"$2")
  echo "exposure score ($1): $score"
  awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'
}

for unit in plain journal; do
  mkdir -p "$tmp/$unit"
  sed "s|/usr/bin/vigil|$bin|g" "$src/systemd/vigil.service" > "$tmp/$unit/vigil.service"
  cp "$src/systemd/vigil.socket" "$tmp/$unit/vigil.socket"
done
mkdir -p "$tmp/journal/vigil.service.d"
cp "$src/systemd/vigil-journal.conf" "$tmp/journal/vigil.service.d/journal.conf"

plain=$(rate "$tmp/plain")
score_ok "the unit" "$plain"
journal=$(rate "$tmp/journal")
# The drop-in must have been read: the analysis then counts a supplementary group.
grep -q "Service runs with supplementary groups" <<<"$journal" || { echo "the journal drop-in was not applied"; exit 1; }
score_ok "with the journal drop-in" "$journal"
