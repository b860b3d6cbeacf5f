#!/usr/bin/env bash
# Checks systemd/vigil.service: `systemd-analyze verify` passes (against the built binary) and
# `systemd-analyze security --offline=true` rates it 2.0 or lower.
set -euo pipefail
src=${1:?source dir}
bin=${2:?built vigil binary}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/bin/vigil|$bin|g" "$src/systemd/vigil.service" > "$tmp/vigil.service"
cp "$src/systemd/vigil.socket" "$tmp/vigil.socket"
out=$(systemd-analyze verify "$tmp/vigil.service" 2>&1 | grep -v "Failed to .* ignoring\|Cannot add dependency" || true)
if [ -n "$out" ]; then
  echo "systemd-analyze verify: $out"
  exit 1
fi
score=$(systemd-analyze security --offline=true "$tmp/vigil.service" 2>&1 | sed -n 's/.*Overall exposure level for vigil.service: \([0-9.]*\).*/\1/p')
echo "exposure score: $score"
awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'
