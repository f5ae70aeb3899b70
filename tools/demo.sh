#!/usr/bin/env bash
# The main job: builds clockwork-replay (Release) and replays the scenario catalogue — every
# pattern and mistake of background services, in virtual time, a handful cross-checked on the
# real host. Installs missing Debian packages first (needs root then). Extra arguments go to
# clockwork-replay (try --help, --list, --demo daily_log).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "clockwork: $*" >&2; }

say "checking the Debian packages it needs"
tools/deps.sh
say "configuring (CMake, release preset)"
cmake --preset release >/dev/null
if [ ! -x build/release/scenarios/clockwork-replay ]; then
  say "building clockwork-replay — a few minutes the first time, on 2 cores"
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# One line per tenth of the build instead of the compiler's log (kept for when it fails).
if ! cmake --build --preset release --target clockwork-replay 2>&1 | tee "$log" |
  awk '/^\[[0-9]+\/[0-9]+\]/ { split(substr($1, 2), kn, "/"); k = kn[1]; n = kn[2] + 0; p = int(100 * k / n);
         if (p >= last + 10 || k == n) { printf "clockwork:   built %3d%% (%d of %d steps)\n", p, k, n > "/dev/stderr"; last = p } }'; then
  say "the build failed; its last lines:"
  tail -40 "$log" >&2
  exit 1
fi
exec build/release/scenarios/clockwork-replay "$@"
