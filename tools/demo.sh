#!/usr/bin/env bash
# The main job: builds clockwork-replay (Release) and replays the scenario catalogue — every
# pattern and mistake of background services, in virtual time, a handful cross-checked on the
# real host. Installs missing Debian packages first (needs root then). Extra arguments go to
# clockwork-replay (try --help, --list, --demo daily_log), run from the folder demo.sh was called
# from: relative output paths (--junit, --html, --trace) land there.
#
#   tools/demo.sh --dashboard   the durable jobs live instead: a SQLite store, two worker processes
#                               serving the example kinds, a trickle of jobs (some failing and
#                               retried, some delayed), a recurring job every minute, and the
#                               dashboard (inside the first worker) on a free loopback port, whose
#                               address and sign-in token it prints; Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
say() { echo "clockwork: $*" >&2; }

say "checking the Debian packages it needs"
"$root/tools/deps.sh"
say "configuring (CMake, release preset)"
(cd "$root" && cmake --preset release >/dev/null)
if [ ! -x "$root/build/release/scenarios/clockwork-replay" ]; then
  say "building clockwork-replay — a few minutes the first time, on 2 cores"
fi
target=clockwork-replay
[ "${1:-}" = "--dashboard" ] && target=clockwork-jobs
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# One line per tenth of the build, as it goes, instead of the compiler's log (kept for when it
# fails).
say "building $target — a few minutes the first time, on 2 cores"
if ! (cd "$root" && cmake --build --preset release --target "$target" 2>&1) | tee "$log" |
  "$root/tools/build-progress.sh"; then
  say "the build failed; its last lines:"
  tail -40 "$log" >&2
  exit 1
fi
[ "$target" = clockwork-replay ] && exec "$root/build/release/scenarios/clockwork-replay" "$@"

# ---- --dashboard: the jobs live ----
jobs="$root/build/release/framework/clockwork-jobs"
work="$(mktemp -d)"
store="sqlite:$work/jobs.db"
children=()
stop_all() {
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work" "$log"
}
trap stop_all EXIT
trap 'exit 0' INT TERM
"$jobs" migrate --store "$store" >/dev/null
# A recurring job, fired once a minute by whichever worker gets there first.
"$jobs" recurring add --store "$store" minutely-digest --cron '* * * * *' --kind example.sleep \
  --payload '{"ms": 200}' >/dev/null
# The dashboard runs inside demo-a's host (its services page shows that worker), with actions on
# behind a token made for this run.
token="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$token" >"$work/token"
chmod 600 "$work/token"
"$jobs" work --store "$store" --instance demo-a --concurrency 4 --dashboard 127.0.0.1:0 \
  --dashboard-token-file "$work/token" --dashboard-actions >"$work/demo-a.out" 2>"$work/demo-a.log" &
children+=($!)
"$jobs" work --store "$store" --instance demo-b --concurrency 4 >/dev/null 2>"$work/demo-b.log" &
children+=($!)
url=""
while [ -z "$url" ]; do
  url="$(sed -n 's/^dashboard listening on //p' "$work/demo-a.out")"
  kill -0 "${children[0]}" 2>/dev/null || { cat "$work/demo-a.log" >&2; exit 1; }
  [ -n "$url" ] || sleep 0.1
done
say "the dashboard: $url — sign in with the token $token (it enables retry, cancel, delete, trigger)"
say "two workers, demo-a (serving the dashboard) and demo-b, on $store; a recurring job every minute"
say "a job every second or so — some fail twice before they succeed, some wait 30 s; Ctrl-C stops everything"
n=0
while :; do
  n=$((n + 1))
  case $((n % 5)) in
    0) "$jobs" enqueue --store "$store" example.fail --payload '{"times": 2}' >/dev/null ;;
    1) "$jobs" enqueue --store "$store" example.sleep --payload '{"ms": 1500}' --in 30s >/dev/null ;;
    *) "$jobs" enqueue --store "$store" example.fenced_increment --payload '{"counter": "visits", "ms": 300}' >/dev/null ;;
  esac
  sleep 1
done
