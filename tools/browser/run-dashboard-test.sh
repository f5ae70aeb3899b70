#!/usr/bin/env bash
# The dashboard's browser test (ctest browser.dashboard, label "browser"): a SQLite store with a
# few jobs (one with a hostile name and payload), `clockwork-jobs dashboard` serving it on a free
# loopback port, and its pages opened in Debian's Chromium driven by playwright-core
# (tools/browser/dashboard.test.mjs), which enqueues and works jobs from the command line while
# the page is open. The dashboard is stopped at the end, also on failure.
#
#   tools/browser/run-dashboard-test.sh CLOCKWORK_JOBS BUILD_DIR
#
# What it needs it installs as run-timeline-test.sh does (browser-env.sh). Writes
# BUILD_DIR/dashboard/ (the store, the dashboard's output) and BUILD_DIR/dashboard-*.png.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
[ $# -eq 2 ] || { echo "usage: $0 CLOCKWORK_JOBS BUILD_DIR" >&2; exit 2; }
program="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mkdir -p "$2"
build="$(cd "$2" && pwd)"

. "$here/browser-env.sh"

work="$build/dashboard"
rm -rf "$work"
mkdir -p "$work"
store="sqlite:$work/jobs.db"
"$program" migrate --store "$store" >/dev/null
"$program" enqueue --store "$store" example.sleep --payload '{"ms": 10}' --count 3 >/dev/null
"$program" enqueue --store "$store" '<img src=x onerror=alert(1)>' --payload '{"q": "</script><script>alert(2)</script>"}' >/dev/null

"$program" dashboard --store "$store" >"$work/dashboard.out" 2>"$work/dashboard.err" &
dashboard=$!
trap 'kill "$dashboard" 2>/dev/null || true; wait "$dashboard" 2>/dev/null || true' EXIT
# Its first line says where it listens (waiting for it, not sleeping a guessed time).
url=""
for _ in $(seq 600); do
  url="$(sed -n 's/^listening on //p' "$work/dashboard.out")"
  [ -n "$url" ] && break
  kill -0 "$dashboard" 2>/dev/null || { cat "$work/dashboard.err" >&2; echo "browser test: FAILED: the dashboard did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "browser test: FAILED: the dashboard never said where it listens" >&2; exit 1; }

cd "$here"
CLOCKWORK_CHROMIUM="$chromium" node dashboard.test.mjs --url "$url" --jobs "$program" --store "$store" \
  --screenshots "$build"
