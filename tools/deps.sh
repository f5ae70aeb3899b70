#!/usr/bin/env bash
# Installs the Debian 12 packages clockwork builds with, skipping those already present.
# Usage: tools/deps.sh [--browser] [--postgres] [extra-package ...]   (must run as root when anything is missing)
#   --browser   also what the browser test of the HTML timeline (tools/browser/) needs, and
#               nothing else does: Debian's Chromium and a font for it, and Debian's Node.js and
#               npm when the machine has no Node.js 18 or later (playwright-core, pinned in
#               tools/browser/package-lock.json, runs on 18: Debian 12's own).
#   --postgres  also what the PostgreSQL store's tests start for themselves (tools/pg-cluster.sh):
#               the server (postgresql-15; its package may start a cluster on 5432, which the
#               tests never use) and PgBouncer.
set -euo pipefail

# Node.js and npm are looked for as commands, not as packages: a machine may have its own
# (nodesource, nvm), which is kept when it is recent enough.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
browser_packages() { # one a line
  printf '%s\n' chromium fonts-dejavu-core
  [ "$(node_major)" -ge 18 ] || echo nodejs
  command -v npm >/dev/null 2>&1 || echo npm
}

extras=()
for arg in "$@"; do
  case "$arg" in
    --browser) mapfile -t browser < <(browser_packages) && extras+=("${browser[@]}") ;;
    --postgres) extras+=(postgresql-15 pgbouncer) ;;
    *) extras+=("$arg") ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libspdlog-dev libfmt-dev libhowardhinnant-date-dev tzdata
  nlohmann-json3-dev libcli11-dev libasio-dev libpugixml-dev libsqlite3-dev libpq-dev
  libcpp-httplib-dev
  ${extras[@]+"${extras[@]}"}
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "clockwork: installing missing packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "clockwork: need root to install packages (try: sudo $0)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
