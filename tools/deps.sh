#!/usr/bin/env bash
# Installs the Debian 12 packages clockwork builds with, skipping those already present.
# Usage: tools/deps.sh [--browser] [extra-package ...]   (must run as root when anything is missing)
#   --browser   also Debian's Chromium and a font for it: only the browser test of the HTML
#               timeline (tools/browser/) asks for these; nothing else needs them.
set -euo pipefail

extras=()
for arg in "$@"; do
  case "$arg" in
    --browser) extras+=(chromium fonts-dejavu-core) ;;
    *) extras+=("$arg") ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libspdlog-dev libfmt-dev libhowardhinnant-date-dev tzdata
  nlohmann-json3-dev libcli11-dev libasio-dev
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
