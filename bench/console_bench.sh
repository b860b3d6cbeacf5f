#!/usr/bin/env bash
# The console's pages against a full database: EVENTS events (default 100,000) and NOTIFICATIONS
# notifications (default 10,000) written straight into a fresh SQLite file and a fresh PostgreSQL
# database (vigil's schema from `vigil migrate`), then the built daemon started on each and every
# list the console's pages open requested once (the "first" column: a fresh daemon, the page's
# first data) and five more times (the "best" column), in milliseconds, as curl measures it on
# loopback (time to the whole answer). /api/v1/overview and /api/v1/stats are timed when the
# binary has them. Each dialect is timed twice: with the tables vigil created (vigil's indexes on
# them) and as on the platform's database ("-platform": the same tables recorded as the
# platform's, so vigil keeps no index on them). Not part of the test suite; the target is 200 ms
# per page (issue #21).
#
# Usage: bench/console_bench.sh           (SQLite, and PostgreSQL on a private server it starts)
# Environment: VIGIL (binary, default build/vigil), EVENTS, NOTIFICATIONS, DIALECTS ("sqlite postgres"),
#   KEEP=1 keeps the work directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=${VIGIL:-$root/build/vigil}
EVENTS=${EVENTS:-100000}
NOTIFICATIONS=${NOTIFICATIONS:-10000}
DIALECTS=${DIALECTS:-sqlite postgres}
TOKEN=bench-token
work=$(mktemp -d /tmp/vigil-console-bench-XXXXXX)
pg_dir="" daemon=""
say() { echo "== $*" >&2; }
cleanup() {
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
  [ -n "$pg_dir" ] && "$root/scripts/pg-test-server.sh" stop "$pg_dir" >/dev/null
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
[ -x "$VIGIL" ] || { echo "no binary at $VIGIL: build first (or set VIGIL)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# write_config URL PORT: five webhook watchers over three communities (webhooks never poll, so
# nothing but the console's requests reaches the database while it is timed).
write_config() {
  cat >"$work/vigil.yaml" <<YAML
database:
  url: $1
http:
  listen: 127.0.0.1:$2
api:
  token: $TOKEN
communities: [{name: oncology}, {name: cardiology}, {name: neurology}]
watchers:
YAML
  local communities=(oncology cardiology neurology oncology cardiology)
  for i in 0 1 2 3 4; do
    printf '  - {name: hook-%d, type: webhook, community: %s, verify: {scheme: none}}\n' "$i" "${communities[$i]}" >>"$work/vigil.yaml"
  done
}

# The filler, in SQL both dialects read (ids: UUIDv7-like and time-ordered, as vigil makes them).
# $1: a row source of i = 1..EVENTS (generate_series or a recursive CTE), $2: the dialect.
fill_sql() {
  local series=$1 dialect=$2
  if [ "$dialect" = sqlite ]; then
    sql_id() { echo "printf('%012x7000%016x', $1, $2)"; }
    sql_ts() { echo "strftime('%Y-%m-%d %H:%M:%f', ($1) / 1000.0, 'unixepoch') || '000'"; }
    sql_json() { echo "$1"; }
  else
    sql_json() { echo "CAST($1 AS JSONB)"; }
    sql_id() { echo "CAST(lpad(to_hex($1), 12, '0') || '7000' || lpad(to_hex($2), 16, '0') AS UUID)"; }
    sql_ts() { echo "to_timestamp(($1) / 1000.0)"; }
  fi
  # Events: one a second ending now; watcher i % 5, its community; signals 1 high : 3 medium : 6 low.
  local now_ms; now_ms=$(($(date +%s) * 1000))
  local start=$((now_ms - EVENTS * 1000))
  cat <<SQL
INSERT INTO watcher_events (id, watcher_id, subreddit_id, title, summary, source_type, source_id, source_url,
                            source_metadata, raw_data, triage_signal, triage_reasoning, detected_at)
SELECT $(sql_id "$start + i * 1000" i), w.watcher_id, w.subreddit_id,
       'Paper ' || i || ' on ' || (CASE i % 7 WHEN 0 THEN 'KRAS inhibitors' WHEN 1 THEN 'atrial fibrillation'
         WHEN 2 THEN 'tau aggregation' WHEN 3 THEN 'CRISPR screens' WHEN 4 THEN 'heart failure'
         WHEN 5 THEN 'glioma' ELSE 'sepsis' END) || (CASE WHEN i % 997 = 0 THEN ' osimertinib' ELSE '' END),
       'summary of paper ' || i, 'webhook', 'src-' || i, 'https://example.org/p/' || i, $(sql_json "'{\"n\": ' || i || '}'"), $(sql_json "'{\"raw\": ' || i || '}'"),
       CASE WHEN i % 10 = 0 THEN 'high' WHEN i % 10 < 4 THEN 'medium' ELSE 'low' END, 'keyword match', $(sql_ts "$start + i * 1000")
FROM $series JOIN (SELECT CAST(substr(wt.name, 6) AS INTEGER) AS k, wt.id AS watcher_id, s.id AS subreddit_id
                   FROM watchers wt LEFT JOIN subreddits s ON s.id = wt.subreddit_id WHERE wt.name LIKE 'hook-%') w ON w.k = i % 5;
INSERT INTO vigil_event_sources (watcher_id, source_id, event_id) SELECT watcher_id, source_id, id FROM watcher_events;
INSERT INTO notifications (id, watcher_id, event_id, subreddit_id, title, summary, signal, suggested_hypothesis, status, created_at)
SELECT e.id, e.watcher_id, e.id, e.subreddit_id, e.title, e.summary,
       CASE WHEN e.j % 10 = 0 THEN 'high' WHEN e.j % 10 < 4 THEN 'medium' ELSE 'low' END, 'a hypothesis',
       CASE WHEN e.j % 4 = 0 THEN 'read' WHEN e.j % 9 = 0 THEN 'dismissed' WHEN e.j % 13 = 0 THEN 'acted' ELSE 'pending' END,
       e.detected_at
FROM (SELECT ev.*, CAST(substr(ev.source_id, 5) AS INTEGER) / $((EVENTS / NOTIFICATIONS)) AS j,
             CAST(substr(ev.source_id, 5) AS INTEGER) % $((EVENTS / NOTIFICATIONS)) AS r FROM watcher_events ev) e
WHERE e.r = 0;
SQL
}

wait_ready() {
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the daemon did not become ready; its log:" >&2
  tail -20 "$work/daemon.log" >&2
  return 1
}

ms() { curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$1" | awk '{printf "%s %.1f\n", $1, $2 * 1000}'; }

# time_pages DIALECT PORT: appends "page dialect status first best" lines to $work/results.
time_pages() {
  local dialect=$1 port=$2 base="http://127.0.0.1:$2/api/v1"
  local some_event; some_event=$(curl -s -H "Authorization: Bearer $TOKEN" "$base/events?limit=1&q=osimertinib" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  local day_ago; day_ago=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
  local two_days_ago; two_days_ago=$(date -u -d '-2 day' +%Y-%m-%dT%H:%M:%SZ)
  local pages=(
    "status" "watchers" "events" "events?watcher=hook-3" "events?signal=high" "events?q=osimertinib" "events?q=kras"
    "events?since=$two_days_ago&until=$day_ago" "events?watcher=hook-1&signal=high&q=glioma" "events/$some_event"
    "notifications" "notifications?community=cardiology" "notifications?signal=high" "notifications?status=acted"
    "notifications?watcher=hook-2" "notifications?status=pending&community=oncology&signal=medium"
    "jobs" "jobs?state=discarded" "pauses" "schedules" "digests" "overview" "stats?of=events&range=7d&by=watcher")
  for page in "${pages[@]}"; do
    local first best=999999 status label=${page//$two_days_ago/-2d}
    label=${label//$day_ago/-1d}
    read -r status first < <(ms "$base/$page")
    if [ "$status" = 404 ] && curl -s -H "Authorization: Bearer $TOKEN" "$base/$page" | grep -q 'no such API path'; then
      echo "${label%%\?*}(absent) $dialect - - -" >>"$work/results"
      continue
    fi
    for _ in 1 2 3 4 5; do
      local s t
      read -r s t < <(ms "$base/$page")
      best=$(python3 -c "print(min($best, $t))")
    done
    echo "$label $dialect $status $first $best" >>"$work/results"
  done
}

run_dialect() {
  local dialect=$1 url port
  port=$(free_port)
  if [ "$dialect" = sqlite ]; then
    url="sqlite:$work/vigil.db"
  else
    if [ -z "$pg_dir" ]; then
      say "starting a private PostgreSQL"
      source <("$root/scripts/pg-test-server.sh" start)
      pg_dir=$VIGIL_TEST_PG_DIR
    fi
    psql -q "$VIGIL_TEST_PG_URL" -c "CREATE DATABASE vigil_console_bench"
    url="${VIGIL_TEST_PG_URL%/*}/vigil_console_bench"
  fi
  write_config "$url" "$port"
  "$VIGIL" migrate --config "$work/vigil.yaml" >/dev/null
  # The watchers' rows: the daemon syncs them from the YAML at its start.
  "$VIGIL" run --config "$work/vigil.yaml" >"$work/daemon.log" 2>&1 &
  daemon=$!
  wait_ready "$port"
  kill "$daemon"; wait "$daemon" || true; daemon=""
  say "$dialect: writing $EVENTS events and $NOTIFICATIONS notifications"
  local t0=$SECONDS
  if [ "$dialect" = sqlite ]; then
    { echo "BEGIN;"; fill_sql "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $EVENTS) SELECT i FROM n) g" sqlite; echo "COMMIT; ANALYZE;"; } |
      sqlite3 "$work/vigil.db"
  else
    { echo "BEGIN;"; fill_sql "generate_series(1, $EVENTS) AS g(i)" postgres; echo "COMMIT; VACUUM ANALYZE;"; } | psql -q -v ON_ERROR_STOP=1 "$url"
  fi
  say "$dialect: filled in $((SECONDS - t0)) s; timing the pages"
  "$VIGIL" run --config "$work/vigil.yaml" >"$work/daemon.log" 2>&1 &
  daemon=$!
  wait_ready "$port"
  time_pages "$dialect" "$port"
  kill "$daemon"; wait "$daemon" || true; daemon=""
  # As on the platform's database: watcher_events and notifications recorded as the platform's,
  # so the daemon's start drops vigil's indexes on them (store/shared_tables.cpp).
  local sql="UPDATE vigil_settings SET value = '' WHERE key = 'vigil_platform_tables'"
  if [ "$dialect" = sqlite ]; then sqlite3 "$work/vigil.db" "$sql"; else psql -q "$url" -c "$sql"; fi
  "$VIGIL" run --config "$work/vigil.yaml" >"$work/daemon.log" 2>&1 &
  daemon=$!
  wait_ready "$port"
  time_pages "$dialect-platform" "$port"
  kill "$daemon"; wait "$daemon" || true; daemon=""
}

: >"$work/results"
for d in $DIALECTS; do run_dialect "$d"; done
python3 - "$work/results" "$EVENTS" "$NOTIFICATIONS" <<'PY'
import sys, collections
rows = collections.OrderedDict()
dialects = []
for line in open(sys.argv[1]):
    page, dialect, status, first, best = line.split()
    rows.setdefault(page, {})[dialect] = (status, first, best)
    if dialect not in dialects: dialects.append(dialect)
print(f"console pages, {int(sys.argv[2]):,} events and {int(sys.argv[3]):,} notifications: ms on loopback (first request / best of 5 more)")
head = f"{'page':62}" + "".join(f"{d + ' first':>16}{d + ' best':>16}" for d in dialects)
print(head); print("-" * len(head))
for page, by in rows.items():
    cells = ""
    for d in dialects:
        status, first, best = by.get(d, ("-", "-", "-"))
        mark = "" if status in ("200", "-") else f" ({status})"
        cells += f"{first + mark:>16}{best:>16}"
    print(f"{page:62}{cells}")
PY
