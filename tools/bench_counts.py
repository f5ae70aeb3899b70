#!/usr/bin/env python3
"""Instruction and cache-miss counts of the virtual-time contenders, beside the wall times of
tools/bench.sh: runs `clockwork-bench-virtual-throughput --count CONTENDER TIMERS SLICES` under
valgrind's callgrind with its cache simulator, collecting only inside the slices
(--toggle-collect=*counted_slices*), and writes per-event figures as JSON.

Why counts: on a shared 2-core machine wall time moves with whatever else runs; the number of
instructions a fixed slice executes, and the misses a simulated cache takes on them, repeat run
after run (the same binary on the same input gives the same totals, whatever the load). They
say where the time goes, not how long it takes: a miss that the real machine's L2 or L3 serves
costs a few cycles, one that goes to memory a hundred.

Usage: tools/bench_counts.py --binary build/bench/bench/clockwork-bench-virtual-throughput
                             --out results/virtual-counts.json [--quick]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

CONTENDERS = ("floor", "clockwork_delay", "clockwork_delay_token", "clockwork_periodic_timer")
# Slices per size: a fixed slice of simulated time, tens of thousands of events or more each,
# while the setup (which callgrind runs uncollected, but still slowly) stays under a minute.
SIZES = ((1_000, 20), (100_000, 4), (1_000_000, 1))
QUICK_SIZES = ((1_000, 3), (10_000, 1))
# The last-level cache simulated: 32 MiB, 16-way — an L3 of this size class. (The virtual machine
# reports a 512 MiB one to callgrind, in which nothing would ever miss.) L1 is the machine's own.
LL_BYTES = 32 * 1024 * 1024
EVENTS = ("Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw")


def run_one(binary, contender, timers, slices, workdir):
    out_file = os.path.join(workdir, f"callgrind-{contender}-{timers}.out")
    cmd = ["valgrind", "--tool=callgrind", "--cache-sim=yes", f"--LL={LL_BYTES},16,64", "--collect-atstart=no",
           "--toggle-collect=*counted_slices*", f"--callgrind-out-file={out_file}",
           binary, "--count", contender, str(timers), str(slices)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    printed = json.loads(done.stdout.strip().splitlines()[-1])
    names, totals, caches = None, None, []
    with open(out_file, encoding="utf-8") as f:
        for line in f:
            if line.startswith("desc: D1 cache:") or line.startswith("desc: LL cache:"):
                caches.append(line[len("desc: "):].strip())
            elif line.startswith("events:"):
                names = line.split()[1:]
            elif line.startswith("summary:"):
                totals = [int(x) for x in line.split()[1:]]
    if names is None or totals is None:
        raise RuntimeError(f"{out_file}: no events/summary line")
    counts = dict(zip(names, totals))
    return {"contender": contender, "timers": timers, "slices": slices, "events": printed["events"],
            **{k: counts.get(k, 0) for k in EVENTS}}, "; ".join(caches)


def valgrind_version():
    try:
        return subprocess.run(["valgrind", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="smoke sizes")
    args = ap.parse_args()
    version = valgrind_version()
    if version is None:
        print("bench_counts: valgrind not found (Debian's valgrind): no counts", file=sys.stderr)
        sys.exit(2)
    rows = []
    caches = ""
    with tempfile.TemporaryDirectory() as workdir:
        for timers, slices in (QUICK_SIZES if args.quick else SIZES):
            for contender in CONTENDERS:
                print(f"bench_counts: {contender}, {timers:,} timers, {slices} slice(s) under callgrind", flush=True)
                row, caches = run_one(args.binary, contender, timers, slices, workdir)
                rows.append(row)
    # The simulated caches are the machine's own sizes, as callgrind read them.
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"tool": version, "caches": caches, "rows": rows}, f, indent=1)
    print(f"bench_counts: wrote {args.out}")


if __name__ == "__main__":
    main()
