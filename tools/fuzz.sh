#!/usr/bin/env bash
# Builds the libFuzzer targets with the `fuzz` preset (Clang, ASan + UBSan) and runs each for
# its share of the time given (default 60 s in total: 30 s each; side by side when there are
# cores for it), starting from a seed corpus generated from the public cron vectors. Prints
# libFuzzer's execution count per target and the total.
#
#   tools/fuzz.sh            60 s in total
#   tools/fuzz.sh 600        ten minutes in total
#
# A crash, a leak, a sanitizer report or a timeout stops the run with a non-zero status; the
# failing input is left in build/fuzz/artifacts/<target>/. Add it to fuzz/regressions/<target>/
# (ctest replays that folder on every build) once the bug is fixed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
total="${1:-60}"
if ! [[ "$total" =~ ^[0-9]+$ ]] || [ "$total" -lt 2 ]; then
  echo "tools/fuzz.sh: the time must be a number of seconds, at least 2 (got '$total')" >&2
  exit 2
fi

tools/deps.sh python3  # Clang and libFuzzer (libclang-rt-14-dev) are in the base list

targets=(cron_expression cron_cli)
per_target=$((total / ${#targets[@]}))

cmake --preset fuzz
# Only the fuzz programs and what they link: the cron parser's own sources (fuzz/CMakeLists.txt),
# not the whole library, nor the preset's other targets (the catalogue, the job stores, the
# tools): the other steps build those, and they would make this step's build five times longer.
programs=()
for target in "${targets[@]}"; do programs+=("clockwork-fuzz-${target//_/-}"); done
cmake --build --preset fuzz --target "${programs[@]}"

build="$root/build/fuzz"
rm -rf "$build/seeds"  # regenerated each run; the learned corpus ($build/corpus) is kept
python3 tools/cron_fuzz_seeds.py framework/tests/schedule/cron_vectors "$build/seeds"

# fuzz_one <target>: runs one target for its share; its output goes to $build/<target>.log.
fuzz_one() {
  local target="$1"
  local program="$build/fuzz/clockwork-fuzz-${target//_/-}"
  local corpus="$build/corpus/$target" artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  # The corpus folder comes first: what libFuzzer learns is kept there between runs; the seeds
  # and the regression inputs are read too.
  "$program" "$corpus" "$build/seeds/$target" "fuzz/regressions/$target" \
    -max_total_time="$per_target" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" >"$build/$target.log" 2>&1
}

# The targets run side by side, as many at a time as there are cores (each fuzzer is one
# process on one core): on two cores both finish in one share of the time instead of two, with
# the same executions.
cores=$(nproc)
failed=()
for ((first = 0; first < ${#targets[@]}; first += cores)); do
  pids=()
  batch=("${targets[@]:first:cores}")
  for target in "${batch[@]}"; do
    echo "tools/fuzz.sh: $target for ${per_target} s"
    fuzz_one "$target" &
    pids+=($!)
  done
  for i in "${!batch[@]}"; do
    wait "${pids[$i]}" || failed+=("${batch[$i]}")
  done
done
for target in "${failed[@]}"; do
  tail -n 60 "$build/$target.log" >&2
  echo "tools/fuzz.sh: $target FAILED; the input is in $build/artifacts/$target/" >&2
done
[ ${#failed[@]} -eq 0 ] || exit 1

sum=0
for target in "${targets[@]}"; do
  runs="$(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$build/$target.log" | tail -n 1)"
  echo "tools/fuzz.sh: $target: $(grep -E "^#[0-9]+[[:space:]]+DONE" "$build/$target.log" | tail -n 1)"
  sum=$((sum + ${runs:-0}))
done
echo "tools/fuzz.sh: ${sum} executions in total"
