#!/usr/bin/env bash
# What the libraries vigil links take of its resident memory before vigil runs a line of its own
# (issue #22's "RSS under 16 MB"). Builds programs that do nothing but report their own memory,
# each linked (--no-as-needed, so every one is loaded) against more of what vigil's binary needs:
#   libc only                 the smallest C program, for scale
#   libcurl                   libcurl alone (Debian's pulls in about 30 libraries: GnuTLS for LDAP
#                             and RTMP, Kerberos, libssh2, nghttp2, libidn2, libpsl...)
#   vigil's libraries         every NEEDED entry of the vigil binary (readelf), nothing called
#   + curl_global_init        the same after libcurl's global init, which initializes OpenSSL
#                             (whatever the flags: CURL_GLOBAL_NOTHING costs the same): every
#                             daemon with an HTTP watcher does this once
# and prints, for each, VmRSS, RssFile (pages of mapped files: the libraries' text, read-only data
# and relocated tables) and RssAnon (the process's own memory), read from /proc/self/status.
#
# Usage: bench/rss_floor.sh            (seconds; needs gcc and libcurl's headers, which
#                                       scripts/install-deps.sh installs)
# Environment: VIGIL (binary whose libraries to load, default build-release/vigil, else build/vigil)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=${VIGIL:-}
if [ -z "$VIGIL" ]; then
  for b in "$root/build-release/vigil" "$root/build/vigil"; do [ -x "$b" ] && { VIGIL=$b; break; }; done
fi
[ -n "$VIGIL" ] && [ -x "$VIGIL" ] || { echo "no vigil binary (build it, or set VIGIL)" >&2; exit 1; }
work=$(mktemp -d /tmp/vigil-rss-floor-XXXXXX)
trap 'rm -rf "$work"' EXIT

cat >"$work/floor.c" <<'C'
#include <stdio.h>
#include <string.h>
#ifdef WITH_CURL_INIT
#include <curl/curl.h>
#endif
/* Prints "VmRSS RssFile RssAnon" in kB, from this process's own status. */
int main(void) {
#ifdef WITH_CURL_INIT
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return 1;
#endif
  FILE* f = fopen("/proc/self/status", "r");
  if (!f) return 1;
  char line[256];
  long rss = -1, file = -1, anon = -1;
  while (fgets(line, sizeof line, f)) {
    sscanf(line, "VmRSS: %ld", &rss);
    sscanf(line, "RssFile: %ld", &file);
    sscanf(line, "RssAnon: %ld", &anon);
  }
  fclose(f);
  printf("%ld %ld %ld\n", rss, file, anon);
  return 0;
}
C

# vigil's NEEDED libraries as linker arguments: libfoo.so.1 -> -l:libfoo.so.1
mapfile -t needed < <(readelf -d "$VIGIL" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
vigil_libs=()
for n in "${needed[@]}"; do vigil_libs+=("-l:$n"); done

row() {  # LABEL GCC_ARGS...
  local label=$1; shift
  gcc -O2 -o "$work/prog" "$work/floor.c" -Wl,--no-as-needed "$@"
  local libs
  libs=$(ldd "$work/prog" | grep -c '=>' || true)
  read -r rss file anon < <("$work/prog")
  awk -v l="$label" -v n="$libs" -v r="$rss" -v f="$file" -v a="$anon" \
    'BEGIN { printf "| %s | %d | %.1f | %.1f | %.1f |\n", l, n, r / 1024, f / 1024, a / 1024 }'
}

echo "bench/rss_floor.sh: libraries of $VIGIL (${#needed[@]} NEEDED); $(uname -r)"
echo "| program | shared libraries loaded | RSS MB | mapped files MB | own (anonymous) MB |"
echo "|---|---|---|---|---|"
row "libc only"
row "libcurl" -lcurl
row "vigil's libraries" "${vigil_libs[@]}"
row "vigil's libraries + curl_global_init" -DWITH_CURL_INIT "${vigil_libs[@]}"
