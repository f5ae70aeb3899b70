#!/usr/bin/env bash
# The main job: builds clockwork-replay (Release) and replays the scenario catalogue — every
# pattern and mistake of background services, in virtual time, a handful cross-checked on the
# real host. Installs missing Debian packages first (needs root then). Extra arguments go to
# clockwork-replay (try --help, --list, --demo daily_log), run from the folder demo.sh was called
# from: relative output paths (--junit, --html, --trace) land there.
#
#   tools/demo.sh --dashboard   the durable jobs live instead: a SQLite store, two worker processes
#                               serving the example kinds, a trickle of jobs (some failing and
#                               retried, some delayed) and the dashboard on a free loopback port,
#                               whose address it prints; Ctrl-C stops everything.
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
for name in demo-a demo-b; do
  "$jobs" work --store "$store" --instance "$name" --concurrency 4 2>"$work/$name.log" &
  children+=($!)
done
"$jobs" dashboard --store "$store" --listen 127.0.0.1:0 >"$work/dashboard.out" 2>"$work/dashboard.err" &
children+=($!)
url=""
while [ -z "$url" ]; do
  url="$(sed -n 's/^listening on //p' "$work/dashboard.out")"
  kill -0 "${children[-1]}" 2>/dev/null || { cat "$work/dashboard.err" >&2; exit 1; }
  [ -n "$url" ] || sleep 0.1
done
say "the dashboard: $url (read-only; two workers, demo-a and demo-b, on $store)"
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
