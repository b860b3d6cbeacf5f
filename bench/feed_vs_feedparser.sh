#!/bin/sh
# ParseFeed against Python feedparser on the same real feeds, repeated for volume.
# Feeds: huginn/{github_rss.atom,cdata_rss.atom,podcast.rss,iso-8859-1.rss} and the real-world
# miniflux feeds {large_rss,encoding_ISO-8859-1,encoding_WINDOWS-1251,no_encoding_ISO-8859-1,
# rdf_UTF8,small_atom,urdu_UTF8}.xml: 11 files, ~430 KB, ~290 items a round.
# Each side parses the files from memory (no process start-up, no file reading in the time) and
# reports wall-clock and CPU time; the script prints both ratios. On a machine shared with other
# work the CPU ratio is the steadier one: the wall clock also counts waiting for a core.
# Usage: bench/feed_vs_feedparser.sh [VIGIL_ROUNDS] [PYTHON_ROUNDS]
#   BUILD_DIR (default build-release) is configured as Release if it does not exist.
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-release}
VIGIL_ROUNDS=${1:-200}
PY_ROUNDS=${2:-3}
F=tests/fixtures/feeds
FILES="$F/huginn/github_rss.atom $F/huginn/cdata_rss.atom $F/huginn/podcast.rss $F/huginn/iso-8859-1.rss
$F/miniflux/large_rss.xml $F/miniflux/encoding_ISO-8859-1.xml $F/miniflux/encoding_WINDOWS-1251.xml
$F/miniflux/no_encoding_ISO-8859-1.xml $F/miniflux/rdf_UTF8.xml $F/miniflux/small_atom.xml $F/miniflux/urdu_UTF8.xml"

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$BUILD_DIR" -j1 parse_feed_bench >/dev/null

# shellcheck disable=SC2086
VIGIL_OUT=$("$BUILD_DIR/parse_feed_bench" "$VIGIL_ROUNDS" $FILES)
echo "$VIGIL_OUT"

# shellcheck disable=SC2086
PY_OUT=$(/usr/bin/python3 - "$PY_ROUNDS" $FILES <<'PY'
import sys, time, feedparser
rounds, paths = int(sys.argv[1]), sys.argv[2:]
docs = [open(p, "rb").read() for p in paths]
nbytes = items = 0
start, cpu_start = time.perf_counter(), time.process_time()
for _ in range(rounds):
    for d in docs:
        items += len(feedparser.parse(d).entries)
        nbytes += len(d)
secs, cpu = time.perf_counter() - start, time.process_time() - cpu_start
print("feedparser %s: %d rounds x %d files, %.2f MB, %d items in %.3f s: %.0f items/s, %.2f MB/s"
      % (feedparser.__version__, rounds, len(docs), nbytes / 1e6, items, secs, items / secs, nbytes / 1e6 / secs))
print("feedparser cpu: %.3f s: %.0f items/s, %.2f MB/s" % (cpu, items / cpu, nbytes / 1e6 / cpu))
PY
)
echo "$PY_OUT"

rate() { echo "$1" | grep -v ' cpu: ' | sed -n 's/.*: \([0-9.]*\) items\/s.*/\1/p'; }
cpu_rate() { echo "$1" | sed -n 's/.* cpu: .*: \([0-9.]*\) items\/s.*/\1/p'; }
echo "$(rate "$VIGIL_OUT") $(rate "$PY_OUT")" | awk '{ printf "ratio (wall): vigil is %.0fx feedparser (items/s)\n", $1 / $2 }'
echo "$(cpu_rate "$VIGIL_OUT") $(cpu_rate "$PY_OUT")" | awk '{ printf "ratio (cpu):  vigil is %.0fx feedparser (items/s)\n", $1 / $2 }'
