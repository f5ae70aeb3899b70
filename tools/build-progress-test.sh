#!/usr/bin/env bash
# ctest demo.build_progress: tools/build-progress.sh reports a step while the build is still
# going — the line must come out before the next step goes in, not when the input ends.
#   tools/build-progress-test.sh [FILTER]    (default: tools/build-progress.sh)
set -euo pipefail
filter_program="${1:-$(dirname "$0")/build-progress.sh}"
coproc filter { "$filter_program" 2>&1; }
filter_pid=$filter_PID # (bash unsets filter_PID once the filter has ended)
expect_line() {  # the step just written must come out at once (10 s: a machine under any load)
  local line
  if ! IFS= read -r -t 10 line <&"${filter[0]}"; then
    echo "build progress: no line 10 s after '$1' went in: held back in a buffer" >&2
    exit 1
  fi
  if [ "$line" != "$2" ]; then
    echo "build progress: expected '$2', got '$line'" >&2
    exit 1
  fi
}
echo "[1/4] Building CXX object a.o" >&"${filter[1]}"
expect_line "[1/4]" "clockwork:   built  25% (1 of 4 steps)"
echo "[2/4] Building CXX object b.o" >&"${filter[1]}"
expect_line "[2/4]" "clockwork:   built  50% (2 of 4 steps)"
echo "[4/4] Linking CXX executable c" >&"${filter[1]}"
expect_line "[4/4]" "clockwork:   built 100% (4 of 4 steps)"
exec {filter[1]}>&-
wait "$filter_pid"
echo "build progress: each step reported as it came"
