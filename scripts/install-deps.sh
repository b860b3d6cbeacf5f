#!/usr/bin/env bash
# Installs with apt-get whatever vigil needs to build, test and benchmark on Debian 12 and is
# missing. Safe to run again; does nothing when everything is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libuv1-dev libcurl4-openssl-dev libpugixml-dev libpqxx-dev libyaml-cpp-dev libspdlog-dev
  libsqlite3-dev node-llhttp nlohmann-json3-dev libcli11-dev libre2-dev libsimdjson-dev libhowardhinnant-date-dev
  libssl-dev libgtest-dev libgmock-dev tzdata systemd libsystemd-dev zlib1g-dev systemd-journal-remote
  clang libfuzzer-14-dev
  postgresql python3-croniter python3-feedparser python3-biopython python3-aiosmtpd openssl
  python3-sqlalchemy python3-psycopg2
  chromium chromium-driver python3-selenium   # the web console's browser tests (tests/browser)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
