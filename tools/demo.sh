#!/usr/bin/env bash
# The main job: builds clockwork-replay (Release) and replays the scenario catalogue — every
# pattern and mistake of background services, in virtual time, a handful cross-checked on the
# real host. Installs missing Debian packages first (needs root then). Extra arguments go to
# clockwork-replay (try --help, --list, --demo daily_log), run from the folder demo.sh was called
# from: relative output paths (--junit, --html, --trace) land there.
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
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# One line per tenth of the build, as it goes, instead of the compiler's log (kept for when it
# fails).
if ! (cd "$root" && cmake --build --preset release --target clockwork-replay 2>&1) | tee "$log" |
  "$root/tools/build-progress.sh"; then
  say "the build failed; its last lines:"
  tail -40 "$log" >&2
  exit 1
fi
exec "$root/build/release/scenarios/clockwork-replay" "$@"
