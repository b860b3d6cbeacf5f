#!/usr/bin/env bash
# vigil's PubMed efetch parser against Biopython's Entrez.read on the same large document.
#
# There is no large real efetch response in the fixtures, so parse_pubmed_bench repeats the
# <PubmedArticle> records of tests/fixtures/pubmed/pubmed{1,2,4,5}.xml REPEAT times into one
# PubmedArticleSet (with the DOCTYPE of pubmed_190101.dtd, a DTD Biopython ships) and writes it
# to a temporary file; both parsers read that file. Biopython runs under /usr/bin/python3 with
# the network shut off, so it can only use its bundled DTDs. Each side reports its best run by
# the wall clock and by CPU time (vigil 5 runs, Biopython 2; neither counts process start-up or
# reading the file); the script prints both rates and both ratios. On a machine shared with
# other work the CPU ratio is the steadier one: the wall clock also counts waiting for a core.
#
# Usage: bench/pubmed_vs_biopython.sh [REPEAT]   (env: BUILD_DIR, default build-release)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
repeat="${1:-1000}"
build_dir="${BUILD_DIR:-$repo/build-release}"
fixtures="$repo/tests/fixtures/pubmed"
inputs=("$fixtures"/pubmed1.xml "$fixtures"/pubmed2.xml "$fixtures"/pubmed4.xml "$fixtures"/pubmed5.xml)

dtd_dir="$(/usr/bin/python3 -c 'import os, Bio.Entrez; print(os.path.join(Bio.Entrez.__path__[0], "DTDs"))')"
[[ -f "$dtd_dir/pubmed_190101.dtd" ]] || { echo "Biopython lacks pubmed_190101.dtd in $dtd_dir" >&2; exit 1; }

# Configured as Release only when it does not exist yet: a BUILD_DIR given keeps its own build type.
[[ -f "$build_dir/build.ninja" ]] || cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build_dir" -j1 parse_pubmed_bench >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
big="$work/pubmed_big.xml"

echo "== vigil (ParsePubmedArticleSet, Release build)"
"$build_dir/parse_pubmed_bench" --repeat "$repeat" --runs 5 --write "$big" "${inputs[@]}" | tee "$work/vigil.txt"
vigil_rate="$(sed -n 's/^records_per_second=//p' "$work/vigil.txt")"
vigil_cpu_rate="$(sed -n 's/^cpu_records_per_second=//p' "$work/vigil.txt")"

echo "== Biopython $(/usr/bin/python3 -c 'import Bio; print(Bio.__version__)') (Entrez.read, validate=True)"
bio_rates="$(/usr/bin/python3 - "$big" <<'PY'
import socket, sys, time, urllib.request
def no_network(*args, **kwargs):
    raise RuntimeError("network disabled: Biopython must use its bundled DTDs")
socket.socket.connect = no_network
urllib.request.urlopen = no_network
from Bio import Entrez
import Bio.Entrez.Parser as parser
parser.urlopen = no_network
runs, cpu_runs = [], []
for _ in range(2):
    with open(sys.argv[1], "rb") as handle:
        start, cpu_start = time.perf_counter(), time.process_time()
        records = Entrez.read(handle)
        runs.append(time.perf_counter() - start)
        cpu_runs.append(time.process_time() - cpu_start)
count = len(records["PubmedArticle"])
best, cpu = min(runs), min(cpu_runs)
print(f"{count} records  best {best:.2f} s  {count / best:.0f} records/s", file=sys.stderr)
print(f"{count} records  cpu  {cpu:.2f} s  {count / cpu:.0f} records/s", file=sys.stderr)
print(f"{count / best:.0f} {count / cpu:.0f}")
PY
)"
read -r bio_rate bio_cpu_rate <<<"$bio_rates"
echo "records_per_second=$bio_rate"
echo "cpu_records_per_second=$bio_cpu_rate"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0fx", a / b }'; }
echo "== ratio (wall, best run each): vigil $vigil_rate records/s / Biopython $bio_rate records/s = $(ratio "$vigil_rate" "$bio_rate")"
echo "== ratio (cpu, best run each):  vigil $vigil_cpu_rate records/s / Biopython $bio_cpu_rate records/s = $(ratio "$vigil_cpu_rate" "$bio_cpu_rate")"
