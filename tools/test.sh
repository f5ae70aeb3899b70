#!/usr/bin/env bash
# The whole test suite: the ci preset (GCC, warnings are errors, benchmarks built and
# smoke-run), the clang preset (Clang 14), the same tests under AddressSanitizer +
# UndefinedBehaviorSanitizer and under ThreadSanitizer, and finally the load check (the ci suite
# again with every core saturated; traces compared byte for byte) and a minute of
# fuzzing the cron parser and clockwork-cron's arguments (libFuzzer, Clang). Installs missing
# Debian packages first (needs root then).
# Usage: tools/test.sh [ci|clang|asan|tsan|load|fuzz ...]   (default: all of them, in that order)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(ci clang asan tsan load fuzz)
started=$SECONDS
for step in "${steps[@]}"; do
  step_started=$SECONDS
  echo "== clockwork: ${step} =="
  if [ "$step" = load ]; then
    [ -x build/ci/scenarios/clockwork-replay ] || cmake --workflow --preset ci
    tools/load-check.sh
  elif [ "$step" = fuzz ]; then
    tools/fuzz.sh 60
  else
    cmake --workflow --preset "${step}"
  fi
  echo "== clockwork: ${step} took $((SECONDS - step_started)) s (all so far: $((SECONDS - started)) s) =="
done
