#!/usr/bin/env bash
# ctest bench.report: tools/bench_report.py makes the report of a small fixture
# (tools/bench_report_fixture/: two programs' results and their samples, and callgrind counts) with the same bytes
# twice — the Markdown, the data document and both SVG figures — and the same report and figures
# again from the data document alone (--from). Also checks what the figures show: the legend's
# contenders, no date.
#
#   tools/bench_report_test.sh
#
# Needs Debian's python3 with python3-matplotlib, and installs them when missing (tools/deps.sh,
# as root). When they cannot be had it fails in CI (CI=true) and skips elsewhere (exit 77, ctest's
# SKIP_RETURN_CODE).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Debian's interpreter, where Debian's matplotlib is (another python3 may come first in PATH).
python=/usr/bin/python3

unavailable() {
  if [ "${CI:-}" = "true" ]; then
    echo "bench report test: FAILED: $1 (CI=true: the test must run in CI)" >&2
    exit 1
  fi
  echo "bench report test: skipped: $1" >&2
  exit 77
}

if ! "$python" -c 'import matplotlib' 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    unavailable "Debian's python3-matplotlib is missing and installing it needs root (tools/deps.sh python3 python3-matplotlib)"
  fi
  echo "bench report test: installing Debian's python3-matplotlib (tools/deps.sh)" >&2
  "$here/deps.sh" python3 python3-matplotlib >&2 || unavailable "could not install python3-matplotlib from Debian's packages"
  "$python" -c 'import matplotlib' || unavailable "python3-matplotlib installed but $python cannot import it"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
report() { # report DIR ARGS...: the report into DIR; its messages into DIR.log
  local dir="$1"
  shift
  mkdir -p "$dir"
  if ! "$python" "$here/bench_report.py" "$@" --out "$dir/benchmarks.md" --svg-dir "$dir" >"$dir.log" 2>&1; then
    cat "$dir.log" >&2
    echo "bench report test: FAILED: bench_report.py $* exited non-zero" >&2
    exit 1
  fi
}
report "$work/first" --results "$here/bench_report_fixture"
report "$work/second" --results "$here/bench_report_fixture"
report "$work/again" --from "$work/first/benchmarks.json"

passed=0
failed=0
check() { # check NAME COMMAND...
  local name="$1"
  shift
  if "$@" >/dev/null 2>&1; then
    passed=$((passed + 1))
    echo "ok    $name"
  else
    failed=$((failed + 1))
    echo "FAIL  $name"
  fi
}
lacks() { ! grep -q "$1" "$2"; }
for file in benchmarks.md benchmarks.json bench-lateness.svg bench-drift.svg; do
  check "$file: the same bytes twice" cmp "$work/first/$file" "$work/second/$file"
done
for file in benchmarks.md bench-lateness.svg bench-drift.svg; do
  check "$file: the same bytes again from the saved data" cmp "$work/first/$file" "$work/again/$file"
done
md="$work/first/benchmarks.md"
check "the report links the lateness figure" grep -qF '![Lateness distribution per contender](./bench-lateness.svg)' "$md"
check "the report links the drift figure" grep -qF '![Drift over ticks per contender](./bench-drift.svg)' "$md"
check "the lateness table: the fixture's p50, p90, p99, max" grep -qF '| clockwork periodic_timer | 61.4 µs [55.2–73.7] | 1.44 ms [1.29–1.72] | 2.45 ms [2.20–2.94] | 2.56 ms [2.30–3.07] | 1.02× |' "$md"
check "the counts table: instructions and misses per event, and the ratio to the floor" grep -qF '| 1,000 | clockwork `delay` | 61,341 | 729 | 1.86× | 5.47 | 0.00 |' "$md"
check "the targets: the floor ratio at every size, with and without a stop token" grep -qF '| Virtual time: ≥ 0.8× the floor at every size, with and without a stop token |' "$md"
check "the counts table: the simulated caches" grep -qF 'LL cache: 33554432 B, 64 B, 16-way associative' "$md"
for figure in lateness drift; do
  svg="$work/first/bench-$figure.svg"
  check "bench-$figure.svg: an SVG drawn by matplotlib" grep -q '<svg .*viewBox="0 0 900 440"' "$svg"
  check "bench-$figure.svg: no date" lacks "<dc:date>" "$svg"
  check "bench-$figure.svg: the legend names clockwork periodic_timer" grep -qF '<!-- clockwork periodic_timer -->' "$svg"
done
check "bench-lateness.svg: the note under the legend" grep -qF '<!-- 300 ticks per contender; the top -->' "$work/first/bench-lateness.svg"
check "bench-drift.svg: the title" grep -qF '<!-- Drift over 100 ticks of 1 ms with 200 µs of busy work per tick -->' "$work/first/bench-drift.svg"
check "bench-drift.svg: the dashed baseline" grep -qF '<!-- asio expires_after loop -->' "$work/first/bench-drift.svg"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
