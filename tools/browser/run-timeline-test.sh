#!/usr/bin/env bash
# The HTML timeline's browser test (ctest browser.timeline, label "browser"): writes the pages with
# clockwork-timeline, then opens them from file:// in Debian's Chromium driven by playwright-core
# (tools/browser/timeline.test.mjs) and saves a screenshot.
#
#   tools/browser/run-timeline-test.sh CLOCKWORK_TIMELINE BUILD_DIR
#
# Installs what it needs when it is missing: Chromium and a font from Debian (tools/deps.sh
# --browser, as root), playwright-core pinned in tools/browser/package-lock.json (npm ci into
# tools/browser/node_modules; it never downloads a browser of its own). When something cannot be
# had, it fails in CI (CI=true) and skips elsewhere (exit 77, ctest's SKIP_RETURN_CODE).
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

# Debian's Chromium (never a browser downloaded by a test tool).
chromium="${CLOCKWORK_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" -ne 0 ]; then unavailable "$chromium is missing and installing it needs root (tools/deps.sh --browser)"; fi
  echo "browser test: installing Debian's chromium (tools/deps.sh --browser)" >&2
  "$root/tools/deps.sh" --browser >&2 || unavailable "could not install chromium from Debian's packages"
  [ -x "$chromium" ] || unavailable "chromium installed but $chromium is missing"
fi

# Node.js and the pinned playwright-core.
command -v node >/dev/null 2>&1 || unavailable "Node.js (node) is not installed"
# (npm ci when node_modules lacks the version the lock file pins.)
if ! node -e 'const l=require(process.argv[1]);const m=require(process.argv[2]);
              process.exit(l.packages["node_modules/playwright-core"].version===m.version?0:1)' \
        "$here/package-lock.json" "$here/node_modules/playwright-core/package.json" 2>/dev/null; then
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
"$program" --scenario example.same_instant_race --explore 8 -o "$pages/explore.html" >/dev/null
"$program" --showcase -o "$pages/showcase.html" >/dev/null
"$program" --synthetic 100000 -o "$pages/busy.html" >/dev/null

cd "$here"
CLOCKWORK_CHROMIUM="$chromium" exec node timeline.test.mjs --dir "$pages" \
  --screenshot "$build/timeline-screenshot.png" --showcase-screenshot "$build/timeline-showcase.png"
