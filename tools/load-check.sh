#!/usr/bin/env bash
# Proves that virtual time does not depend on the machine: runs the ci preset's tests of time
# (its golden traces, the 1000-seed exploration run twice a seed) and the DailyLog replay twice
# while every core is saturated (two busy processes per core), and compares the replay's traces
# with each other and with an idle run, byte for byte.
# Real-runtime checks may answer "inconclusive" (skipped) under this load; nothing may fail.
# Usage: tools/load-check.sh   (after the ci preset was built: cmake --workflow --preset ci)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/ci
replay=$build/scenarios/clockwork-replay
[ -x "$replay" ] || { echo "load-check: build the ci preset first ($replay is missing)" >&2; exit 1; }
out=$(mktemp -d)
busy=()
stop_load() { for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap 'stop_load; rm -rf "$out"' EXIT

echo "== load-check: idle reference trace"
"$replay" --demo daily_log --trace "$out/idle.txt" >/dev/null

cores=$(nproc)
echo "== load-check: saturating $cores core(s) with $((2 * cores)) busy processes"
for _ in $(seq $((2 * cores))); do
  ( while :; do :; done ) &
  busy+=($!)
done

echo "== load-check: under load: the ci suite's tests of time"
# Not the tests about pages, packaging and benchmark plumbing (browser, consumer, bench-*,
# readme.snippets): they say nothing about time, and compiling under load only makes CI longer.
# Nor the kill tests (jobs_kill): real worker processes killed for a minute each, run one at a
# time, whose assertions are counts (every job once), never times; under load they only take two
# to three times longer — four minutes of CI for nothing the idle ci step has not shown
# (docs/jobs.md has their figures under load, measured by hand with this same saturation).
ctest --preset ci --output-on-failure --label-exclude '^(browser|consumer|bench-smoke|bench-report|jobs_kill)$' \
  --exclude-regex '^readme\.snippets$'
for round in 1 2; do
  echo "== load-check: round $round under load: the DailyLog replay"
  "$replay" --demo daily_log --trace "$out/loaded-$round.txt" >/dev/null
done
stop_load

for round in 1 2; do
  for ext in txt jsonl; do
    if ! cmp -s "$out/idle.$ext" "$out/loaded-$round.$ext"; then
      echo "load-check: the trace of loaded round $round (.$ext) differs from the idle run's:" >&2
      diff "$out/idle.$ext" "$out/loaded-$round.$ext" | head -20 >&2
      exit 1
    fi
  done
done
echo "== load-check: ok — the suite passed under load and the traces are byte-identical ($(wc -l <"$out/idle.txt") records)"
