#!/usr/bin/env bash
# The whole test suite: the ci preset (GCC 12, warnings are errors, benchmarks built and
# smoke-run), the same tests built by Clang 14 under AddressSanitizer + UndefinedBehaviorSanitizer
# (asan; Clang's warnings are errors there too, so both compilers build and pass everything) and
# by GCC under ThreadSanitizer (tsan: only the tests that run code on more than one thread — a race
# needs two, and the virtual-time tests run on one; see CLOCKWORK_THREADED_TESTS_ONLY), and finally the load check (the ci suite again with every
# core saturated; traces compared byte for byte) and a minute of fuzzing the cron parser and
# clockwork-cron's arguments (libFuzzer, Clang). The clang preset (Clang without sanitizers) is
# there for development; its build is the asan step's without the instrumentation. (Clang 14's
# UBSan check "function" cannot compile coroutines — "Cannot represent a difference across
# sections" — so the asan and fuzz presets leave that one check out; every other UBSan check is on.)
# The asan and tsan presets compile the tests' own sources without optimisation, the ci preset
# at -O1 (CLOCKWORK_TEST_COMPILE_OPTIONS): under a sanitizer that halves their compile time, at
# -O1 it saves a fifth, and the suite runs as fast, since its time is spent in the libraries,
# which keep the preset's level.
# Every preset's tests share one precompiled copy of the headers they all include
# (CLOCKWORK_PRECOMPILED_HEADERS). The presets build in unity mode (CMAKE_UNITY_BUILD: a target's
# sources compiled eight to a file), which parses the headers and instantiates the templates a
# catalogue of small files shares once per eight files instead of once per file (a module's
# tests are one program for the same reason: its test files share units too); the
# consumer.add_subdirectory test compiles the framework's and the harness's files each on its
# own, so that a file missing an #include it needs still fails somewhere.
# Installs missing Debian packages first (needs root then).
# Usage: tools/test.sh [ci|clang|asan|tsan|load|fuzz ...]   (default: ci asan tsan load fuzz, in that order)
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything any step needs, installed before the first build: the browser test's Chromium and
# Node.js, the benchmark report's matplotlib. Installing them inside a test would spend its timeout.
tools/deps.sh --browser --postgres python3 python3-matplotlib
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(ci asan tsan load fuzz)
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
