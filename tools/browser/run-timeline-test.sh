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

# Chromium, Node.js and playwright-core, or a skip (or, in CI, a failure).
. "$here/browser-env.sh"

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
