#!/usr/bin/env bash
# clockwork-replay --shard and --merge end to end: an exploration run in three shards (given as
# I/N, through GoogleTest's environment variables and as a Kubernetes Indexed Job's index) and
# merged prints the report the unsharded run prints, writes one JUnit report and one page, and
# a missing shard is refused by name.
# Usage: explore_shards_cli_test.sh PATH/TO/clockwork-replay
set -euo pipefail
replay=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
explore=(--scenario explore.daily_log_planted_bug --explore 30 --seed 5 --determinism-check 0.3)
fail() { echo "FAIL: $*" >&2; exit 1; }

# What a run prints, without what depends on the real clock or on how it was run.
report_of() { grep -v -e 'seed(s) in .* of real time' -e '^joined from' -e '^shard ' -e '^wrote ' -e '^$' "$1"; }

status=0
"$replay" "${explore[@]}" >"$work/whole.txt" 2>/dev/null || status=$?
[ "$status" -eq 1 ] || fail "the unsharded run must find the planted bug (exit 1), got $status"

for i in 0 1 2; do
  status=0
  "$replay" "${explore[@]}" --shard "$i/3" --shard-dir "$work/shards" >"$work/shard-$i.txt" 2>/dev/null || status=$?
  [ "$status" -le 1 ] || fail "shard $i/3 exited $status"
  [ -s "$work/shards/failing-seeds-$i-of-3.jsonl" ] || fail "shard $i/3 wrote no failing-seeds file"
  grep -q '<testsuite name="explore explore.daily_log_planted_bug"' "$work/shards/junit-$i-of-3.xml" ||
    fail "shard $i/3 wrote no JUnit report"
done
grep -q '^shard 1-of-3 of explore.daily_log_planted_bug: seeds 15 to 24 of 5 to 34$' "$work/shard-1.txt" ||
  fail "shard 1/3 does not say which seeds it ran: $(cat "$work/shard-1.txt")"

status=0
"$replay" --merge "$work"/shards/failing-seeds-*-of-3.jsonl --junit "$work/all.xml" --html "$work/all.html" \
  >"$work/merged.txt" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "the merged shards must fail as the whole run does (exit 1), got $status: $(cat "$work/merged.txt")"
diff <(report_of "$work/whole.txt") <(report_of "$work/merged.txt") || fail "the merged report differs from the unsharded one"
grep -q '^joined from 3 shard(s): seeds 5 to 34$' "$work/merged.txt" || fail "the merge does not say what it joined"
grep -q 'failures="[1-9]' "$work/all.xml" || fail "the merged JUnit report has no failure"
grep -q 'seed_failed' "$work/all.xml" || fail "the merged JUnit report names no failing seed"
grep -q '<section class="run ' "$work/all.html" || fail "the merged page draws no failing seed's timeline"

# The same shards from the environment: GoogleTest's protocol, and a Kubernetes Indexed Job's.
GTEST_SHARD_INDEX=1 GTEST_TOTAL_SHARDS=3 GTEST_SHARD_STATUS_FILE="$work/status" \
  "$replay" "${explore[@]}" --shard env --shard-dir "$work/env" >/dev/null 2>&1 || true
cmp "$work/shards/failing-seeds-1-of-3.jsonl" "$work/env/failing-seeds-1-of-3.jsonl" || fail "--shard env ran another block"
[ -e "$work/status" ] || fail "--shard env did not touch GTEST_SHARD_STATUS_FILE"
JOB_COMPLETION_INDEX=2 "$replay" "${explore[@]}" --shard k8s/3 --shard-dir "$work/k8s" >/dev/null 2>&1 || true
cmp "$work/shards/failing-seeds-2-of-3.jsonl" "$work/k8s/failing-seeds-2-of-3.jsonl" || fail "--shard k8s/3 ran another block"

# A shard missing: refused, naming the seeds nobody ran, and nothing written.
status=0
"$replay" --merge "$work/shards/failing-seeds-0-of-3.jsonl" "$work/shards/failing-seeds-2-of-3.jsonl" \
  --junit "$work/partial.xml" >"$work/partial.txt" 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "a missing shard must be refused (exit 2), got $status"
grep -q 'leave a gap: seeds 15 to 24 are in no shard given' "$work/partial.txt" || fail "the gap is not named: $(cat "$work/partial.txt")"
[ ! -e "$work/partial.xml" ] || fail "a refused merge wrote its JUnit report"
echo "ok: 3 shards merged equal the unsharded run"
