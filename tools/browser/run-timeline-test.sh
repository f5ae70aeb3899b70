#!/usr/bin/env bash
# The HTML timeline's browser test (ctest browser.timeline, label "browser"): writes the pages with
# clockwork-timeline, then opens them from file:// in Debian's Chromium driven by playwright-core
# (tools/browser/timeline.test.mjs) and saves a screenshot.
#
#   tools/browser/run-timeline-test.sh CLOCKWORK_TIMELINE BUILD_DIR
#
# Installs what it needs when it is missing, all from Debian (tools/deps.sh --browser, as root):
# Chromium and a font, and Node.js with npm when the machine has no Node.js recent enough for the
# pinned playwright-core (Debian 12's 18.x is); then playwright-core itself, pinned in
# tools/browser/package-lock.json (npm ci into tools/browser/node_modules; it never downloads a
# browser of its own). When something cannot be had, it fails in CI (CI=true) and skips
# elsewhere (exit 77, ctest's SKIP_RETURN_CODE).
# Writes BUILD_DIR/timeline/*.html, BUILD_DIR/timeline-screenshot.png (the catalogue's
# m2.delay_without_token.wrong) and BUILD_DIR/timeline-showcase.png.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
[ $# -eq 2 ] || { echo "usage: $0 CLOCKWORK_TIMELINE BUILD_DIR" >&2; exit 2; }
program="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mkdir -p "$2"
build="$(cd "$2" && pwd)"

unavailable() {
  if [ "${CI:-}" = "true" ]; then
    echo "browser test: FAILED: $1 (CI=true: the browser test must run in CI)" >&2
    exit 1
  fi
  echo "browser test: skipped: $1" >&2
  exit 77
}

chromium="${CLOCKWORK_CHROMIUM:-/usr/bin/chromium}"
# The oldest Node.js the pinned playwright-core runs on: the lock file's "engines" (">=18").
wanted_node="$(grep -o '"node": ">=[0-9]*' "$here/package-lock.json" | grep -o '[0-9]*$' | head -n 1)"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
# Whether node_modules holds the version the lock file pins (then npm is not needed).
pinned_installed() {
  node -e 'const l=require(process.argv[1]);const m=require(process.argv[2]);
           process.exit(l.packages["node_modules/playwright-core"].version===m.version?0:1)' \
    "$here/package-lock.json" "$here/node_modules/playwright-core/package.json" 2>/dev/null
}
ready() {
  [ -x "$chromium" ] && [ "$(node_major)" -ge "${wanted_node:-18}" ] && { pinned_installed || command -v npm >/dev/null 2>&1; }
}

# Debian's Chromium (never a browser downloaded by a test tool), Node.js and npm.
if ! ready; then
  if [ "$(id -u)" -ne 0 ]; then
    unavailable "Chromium ($chromium), Node.js >= ${wanted_node:-18} or npm is missing and installing them needs root (tools/deps.sh --browser)"
  fi
  echo "browser test: installing Debian's chromium, and nodejs and npm if needed (tools/deps.sh --browser)" >&2
  "$root/tools/deps.sh" --browser >&2 || unavailable "could not install the browser test's packages from Debian (tools/deps.sh --browser)"
  hash -r
  [ -x "$chromium" ] || unavailable "chromium installed but $chromium is missing"
  command -v node >/dev/null 2>&1 || unavailable "nodejs installed but node is missing"
  [ "$(node_major)" -ge "${wanted_node:-18}" ] ||
    unavailable "node $(node --version) is older than the ${wanted_node:-18} the pinned playwright-core needs"
fi

# The pinned playwright-core (npm ci when node_modules lacks the version the lock file pins).
if ! pinned_installed; then
  command -v npm >/dev/null 2>&1 || unavailable "npm is not installed (needed once, to install playwright-core)"
  echo "browser test: installing the pinned playwright-core into tools/browser/node_modules (npm ci)" >&2
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >&2 ||
    unavailable "npm ci could not install playwright-core from the npm registry"
fi

# The pages.
pages="$build/timeline"
rm -rf "$pages"
mkdir -p "$pages"
"$program" --scenario m2.delay_without_token.wrong -o "$pages/m2.html" >/dev/null
"$program" --scenario example.hostile_names -o "$pages/hostile.html" >/dev/null
# An exploration with failing seeds exits 1 (0: every seed passed; 2: bad input), and the page is
# written either way: the test wants failing seeds on it.
explore_status=0
"$program" --scenario example.same_instant_race --explore 8 -o "$pages/explore.html" >/dev/null || explore_status=$?
if [ "$explore_status" -gt 1 ]; then
  echo "browser test: FAILED: clockwork-timeline --explore exited $explore_status" >&2
  exit 1
fi
"$program" --showcase -o "$pages/showcase.html" >/dev/null
"$program" --synthetic 100000 -o "$pages/busy.html" >/dev/null

cd "$here"
CLOCKWORK_CHROMIUM="$chromium" exec node timeline.test.mjs --dir "$pages" \
  --screenshot "$build/timeline-screenshot.png" --showcase-screenshot "$build/timeline-showcase.png"
