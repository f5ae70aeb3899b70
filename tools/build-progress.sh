#!/usr/bin/env bash
# Turns a Ninja build's output (standard input) into one line per tenth of the build on standard
# error — "clockwork:   built  40% (40 of 100 steps)" — each as soon as Ninja reports the step
# (tools/demo.sh). A bash loop rather than awk: Debian's default awk, mawk, holds its output back
# in a buffer, so the lines came in bursts.
set -euo pipefail
last=-10
while IFS= read -r line; do
  if [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]]; then
    done_steps=${BASH_REMATCH[1]}
    all_steps=${BASH_REMATCH[2]}
    percent=$((100 * done_steps / all_steps))
    if ((percent >= last + 10 || done_steps == all_steps)); then
      printf 'clockwork:   built %3d%% (%d of %d steps)\n' "$percent" "$done_steps" "$all_steps" >&2
      last=$percent
    fi
  fi
done
