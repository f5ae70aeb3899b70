#!/usr/bin/env bash
# Regenerates docs/benchmarks.md, the figures next to it (docs/bench-*.svg) and the data they are
# made of (docs/benchmarks.json) from one run of every benchmark program in bench/ on this machine.
# (tools/bench_report.py --from docs/benchmarks.json makes the report again from that data alone.)
#
#   tools/bench.sh           full run (about 10 minutes on the 2-core VM, plus 2 to 4 for the SQLite
#                            job store and about 6 for the PostgreSQL one, whose figures wait for
#                            the disk), writes docs/
#   tools/bench.sh --quick   smoke sizes, 2 repetitions; writes build/bench/results/ only
#
# Steps: Debian packages (tools/deps.sh --postgres, for the throwaway PostgreSQL cluster and
# PgBouncer of tools/pg-cluster.sh, plus python3 and python3-matplotlib for the report); a Release
# build of the clockwork-bench-* targets with the `bench` preset; each program with JSON output and
# repetitions (the report quotes medians and min–max); the npm peers under Node.js when it is
# installed (@sinonjs/fake-timers, cron-parser, croner: pinned in bench/package-lock.json,
# installed into bench/node_modules); then tools/bench_report.py. Run it on an otherwise idle
# machine: the real-time figures measure the scheduler too, and the report prints the load average
# seen at the start and the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "tools/bench.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

tools/deps.sh --postgres python3 python3-matplotlib valgrind
# Debian's interpreter, where Debian's matplotlib is (another python3 may come first in PATH).
python=/usr/bin/python3

build="$root/build/bench"
programs=(virtual-throughput daily-log real-lateness drift overhead memory cron recurring-job explore jobs-simulated
          jobs-sqlite jobs-postgres dashboard)
# The `bench` preset (Release, tests off), building only the benchmark programs and what they
# link: the rest of the tree is not needed here.
cmake --preset bench
cmake --build --preset bench --target "${programs[@]/#/clockwork-bench-}"

results="$build/results"
rm -rf "$results"
mkdir -p "$results/samples"
export CLOCKWORK_BENCH_DUMP_DIR="$results/samples"

# Repetitions per program: the real-time programs run for seconds per repetition, so they get
# fewer; the figures quoted are medians with the min–max of the repetitions.
if [ "$quick" -eq 1 ]; then
  smoke=(--smoke)
  reps_virtual=2 reps_daily=2 reps_lateness=2 reps_drift=2 reps_overhead=2 reps_memory=2 reps_peer=1 reps_cron=2
  reps_recurring=2 reps_explore=2 reps_jobs_simulated=2 reps_jobs_sqlite=2 reps_jobs_postgres=2 reps_dashboard=2
else
  smoke=()
  reps_virtual=5 reps_daily=5 reps_lateness=10 reps_drift=3 reps_overhead=5 reps_memory=3 reps_peer=3 reps_cron=7
  reps_recurring=5 reps_explore=5 reps_jobs_simulated=5 reps_jobs_sqlite=5 reps_jobs_postgres=5 reps_dashboard=5
fi

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
load_start="$(loadavg)"
# The commit measured, read now rather than when the report is written (HEAD may move during a
# run), and whether the working tree differed from it. --no-optional-locks: reading only.
commit="$(git rev-parse --short HEAD 2>/dev/null || true)"
dirty=false
if [ -n "$(git --no-optional-locks status --porcelain 2>/dev/null || true)" ]; then dirty=true; fi
echo "clockwork bench: load average at start: $load_start"

# The load average as each program starts goes into the report next to its figures.
loads=()
note_load() { loads+=("\"$1\": \"$(loadavg)\""); }

# run_bench <program> <repetitions> [extra args...]
run_bench() {
  local name="$1" reps="$2"
  shift 2
  note_load "$name"
  echo "clockwork bench: running clockwork-bench-$name ($reps repetitions)"
  "$build/bench/clockwork-bench-$name" "${smoke[@]}" \
    --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_out="$results/$name.json" --benchmark_out_format=json "$@"
}

run_bench virtual-throughput "$reps_virtual"
# The same contenders' instructions and cache misses per event, on a fixed slice of each size under
# valgrind's callgrind (tools/bench_counts.py): counts repeat where times on a shared machine do not.
note_load virtual-counts
"$python" tools/bench_counts.py --binary "$build/bench/clockwork-bench-virtual-throughput" \
  --out "$results/virtual-counts.json" $([ "$quick" -eq 1 ] && echo --quick)

# The peer: @sinonjs/fake-timers on the same virtual-time workload, under Node.js, right after
# the C++ contenders so that it runs under the same conditions.
have_node=0
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  have_node=1
  echo "clockwork bench: installing the pinned npm peers into bench/node_modules"
  npm ci --prefix "$root/bench" --no-audit --no-fund --loglevel=error
  note_load fake-timers
  echo "clockwork bench: running the fake-timers peer ($reps_peer repetitions)"
  node "$root/bench/fake_timers_peer.js" "${smoke[@]}" --repetitions "$reps_peer" --out "$results/fake-timers.json"
else
  echo "clockwork bench: Node.js/npm not found: skipping the @sinonjs/fake-timers peer (the report says so)" >&2
fi

# cron next() per call, then the npm cron libraries on the same expressions and start instants.
run_bench cron "$reps_cron"
if [ "$have_node" -eq 1 ]; then
  note_load cron-peers
  echo "clockwork bench: running the cron-parser and croner peers ($reps_cron repetitions)"
  node "$root/bench/cron_peer.js" "${smoke[@]}" --repetitions "$reps_cron" --out "$results/cron-peers.json"
else
  echo "clockwork bench: Node.js/npm not found: skipping the cron-parser and croner peers (the report says so)" >&2
fi

# The DailyLog service for a simulated year on virtual time, against the same repository work
# without the host (about 5 s per repetition). Its contenders interleave at random too: each
# repetition lasts seconds, long enough for outside load to favour whichever ran then.
run_bench daily-log "$reps_daily" --benchmark_enable_random_interleaving=true

# A year of a minutely recurring_job against plain delays, and exploration's seeds per second.
run_bench recurring-job "$reps_recurring"
mv "$results/recurring-job.json" "$results/recurring.json"
run_bench explore "$reps_explore"
# Durable jobs in virtual time: the simulated store and a worker against the bare store calls.
run_bench jobs-simulated "$reps_jobs_simulated"

# Real-time programs interleave the repetitions of their contenders in random order, so that
# a burst of outside load lands on all of them rather than on whichever ran at that moment.
run_bench real-lateness "$reps_lateness" --benchmark_enable_random_interleaving=true
run_bench drift "$reps_drift" --benchmark_enable_random_interleaving=true
run_bench overhead "$reps_overhead" --benchmark_enable_random_interleaving=true
run_bench memory "$reps_memory"
# The SQLite job store against the same writes as bare SQL, and its due → start delays (a file in
# the temporary folder: the figures are that disk's).
run_bench jobs-sqlite "$reps_jobs_sqlite" --benchmark_enable_random_interleaving=true
# The PostgreSQL job store, the same way, and its due → start delays woken by notifications and by
# polling: against a throwaway cluster (PostgreSQL 15 and PgBouncer on Unix sockets, in a temporary
# folder; tools/pg-cluster.sh), started for this program only and stopped after it, also when it
# fails.
tmpdir="$(mktemp -d)"
trap 'tools/pg-cluster.sh stop "$tmpdir/pg" >/dev/null 2>&1 || true; rm -rf "$tmpdir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo "clockwork bench: starting a PostgreSQL cluster in $tmpdir/pg"
# fsync on: every commit waits for the disk, as in production (the tests' cluster runs without).
CLOCKWORK_PG_FSYNC=on tools/pg-cluster.sh start "$tmpdir/pg" >/dev/null
export CLOCKWORK_PG_ENV="$tmpdir/pg/env"
run_bench jobs-postgres "$reps_jobs_postgres" --benchmark_enable_random_interleaving=true
tools/pg-cluster.sh stop "$tmpdir/pg"
unset CLOCKWORK_PG_ENV

# The dashboard's pages over 100,000 jobs in a SQLite store, against the same store calls.
run_bench dashboard "$reps_dashboard" --benchmark_enable_random_interleaving=true

load_end="$(loadavg)"
finished_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
cat >"$results/run.json" <<EOF
{"started_at": "$started_at", "finished_at": "$finished_at", "load_start": "$load_start", "load_end": "$load_end",
 "commit": "$commit", "dirty": $dirty,
 "quick": $([ "$quick" -eq 1 ] && echo true || echo false),
 "loads": {$(IFS=,; echo "${loads[*]}")},
 "repetitions": {"virtual-throughput": $reps_virtual, "daily-log": $reps_daily, "real-lateness": $reps_lateness, "drift": $reps_drift,
                 "overhead": $reps_overhead, "memory": $reps_memory, "fake-timers": $reps_peer, "cron": $reps_cron,
                 "recurring": $reps_recurring, "explore": $reps_explore, "jobs-simulated": $reps_jobs_simulated,
                 "jobs-sqlite": $reps_jobs_sqlite, "jobs-postgres": $reps_jobs_postgres,
                 "dashboard": $reps_dashboard}}
EOF

if [ "$quick" -eq 1 ]; then
  "$python" tools/bench_report.py --results "$results" --build "$build" --out "$results/benchmarks.md" --svg-dir "$results"
  echo "clockwork bench: quick report in $results/benchmarks.md (docs/ untouched)"
else
  "$python" tools/bench_report.py --results "$results" --build "$build" --out docs/benchmarks.md --svg-dir docs
  echo "clockwork bench: wrote docs/benchmarks.md, docs/bench-*.svg and docs/benchmarks.json"
fi
