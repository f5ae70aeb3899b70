#!/usr/bin/env bash
# The main job: builds clockwork (Release) and replays the demo scenario in virtual time.
# Installs missing Debian packages first (needs root then). Extra arguments go to
# clockwork-replay (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target clockwork-replay >/dev/null
exec build/release/scenarios/clockwork-replay "$@"
