#!/usr/bin/env bash
# The dashboard's browser test (ctest browser.dashboard, label "browser"): a SQLite store with a
# few jobs (one with a hostile name and payload) and a recurring job, `clockwork-jobs dashboard`
# serving it on a free loopback port (read-only, and with a token and actions), a worker serving
# it inside its own host (`work --dashboard`), and its pages opened in Debian's Chromium driven by playwright-core
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
# A recurring job due once a year (nothing fires it during the test but "trigger now").
"$program" recurring add --store "$store" 'digest<script>' --cron '0 0 1 1 *' --kind example.sleep \
  --payload '{"ms": 1}' --queue digests >/dev/null

# Two dashboards on the store: read-only without a token, and with a token and actions.
printf 't0ken-of-the-browser-test\n' >"$work/token"
"$program" dashboard --store "$store" >"$work/open.out" 2>"$work/open.err" &
open_pid=$!
"$program" dashboard --store "$store" --token-file "$work/token" --actions >"$work/secured.out" 2>"$work/secured.err" &
secured_pid=$!
# A worker with the dashboard inside its host (for the services page), on a queue of its own so
# that it leaves the jobs the other checks count alone.
"$program" work --store "$store" --instance host-view --queue elsewhere --dashboard 127.0.0.1:0 \
  >"$work/host.out" 2>"$work/host.err" &
host_pid=$!
trap 'kill "$open_pid" "$secured_pid" "$host_pid" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
# Each one's first line says where it listens (waited for, not a guessed pause).
listening() { # listening NAME PID: the URL NAME.out names
  for _ in $(seq 600); do
    local url
    url="$(sed -n 's/^\(dashboard \)\?listening on //p' "$work/$1.out")"
    [ -n "$url" ] && { echo "$url"; return 0; }
    kill -0 "$2" 2>/dev/null || { cat "$work/$1.err" >&2; echo "browser test: FAILED: a dashboard did not start" >&2; exit 1; }
    sleep 0.1
  done
  echo "browser test: FAILED: a dashboard never said where it listens" >&2
  exit 1
}
url="$(listening open "$open_pid")"
secured_url="$(listening secured "$secured_pid")"
host_url="$(listening host "$host_pid")"

cd "$here"
CLOCKWORK_CHROMIUM="$chromium" node dashboard.test.mjs --url "$url" --secured-url "$secured_url" --host-url "$host_url" \
  --token "$(cat "$work/token")" --jobs "$program" --store "$store" \
  --screenshots "$build"
