#!/usr/bin/env bash
# The whole test suite: the ci preset (warnings are errors, benchmarks built and smoke-run),
# then the same tests under AddressSanitizer+UndefinedBehaviorSanitizer and under
# ThreadSanitizer. Installs missing Debian packages first (needs root then).
# Usage: tools/test.sh [ci|asan|tsan ...]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(ci asan tsan)
for preset in "${presets[@]}"; do
  echo "== clockwork: ${preset} =="
  cmake --workflow --preset "${preset}"
done
