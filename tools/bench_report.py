#!/usr/bin/env python3
"""Writes docs/benchmarks.md and its figures from one run of clockwork's benchmarks.

  tools/bench_report.py --results DIR [--build DIR] --out MD --svg-dir DIR [--data JSON]
  tools/bench_report.py --from JSON --out MD --svg-dir DIR

The first form reads a results directory written by tools/bench.sh:
  <name>.json        Google Benchmark JSON of clockwork-bench-<name>, aggregates only, with the
                     custom min/max statistics next to the median
  fake-timers.json   the @sinonjs/fake-timers peer (absent when Node.js was not found)
  cron-peers.json    the cron-parser and croner peers of clockwork-bench-cron (likewise)
  samples/           raw lateness samples and drift series for the figures
  run.json           what the runner recorded: times, load averages, repetitions
and saves everything the report is made of, with the machine's facts and the figures' data
condensed from the samples, into one data document (--data; by default beside --out, named like
it with .json: docs/benchmarks.json). The second form makes the report again from that document
alone, on any machine, without running anything: the same document gives the same report and
the same SVG bytes. A document without benchmark results (only figures' data) redraws the
figures and leaves --out as it is.

Every figure is the median of the repetitions, followed by the [min–max] of the repetitions.
Every ratio is of two medians measured in the same run. The figures are drawn with Debian's
matplotlib (python3-matplotlib, tools/bench_charts.py); the rest is the standard library.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys

sys.dont_write_bytecode = True  # the modules beside this file: no __pycache__ left in the source tree
import bench_charts  # noqa: E402
from bench_format import (BYTE_UNITS, COUNT_UNITS, LABELS, RATE_UNITS, TIME_UNITS, fmt,  # noqa: E402
                          fmt_count, fmt_ratio, fmt_spread, sig)

# ---------------------------------------------------------------------------------------------
# Loading


def normalise(run_name):
    """'virtual/floor/1000/iterations:100/real_time' -> 'virtual/floor/1000'."""
    parts = [p for p in run_name.split("/") if not re.match(r"^(iterations|repeats|min_time|threads):", p)]
    return "/".join(p for p in parts if p not in ("real_time", "manual_time"))


class Results:
    """Aggregates of every benchmark: name -> aggregate ('median', 'min', 'max', ...) -> fields."""

    def __init__(self):
        self.rows = {}
        self.contexts = {}

    def load(self, key, doc):
        """One program's Google Benchmark document (or what kept() kept of it)."""
        self.contexts[key] = doc.get("context", {})
        for b in doc.get("benchmarks", []):
            name = normalise(b.get("run_name", b["name"]))
            agg = b.get("aggregate_name", "single") if b.get("run_type") == "aggregate" else "single"
            self.rows.setdefault(name, {})[agg] = b

    def has(self, name):
        return name in self.rows

    def value(self, name, metric, agg="median"):
        row = self.rows.get(name, {})
        entry = row.get(agg) or (row.get("single") if agg in ("median", "min", "max") else None)
        if entry is None or metric not in entry:
            return None
        return float(entry[metric])

    def spread(self, name, metric):
        """(median, min, max) or None."""
        med = self.value(name, metric, "median")
        if med is None:
            return None
        lo = self.value(name, metric, "min")
        hi = self.value(name, metric, "max")
        return (med, med if lo is None else lo, med if hi is None else hi)

    def error(self, name):
        for entry in self.rows.get(name, {}).values():
            if entry.get("error_occurred"):
                return entry.get("error_message", "error")
        return None


def kept(doc):
    """What the data document keeps of a Google Benchmark document: the rows the report reads
    (medians, minima, maxima, single runs, errors) and the context without the machine's name."""
    used = ("median", "min", "max")
    rows = [b for b in doc.get("benchmarks", [])
            if b.get("run_type") != "aggregate" or b.get("aggregate_name") in used or b.get("error_occurred")]
    context = {k: v for k, v in doc.get("context", {}).items() if k not in ("host_name", "executable")}
    return {"context": context, "benchmarks": rows}


# ---------------------------------------------------------------------------------------------
# Formatting


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def med(triple):
    return None if triple is None else triple[0]


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def status(ok):
    if isinstance(ok, str):
        return ok
    if ok is None:
        return "not measured"
    return "**met**" if ok else "**missed**"


# ---------------------------------------------------------------------------------------------
# Machine


def machine_facts(build_dir):
    facts = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            models = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        facts["cpu"] = models[0] if models else platform.processor() or "unknown"
    except OSError:
        facts["cpu"] = platform.processor() or "unknown"
    facts["cores"] = os.cpu_count()
    facts["kernel"] = platform.release()
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    facts["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        with open("/sys/devices/system/clocksource/clocksource0/current_clocksource", encoding="utf-8") as f:
            facts["clocksource"] = f.read().strip()
    except OSError:
        pass
    compiler, build_type = "c++", "?"
    cache = os.path.join(build_dir, "CMakeCache.txt") if build_dir else None
    if cache and os.path.exists(cache):
        with open(cache, encoding="utf-8") as f:
            for line in f:
                if line.startswith("CMAKE_CXX_COMPILER:"):
                    compiler = line.split("=", 1)[1].strip()
                elif line.startswith("CMAKE_BUILD_TYPE:"):
                    build_type = line.split("=", 1)[1].strip()
    try:
        facts["compiler"] = subprocess.run([compiler, "--version"], capture_output=True, text=True, check=False).stdout.splitlines()[0]
    except (OSError, IndexError):
        facts["compiler"] = compiler
    facts["build_type"] = build_type
    try:
        facts["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        facts["commit"] = ""
    return facts


# ---------------------------------------------------------------------------------------------
# The report

# The real-time contenders, in the order of their tables and figures.
LATENESS_ORDER = ["nanosleep_slack1", "nanosleep_default", "timerfd", "asio", "clockwork_delay", "clockwork_periodic"]
DRIFT_ORDER = ["clockwork_periodic", "clockwork_delay", "asio_absolute", "asio_relative"]


class Report:
    def __init__(self, res, peer, run, facts, svg_rel):
        self.counts = None  # callgrind counts of the virtual-time contenders (tools/bench_counts.py), if measured
        self.res, self.peer, self.run, self.facts, self.svg_rel = res, peer, run, facts, svg_rel
        self.lines = []
        self.targets = []  # (target, measured, ok, note)
        self.defects = []
        self.cron_peer = None

    def add(self, *lines):
        self.lines.extend(lines)

    def target(self, text, measured, ok, note=""):
        self.targets.append((text, measured, ok, note))

    def spurious_cancellations(self, prefix, names):
        """Flags contenders whose waits ended in operation_canceled without any stop request."""
        for n in names:
            total = self.res.value(f"{prefix}/{n}", "canceled_without_stop", "max")
            if total:
                reps = self.res.value(f"{prefix}/{n}", "canceled_without_stop", "median")
                line = (f"**{LABELS.get(n, n)}** (`{prefix}`): up to {int(total)} waits per repetition (median "
                        f"{int(reps or 0)}) ended in `operation_canceled` although no stop was ever requested; the loop "
                        "waited again, so its figures cover the same number of ticks.")
                self.add("> " + line, "")
                self.defects.append(line)

    def cell(self, name, metric, units, factor=1.0):
        """A table cell: the median [min–max] of a row's metric, its error, or "not measured"."""
        err = self.res.error(name)
        if err:
            return f"error: {err}"
        t = self.res.spread(name, metric)
        return "not measured" if t is None else fmt_spread(scale3(t, factor), units)

    def load_line(self, *programs):
        loads = self.run.get("loads", {})
        parts = [f"`{p}` {loads[p]}" for p in programs if p in loads]
        if parts:
            self.add("Load average (1/5/15 min) when each program started: " + "; ".join(parts) + ".", "")

    # -- 1. virtual time ----------------------------------------------------------------------
    def virtual(self):
        r = self.res
        sizes = sorted({int(n.split("/")[-1]) for n in r.rows if n.startswith("virtual/floor/")})
        peer_by_size = {}
        if self.peer:
            for item in self.peer.get("results", []):
                rates = sorted(item["events_per_s"])
                peer_by_size[item["timers"]] = item
                item["_triple"] = (statistics.median(rates), rates[0], rates[-1])
        self.add(
            "## 1. Virtual-time throughput",
            "",
            "Timer events per second of real time while N coroutines sleep and re-arm on a virtual clock. "
            "Periods are whole milliseconds spread log-uniformly over [1 ms, 60 s] from a fixed seed "
            "(`bench/virtual_workload.hpp`); every contender runs the same simulated slices after the same "
            "two warm-up slices. Sources: `bench/virtual_throughput_bench.cpp`, the floor in "
            "`bench/baseline_floor.hpp`, the peer in `bench/fake_timers_peer.js`.",
            "",
        )
        header = ["timers", "floor (priority_queue)", "clockwork `delay`", "÷ floor", "`delay` + stop token", "÷ floor",
                  "`periodic_timer`", "÷ floor", "fake-timers (Node)", "clockwork ÷ fake-timers"]
        rows = []
        checks = []
        for n in sizes:
            floor = r.spread(f"virtual/floor/{n}", "events_per_s")
            cw = r.spread(f"virtual/clockwork_delay/{n}", "events_per_s")
            tok = r.spread(f"virtual/clockwork_delay_token/{n}", "events_per_s")
            per = r.spread(f"virtual/clockwork_periodic_timer/{n}", "events_per_s")
            peer = peer_by_size.get(n)
            peer_t = peer["_triple"] if peer else None
            rows.append([f"{n:,}", fmt_spread(floor, RATE_UNITS), fmt_spread(cw, RATE_UNITS), fmt_ratio(ratio(med(cw), med(floor))),
                         fmt_spread(tok, RATE_UNITS), fmt_ratio(ratio(med(tok), med(floor))),
                         fmt_spread(per, RATE_UNITS), fmt_ratio(ratio(med(per), med(floor))),
                         fmt_spread(peer_t, RATE_UNITS) if peer else "not run", fmt_ratio(ratio(med(cw), med(peer_t)))])
            ev = {k: r.value(f"virtual/{k}/{n}", "events") for k in ("floor", "clockwork_delay", "clockwork_delay_token", "clockwork_periodic_timer")}
            same = len({v for v in ev.values() if v is not None}) == 1
            checks.append(f"{n:,} timers: {'identical' if same else 'DIFFERENT'} event counts for the C++ contenders ({int(ev['floor'] or 0):,} per repetition)")
            if peer:
                cs = r.value(f"virtual/floor/{n}", "period_sum_ms")
                full = peer["iterations"][0] == peer["wanted_iterations"]
                same_events = full and ev["floor"] is not None and peer["events"][0] == int(ev["floor"])
                checks.append(
                    f"{n:,} timers, fake-timers: period checksum {'matches' if cs is not None and int(cs) == peer['period_sum_ms'] else 'DIFFERS'}; "
                    + (f"same {peer['events'][0]:,} events as the C++ contenders" if same_events
                       else f"ran {peer['iterations'][0]} of {peer['wanted_iterations']} slices within its time budget ({peer['events'][0]:,} events)")
                )
        self.add(table(header, rows), "")
        self.load_line("virtual-throughput", "fake-timers")
        self.add("Consistency checks (same workload everywhere):", "")
        self.add(*[f"- {c}" for c in checks])
        if not self.peer:
            self.add("- fake-timers: **not run** — Node.js/npm were not found on this machine.")
        self.add("")
        self.virtual_counts()

        if 1000 in sizes:
            cw1k = med(r.spread("virtual/clockwork_delay/1000", "events_per_s"))
            fl1k = med(r.spread("virtual/floor/1000", "events_per_s"))
            self.target("Virtual time, 1k timers: ≥ 10 M events/s", fmt(cw1k, RATE_UNITS), cw1k is not None and cw1k >= 10e6)
            rt = ratio(cw1k, fl1k)
            self.target("Virtual time, 1k timers: ≥ 0.5× the floor", f"{fmt_ratio(rt)} ({fmt(cw1k, RATE_UNITS)} vs {fmt(fl1k, RATE_UNITS)})",
                        rt is not None and rt >= 0.5)
        if 100000 in sizes:
            cw = med(r.spread("virtual/clockwork_delay/100000", "events_per_s"))
            self.target("Virtual time, 100k timers: ≥ 4 M events/s", fmt(cw, RATE_UNITS), cw is not None and cw >= 4e6)
        # Every size, with and without a stop token: each contender's events/s over the floor's.
        floor_ratios = []
        for n in sizes:
            fl = med(r.spread(f"virtual/floor/{n}", "events_per_s"))
            for key, label in (("clockwork_delay", "`delay`"), ("clockwork_delay_token", "+ token")):
                x = ratio(med(r.spread(f"virtual/{key}/{n}", "events_per_s")), fl)
                if x is not None:
                    floor_ratios.append((n, label, x))
        if floor_ratios:
            self.target(self.FLOOR_TARGET, ", ".join(f"{n:,} {label}: {fmt_ratio(x)}" for n, label, x in floor_ratios),
                        all(x >= 0.8 for _, _, x in floor_ratios))
        else:
            self.target(self.FLOOR_TARGET, "not measured", None)
        if self.peer:
            ratios = []
            for n in sizes:
                peer = peer_by_size.get(n)
                cw = med(r.spread(f"virtual/clockwork_delay/{n}", "events_per_s"))
                if peer and cw:
                    ratios.append((n, cw / peer["_triple"][0]))
            if ratios:
                worst = min(x for _, x in ratios)
                self.target("Virtual time: faster than @sinonjs/fake-timers by a wide margin (read as ≥ 5× at every size)",
                            ", ".join(f"{n:,}: {fmt_ratio(x)}" for n, x in ratios), worst >= 5.0)
        else:
            self.target("Virtual time: faster than @sinonjs/fake-timers by a wide margin", "peer not run (no Node.js)", None)

    FLOOR_TARGET = "Virtual time: ≥ 0.8× the floor at every size, with and without a stop token"

    def virtual_counts(self):
        counts = self.counts
        self.add("### Instructions and cache misses per event", "")
        if not counts or not counts.get("rows"):
            self.add("Not measured: valgrind was not found on this machine (Debian's valgrind; `tools/bench_counts.py`).", "")
            return
        self.add(
            "The same contenders on a fixed slice of simulated time at each size, under valgrind's callgrind with its "
            "cache simulator, counting inside the slices only (`tools/bench_counts.py`, the `--count` mode of "
            "`bench/virtual_throughput_bench.cpp`). Counts repeat run after run whatever else the machine does; "
            f"they say where the time goes, not how long it takes. Simulated caches: {counts.get('caches', '?')} "
            f"({counts.get('tool', 'valgrind')}).",
            "",
        )
        labels = {"floor": "floor", "clockwork_delay": "clockwork `delay`", "clockwork_delay_token": "`delay` + stop token",
                  "clockwork_periodic_timer": "`periodic_timer`"}
        rows = []
        floor_ir = {}
        for row in counts["rows"]:
            if row["contender"] == "floor" and row["events"]:
                floor_ir[row["timers"]] = row["Ir"] / row["events"]
        for row in counts["rows"]:
            ev = row["events"] or 1
            ir = row["Ir"] / ev
            base = floor_ir.get(row["timers"])
            rows.append([f"{row['timers']:,}", labels.get(row["contender"], row["contender"]), f"{row['events']:,}",
                         f"{ir:,.0f}", fmt_ratio(ratio(ir, base)) if base else "–",
                         f"{(row['D1mr'] + row['D1mw']) / ev:.2f}", f"{(row['DLmr'] + row['DLmw']) / ev:.2f}"])
        self.add(table(["timers", "contender", "events counted", "instructions / event", "÷ floor",
                        "L1 data misses / event", "last-level misses / event"], rows), "")

    # -- 2. DailyLog --------------------------------------------------------------------------
    DAILY_TARGET = "DailyLog, 1,000 users over a simulated year (no numeric target: reported)"

    def dailylog(self):
        r = self.res
        full, idle = "daily_log", "daily_log_idle"
        self.add("## 2. DailyLog, 1,000 users over a simulated year", "")
        names = [f"{w}/{c}" for w in (full, idle) for c in ("clockwork", "baseline")]
        errors = [(n, r.error(n)) for n in names if r.error(n)]
        if not r.has(f"{full}/clockwork") or not r.has(f"{full}/baseline"):
            why = "; ".join(f"`{n}`: {e}" for n, e in errors) or "`clockwork-bench-daily-log` has no results in this run"
            self.add(f"**Not measured**: {why}.", "")
            self.target(self.DAILY_TARGET, "not measured", None)
            return
        users = int(r.value(f"{full}/clockwork", "users") or 0)
        active = int(r.value(f"{full}/clockwork", "active_users") or 0)
        days = int(r.value(f"{full}/clockwork", "days") or 0)
        warmup = int(r.value(f"{full}/clockwork", "warmup_days") or 0)
        years = int(r.value(f"{idle}/clockwork", "iterations_averaged") or 0)
        reps = self.run.get("repetitions", {}).get("daily-log", "?")
        self.add(
            f"The DailyLog maintenance service (`scenarios/daily_log`) on a host on `virtual_runtime`, assembled as "
            "`run_daily_log_demo` assembles it: in-memory repositories on one store, the trace as the runtime's "
            f"observer (timers off) with the logs written into it. {users:,} users, every tenth inactive "
            f"({active:,} active); the service's schedule (first run after 1 min, then 6 h after each run, today + 6 "
            f"days); {days} simulated days, then a graceful stop. **No faults injected** (the demo's scripted faults "
            "would make the work depend on the script).",
            "",
            "The **baseline** does the same repository work on an identically seeded store: per run one unit of work, "
            "`get_all_active`, `exists` (and `add` when missing) for each active user and each of the 7 days, "
            "`commit`, through the same in-memory repositories and the same domain code. The repositories are "
            "coroutines that take a runtime (their fault plan reads its clock), so a loop without any runtime cannot "
            "call them: the baseline runs the whole year as one coroutine under a single `block_on` on a "
            "`virtual_runtime` (watchdog off) — no host, service, scope, service provider, timer, trace or logger, "
            "and each run's date computed from the schedule. Within a run both sides complete every call by "
            "symmetric transfer; the difference is the machinery around the runs.",
            "",
            f"Each contender first gets a {warmup}-day warm-up run (excluded) and starts the measured one from a "
            f"trimmed heap; store seeding and the consistency check are outside the timed region. {reps} repetitions "
            f"in random interleaved order. *Idle* is the same schedule with every user inactive (each run loads the "
            f"users, finds none active and commits nothing), {years} years averaged per repetition: what remains is "
            "the per-run cost of the machinery. Source: `bench/daily_log_bench.cpp`.",
            "",
        )
        header = ["workload", "contender", "wall time", "÷ baseline", "CPU time", "÷ baseline", "timers fired",
                  "resumptions", "runs", "repository calls", "simulated s per real s"]
        rows = []
        labels = {"clockwork": "clockwork: host + service on virtual_runtime", "baseline": "baseline: the same calls, one coroutine"}
        walls, cpus = {}, {}
        for w, wlabel in ((full, f"{active:,} active users"), (idle, "idle (no active user)")):
            base = r.spread(f"{w}/baseline", "wall_s")
            base_cpu = r.spread(f"{w}/baseline", "cpu_s")
            for c in ("clockwork", "baseline"):
                name = f"{w}/{c}"
                if not r.has(name):
                    err = r.error(name)
                    rows.append([wlabel, labels[c], f"error: {err}" if err else "not run"] + [""] * (len(header) - 3))
                    continue
                wall = r.spread(name, "wall_s")
                cpu = r.spread(name, "cpu_s")
                walls[name] = wall
                cpus[name] = cpu
                rate = r.spread(name, "sim_s_per_real_s")
                rate_s = fmt_spread(rate, COUNT_UNITS)
                if c == "baseline":
                    rate_s += " (equivalent)"
                rows.append([wlabel, labels[c], fmt_spread(scale3(wall, 1e9), TIME_UNITS), fmt_ratio(ratio(med(wall), med(base))),
                             fmt_spread(scale3(cpu, 1e9), TIME_UNITS), fmt_ratio(ratio(med(cpu), med(base_cpu))),
                             fmt_count(r.value(name, "timers_fired")), fmt_count(r.value(name, "resumptions")),
                             fmt_count(r.value(name, "runs")), fmt_count(r.value(name, "repository_calls")), rate_s])
        self.add(table(header, rows), "")
        self.add("*Timers fired*: the timers the runtime reported to its observer (the service's waits and the "
                 "host's stop deadline). *Resumptions*: `virtual_runtime::total_steps()` over the run — coroutine "
                 "resumptions and posted callbacks. *Repository calls*: every call the store's fault plan counted. "
                 "For the baseline, *simulated s per real s* is the span of service time whose work it did, per real "
                 "second. *CPU time*: the process's CPU time over the same region (one thread), which preemption by other "
                 "processes does not inflate. *÷ baseline* divides the medians.", "")

        cw, bl = med(walls.get(f"{full}/clockwork")), med(walls.get(f"{full}/baseline"))
        icw, ibl = med(walls.get(f"{idle}/clockwork")), med(walls.get(f"{idle}/baseline"))
        runs = r.value(f"{full}/clockwork", "runs") or 0
        irun = r.value(f"{idle}/clockwork", "runs") or 0
        lines = []
        if cw is not None and bl is not None:
            lo_c, hi_c = walls[f"{full}/clockwork"][1:]
            lo_b, hi_b = walls[f"{full}/baseline"][1:]
            overlap = lo_c <= hi_b and lo_b <= hi_c
            cc, cb = med(cpus.get(f"{full}/clockwork")), med(cpus.get(f"{full}/baseline"))
            cpu_part = ""
            if cc is not None and cb is not None:
                cpu_part = f" (CPU time: {fmt(cc * 1e9, TIME_UNITS)} against {fmt(cb * 1e9, TIME_UNITS)}, {fmt_ratio(ratio(cc, cb))})"
            lines.append(
                f"Full workload: clockwork {fmt(cw * 1e9, TIME_UNITS)} against {fmt(bl * 1e9, TIME_UNITS)} for the same "
                f"work alone, {fmt_ratio(ratio(cw, bl))}, a difference of {fmt((cw - bl) * 1e9, TIME_UNITS)}{cpu_part} "
                + ("— inside the spread of the repetitions (their min–max ranges overlap): not resolved at this size."
                   if overlap else "— outside the spread of the repetitions, but see the idle row: the machinery "
                   "accounts for little of it, and differences of a few per cent between the two come and go from one "
                   "run of the program to the next on this machine (heap layout, outside load)."))
        if icw is not None and ibl is not None and irun:
            per_run = (icw - ibl) / irun
            line = (f"Machinery alone (idle): {fmt(icw / irun * 1e9, TIME_UNITS)} per run with the host against "
                    f"{fmt(ibl / irun * 1e9, TIME_UNITS)} without, so **{fmt(per_run * 1e9, TIME_UNITS)} per run** for the "
                    "host, its scope and service provider, the log record, the trace and the timer that wakes the service")
            if cw and runs:
                year = per_run * runs
                line += (f"; over the {int(runs):,} runs of the full year that is {fmt(year * 1e9, TIME_UNITS)}, "
                         f"{100.0 * year / cw:.2g}% of its wall time")
            lines.append(line + ".")
        per_call = med(r.spread(f"{full}/baseline", "ns_per_repository_call"))
        if per_call is not None:
            lines.append(f"The work itself: {fmt(per_call, TIME_UNITS)} per repository call in the baseline — the "
                         "in-memory fakes (each call formats its description for the fault plan, counts itself, and "
                         "looks the log up in a `std::map` of several hundred thousand rows) dominate both contenders.")
        self.add(*[f"- {l}" for l in lines])
        self.add("")
        self.load_line("daily-log")

        checks = []
        fields = ("runs", "get_all_active_calls", "exists_calls", "add_calls", "commit_calls", "logs")
        for w, wlabel in ((full, "full workload"), (idle, "idle")):
            a, b = f"{w}/clockwork", f"{w}/baseline"
            if not (r.has(a) and r.has(b)):
                continue
            va = {f: r.value(a, f) for f in fields}
            vb = {f: r.value(b, f) for f in fields}
            same = all(va[f] == vb[f] for f in fields)
            expected = all(r.value(n, "as_expected", "min") == 1 for n in (a, b))
            consistent = all(r.value(n, "consistent", "min") == 1 for n in (a, b))
            checks.append(
                f"{wlabel}: {'identical' if same else 'DIFFERENT'} work for both contenders — "
                f"{int(va['runs'] or 0):,} runs, {int(va['get_all_active_calls'] or 0):,} `get_all_active`, "
                f"{int(va['exists_calls'] or 0):,} `exists`, {int(va['add_calls'] or 0):,} `add`, "
                f"{int(va['commit_calls'] or 0):,} `commit`; {int(va['logs'] or 0):,} logs in the store")
            checks.append(
                f"{wlabel}: every repetition of both {'did' if expected else 'did NOT do'} exactly what the schedule "
                f"implies, and the store {'passed' if consistent else 'FAILED'} `check_daily_logs` (one log per active "
                "user and day with that day's target, none for inactive users, nothing staged)")
        self.add("Consistency checks (same work on both sides):", "")
        self.add(*[f"- {c}" for c in checks])
        self.add("")

        if cw is not None:
            rate = med(r.spread(f"{full}/clockwork", "sim_s_per_real_s"))
            measured = (f"{fmt(cw * 1e9, TIME_UNITS)} wall, {fmt_count(r.value(f'{full}/clockwork', 'timers_fired'))} timers, "
                        f"{fmt(rate, COUNT_UNITS)} simulated s per real s; {fmt_ratio(ratio(cw, bl))} the same work without the host")
            if icw is not None and ibl is not None and irun:
                measured += f" (machinery {fmt((icw - ibl) / irun * 1e9, TIME_UNITS)} per run)"
            self.target(self.DAILY_TARGET, measured, "reported")

    # -- 3. lateness --------------------------------------------------------------------------
    def lateness(self, chart, svg_dir):
        r = self.res
        names = [n for n in LATENESS_ORDER if r.has(f"lateness/{n}")]
        if not names:
            return
        ticks = r.value(f"lateness/{names[0]}", "ticks")
        reps = self.run.get("repetitions", {}).get("real-lateness", "?")
        self.add(
            "## 3. Real wake-up lateness, 1 ms period",
            "",
            f"Each contender sleeps to phase-aligned absolute deadlines (origin + k·1 ms), {int(ticks or 0):,} ticks per repetition "
            f"after 200 discarded warm-up ticks, {reps} repetitions in random interleaved order; lateness is the "
            "wake-up instant (one `steady_clock` read, same code for all) minus the deadline. Every contender starts "
            "from the kernel's default timer slack; the floor sets 1 ns itself, real_runtime sets 1 ns on its loop "
            "thread. Sources: `bench/real_lateness_bench.cpp`, `bench/real_contenders.hpp`.",
            "",
        )
        base = r.spread("lateness/nanosleep_slack1", "p99_ns")
        rows = []
        for n in names:
            p99 = r.spread(f"lateness/{n}", "p99_ns")
            rows.append([LABELS[n], fmt_spread(r.spread(f"lateness/{n}", "p50_ns"), TIME_UNITS),
                         fmt_spread(r.spread(f"lateness/{n}", "p90_ns"), TIME_UNITS), fmt_spread(p99, TIME_UNITS),
                         fmt_spread(r.spread(f"lateness/{n}", "max_ns"), TIME_UNITS), fmt_ratio(ratio(med(p99), med(base)))])
        self.add(table(["contender", "p50", "p90", "p99", "max", "p99 ÷ floor p99"], rows), "")
        self.spurious_cancellations("lateness", names)
        self.load_line("real-lateness")
        if chart and bench_charts.draw_lateness(chart, os.path.join(svg_dir, "bench-lateness.svg")):
            self.add(f"![Lateness distribution per contender]({self.svg_rel}/bench-lateness.svg)", "")
        for n in ("clockwork_delay", "clockwork_periodic"):
            p99 = med(r.spread(f"lateness/{n}", "p99_ns"))
            rt = ratio(p99, med(base))
            if p99 is not None:
                self.target(f"Real time: p99 lateness ≤ 1.2× raw clock_nanosleep (slack 1 ns) — {LABELS[n]}",
                            f"{fmt(p99, TIME_UNITS)} vs {fmt(med(base), TIME_UNITS)}: {fmt_ratio(rt)}", rt is not None and rt <= 1.2)

    # -- 4. drift -----------------------------------------------------------------------------
    def drift(self, chart, svg_dir):
        r = self.res
        names = [n for n in DRIFT_ORDER if r.has(f"drift/{n}")]
        if not names:
            return
        ticks = int(r.value(f"drift/{names[0]}", "ticks") or 0)
        reps = self.run.get("repetitions", {}).get("drift", "?")
        self.add(
            "## 4. Drift: 10,000 ticks at 1 ms with 200 µs of busy work per tick",
            "",
            f"Drift of a tick is its wake-up instant minus the ideal grid point it stands for; {ticks:,} ticks per "
            f"repetition, {reps} repetitions. *Growth* is the median drift of the last 1,000 ticks minus that of the "
            "first 1,000; it *grows* when that exceeds 100 µs (a tenth of the period). The `while { work; delay }` loops "
            "drift by design (each wait starts after the work); they are here to show what phase alignment saves. "
            "Sources: `bench/drift_bench.cpp`, `bench/real_contenders.hpp`.",
            "",
        )
        rows = []
        for n in names:
            growth = r.spread(f"drift/{n}", "growth_ns")
            grows = med(growth) is not None and med(growth) > 100e3
            co = med(r.spread(f"drift/{n}", "coalesced"))
            rows.append([LABELS[n], fmt_spread(r.spread(f"drift/{n}", "drift_1k_ns"), TIME_UNITS),
                         fmt_spread(r.spread(f"drift/{n}", "drift_5k_ns"), TIME_UNITS),
                         fmt_spread(r.spread(f"drift/{n}", "drift_10k_ns"), TIME_UNITS), fmt_spread(growth, TIME_UNITS),
                         fmt(med(r.spread(f"drift/{n}", "slope_ns_per_tick")), TIME_UNITS) + "/tick",
                         "—" if co is None or n in ("clockwork_delay", "asio_relative") else f"{int(co)}",
                         "yes" if grows else "no"])
        self.add(table(["contender", "drift @ 1k", "@ 5k", "@ 10k", "growth", "slope", "ticks coalesced", "grows?"], rows), "")
        self.add("*Ticks coalesced*: grid points a periodic timer folded into the next tick because the thread woke more "
                 "than a period late (.NET's semantics; the multi-millisecond stalls in the max column of section 3). "
                 "asio's absolute loop fires each missed deadline at once instead, in a burst.", "")
        self.spurious_cancellations("drift", names)
        self.load_line("drift")
        if chart and bench_charts.draw_drift(chart, os.path.join(svg_dir, "bench-drift.svg")):
            self.add(f"![Drift over ticks per contender]({self.svg_rel}/bench-drift.svg)", "")
        if r.has("drift/clockwork_periodic"):
            g = r.spread("drift/clockwork_periodic", "growth_ns")
            d10 = r.spread("drift/clockwork_periodic", "drift_10k_ns")
            self.target("Real time: periodic_timer drift does not grow with tick count",
                        f"growth {fmt(med(g), TIME_UNITS)}, drift @ 10k {fmt(med(d10), TIME_UNITS)}",
                        med(g) is not None and med(g) <= 100e3)

    # -- 5. overhead --------------------------------------------------------------------------
    def overhead(self):
        r = self.res
        self.add("## 5. Overhead", "", "Sources: `bench/overhead_bench.cpp`, `bench/memory_bench.cpp`.", "")
        self.load_line("overhead", "memory")

        zero = [("clockwork_real", "clockwork real_runtime `co_await rt.delay(0ns)`"),
                ("asio_timer", "asio steady_timer, zero expiry, `async_wait`"),
                ("clockwork_real_yield", "clockwork real_runtime `co_await rt.yield()` (reference)"),
                ("asio_post", "asio `co_await asio::post(io, use_awaitable)` (reference)"),
                ("clockwork_virtual", "clockwork virtual_runtime `co_await rt.delay(0ns)` (reference)")]
        rows = []
        asio_t = med(r.spread("zero_delay/asio_timer", "ns_per_op"))
        for key, label in zero:
            t = r.spread(f"zero_delay/{key}", "ns_per_op")
            if t is None:
                continue
            rows.append([label, fmt_spread(t, TIME_UNITS), fmt_ratio(ratio(asio_t, med(t)))])
        self.add("### Zero-delay wait", "", "Time per completed wait, one coroutine awaiting in a loop.", "")
        self.add(table(["operation", "per wait", "asio zero-expiry timer ÷ this"], rows), "")
        zr = med(r.spread("zero_delay/clockwork_real", "ns_per_op"))
        if zr is not None:
            self.target("Real time: zero-delay wait < 1 µs", f"{fmt(zr, TIME_UNITS)} (asio: {fmt(asio_t, TIME_UNITS)}, {fmt_ratio(ratio(asio_t, zr))} slower)",
                        zr < 1000)

        rows = []
        base = med(r.spread("cpu_per_tick/nanosleep_slack1", "cpu_ns_per_tick"))
        for key in ("nanosleep_slack1", "timerfd", "asio", "clockwork_delay", "clockwork_periodic"):
            t = r.spread(f"cpu_per_tick/{key}", "cpu_ns_per_tick")
            if t is None:
                continue
            rows.append([LABELS[key], fmt_spread(t, TIME_UNITS), fmt_ratio(ratio(med(t), base))])
        self.add("### CPU per tick", "",
                 "Process CPU time (user + system, every thread) per 1 ms tick over 2,000 ticks: the cost of one "
                 "kernel wake-up plus the contender's own bookkeeping.", "")
        self.add(table(["contender", "CPU per tick", "÷ clock_nanosleep"], rows), "")
        self.spurious_cancellations("cpu_per_tick", ["nanosleep_slack1", "timerfd", "asio", "clockwork_delay", "clockwork_periodic"])

        rows = []
        for key, label in (("floor", "floor: bare coroutine + priority_queue entry"), ("clockwork_real", "clockwork real_runtime"),
                           ("clockwork_virtual", "clockwork virtual_runtime"), ("asio", "asio awaitable + own steady_timer")):
            rss = r.spread(f"memory/{key}", "rss_bytes")
            heap = r.spread(f"memory/{key}", "heap_bytes")
            if rss is None:
                continue
            rows.append([label, fmt_spread(rss, BYTE_UNITS), fmt_spread(heap, BYTE_UNITS)])
        n_mem = r.value("memory/floor", "services")
        self.add("### Memory per idle service", "",
                 f"{int(n_mem or 0):,} coroutines parked on a 24 h delay with a stop token; growth divided by the count. "
                 "RSS from `/proc/self/statm`; heap from `mallinfo2()` (all of malloc, as a cross-check).", "")
        self.add(table(["contender", "RSS per service", "heap per service"], rows), "")
        mem = med(r.spread("memory/clockwork_real", "rss_bytes")) or med(r.spread("memory/clockwork_virtual", "rss_bytes"))
        if mem is not None:
            self.target("Idle service ≤ 1 KiB", f"{fmt(mem, BYTE_UNITS)} RSS per service", mem <= 1024)

        sizes = sorted({int(n.split("/")[-1]) for n in r.rows if n.startswith("spawn_stop/")})
        rows = []
        for n in sizes:
            for key, label in (("clockwork_real", "clockwork real_runtime"),
                               ("clockwork_real_try_delay", "clockwork real_runtime, waiters on `try_delay` (no exception)"),
                               ("clockwork_real_two_throws", "clockwork real_runtime, waiters under a wrapper that rethrows: two throws each"),
                               ("clockwork_real_wrapped", "clockwork real_runtime, waiters under a wrapper that settles: one throw each"),
                               ("clockwork_virtual", "clockwork virtual_runtime"), ("asio", "asio")):
                name = f"spawn_stop/{key}/{n}"
                if not r.has(name):
                    continue
                rows.append([f"{n:,}", label,
                             fmt_spread(scale3(r.spread(name, "total_ms"), 1e6), TIME_UNITS),
                             fmt_spread(scale3(r.spread(name, "spawn_park_ms"), 1e6), TIME_UNITS),
                             fmt_spread(scale3(r.spread(name, "stop_to_exit_ms"), 1e6), TIME_UNITS),
                             fmt_spread(scale3(r.spread(name, "request_stop_ms"), 1e6), TIME_UNITS),
                             fmt(med(r.spread(name, "ns_per_waiter")), TIME_UNITS)])
        self.add("### Spawn + stop, and cancellation latency", "",
                 "N coroutines that wait on a stop token are spawned and run until parked; stop is requested on the loop "
                 "thread; the loop runs until every one has exited. In the `delay` rows each waiter ends by letting the "
                 "cancellation exception propagate, as a service written with `delay` does; in the `try_delay` row the "
                 "wait answers `false` and the waiter returns, with no exception. The two *wrapper* rows put each "
                 "waiter under one more coroutine that awaits it. One is the code before: the wrapper rethrows the "
                 "waiter's exception (two throws per waiter, as the spawn wrapper did before it took the child's "
                 "`exception_ptr`) and the waiter throws as the wait did before its `await_resume` was inlined (from "
                 "a frame of its own, which the unwinder passes twice). The other settles today's waiter (one throw). "
                 "Their difference is what the spawn wrapper and the wait no longer pay, and *before* in the targets "
                 "is the `delay` row plus that difference: the same runtime paying the old exception path again (the "
                 "runtime before was slower in other ways too, so the ratios are if anything pessimistic). "
                 "*stop → all exited* is the cancellation latency.", "")
        self.add(table(["N", "runtime", "spawn → all exited", "spawn → all parked", "stop → all exited", "inside request_stop", "per coroutine"], rows), "")
        ref = [(label, r.spread(f"reference/{key}", "ns_per_op")) for key, label in
               (("throw_catch", "`throw operation_canceled` + catch"), ("rethrow_catch", "`std::rethrow_exception` + catch"))]
        if any(t is not None for _, t in ref):
            self.add("Reference, the price of one exception on this machine (cancellation reaches a waiter as one):", "")
            self.add(table(["operation", "time"], [[label, fmt_spread(t, TIME_UNITS)] for label, t in ref if t is not None]), "")
        big = med(r.spread("spawn_stop/clockwork_real/100000", "total_ms"))
        if big is not None:
            self.target("100k coroutines: start + stop < 1 s", f"{fmt(big * 1e6, TIME_UNITS)}", big < 1000)
        lat = med(r.spread("spawn_stop/clockwork_real/10000", "stop_to_exit_ms"))
        if lat is not None:
            asio_lat = med(r.spread("spawn_stop/asio/10000", "stop_to_exit_ms"))
            self.target("10k waiters: stop → all exited < 10 ms", f"{fmt(lat * 1e6, TIME_UNITS)} (asio: {fmt(None if asio_lat is None else asio_lat * 1e6, TIME_UNITS)})",
                        lat < 10)
        before = stop_before(r, 10000)
        quiet = med(r.spread("spawn_stop/clockwork_real_try_delay/10000", "stop_to_exit_ms"))
        if lat is not None and before:
            self.target("10k throwing waiters: stop → all exited ≤ 0.5× before (two throws each)",
                        f"{fmt(lat * 1e6, TIME_UNITS)} ÷ {fmt(before * 1e6, TIME_UNITS)} = {lat / before:.2f}×", lat <= 0.5 * before)
        if quiet is not None and before:
            self.target("10k `try_delay` waiters: stop → all exited ≤ 0.05× before (two throws each)",
                        f"{fmt(quiet * 1e6, TIME_UNITS)} ÷ {fmt(before * 1e6, TIME_UNITS)} = {quiet / before:.3f}×", quiet <= 0.05 * before)

    # -- 6. cron ------------------------------------------------------------------------------
    CRON_CASES = [
        ("every_5_minutes", "*/5 * * * *", "cronos5", "UTC", True),
        ("daily_midnight", "0 0 * * *", "cronos5", "UTC", True),
        ("daily_0230_berlin", "0 30 2 * * *", "cronos6", "Europe/Berlin", True),
        ("quartz_last_day", "0 0 0 L * ?", "quartz", "UTC", True),
        ("feb29_monday", "0 0 0 29 2 MON", "cronos6", "UTC", False),
        ("impossible_feb30", "0 0 0 30 2 *", "cronos6", "UTC", False),
    ]

    def cron(self, cron_peer):
        r = self.res
        self.cron_peer = cron_peer
        cases = [c for c in self.CRON_CASES if r.has(f"cron/clockwork/{c[0]}")]
        if not cases:
            return
        peers = {}
        for item in (cron_peer or {}).get("results", []):
            _, lib, case = item["name"].split("/")
            if "ns_per_next" in item:
                ns = sorted(item["ns_per_next"])
                item["_triple"] = (statistics.median(ns), ns[0], ns[-1])
            peers[(lib, case)] = item
        reps = self.run.get("repetitions", {}).get("cron", "?")
        self.add(
            "## 6. Cron: one `next()` from an arbitrary instant",
            "",
            "Time per `cron::schedule::next()` call, each from the next of 1,024 start instants spread over 2020–2029 "
            "(the same xorshift32 sequence in every contender, `bench/cron_workload.hpp`); expression parsed once. "
            "The *naive scan* tries every second after the start through the zone (`bench/cron_bench.cpp`): the floor "
            "a field-by-field search must beat, run only where it ends within weeks. The npm peers (`bench/cron_peer.js`) "
            "parse once and are asked the same questions: cron-parser (`reset(from)` then `next()`) and croner "
            f"(`nextRun(from)`, with `domAndDow`). {reps} repetitions each. *Same answers*: the contender's checksum of its "
            "1,024 answers equals clockwork's.",
            "",
        )
        header = ["expression", "dialect", "zone", "clockwork", "naive scan", "scan ÷ clockwork", "cron-parser", "croner",
                  "fastest peer ÷ clockwork", "same answers as clockwork"]
        rows = []
        worst = None
        typical_ratios = []
        for name, text, dialect, zone, typical in cases:
            cw = scale3(r.spread(f"cron/clockwork/{name}", "seconds_per_next"), 1e9)
            scan = scale3(r.spread(f"cron/naive_scan/{name}", "seconds_per_next"), 1e9)
            cw_sum = r.value(f"cron/clockwork/{name}", "checksum")
            cells, same, fastest, fastest_lib = [], [], None, None
            for lib in ("cron-parser", "croner"):
                item = peers.get((lib, name))
                if item is None:
                    cells.append("not run")
                elif "refused" in item:
                    cells.append(f"refused: {item['refused']}")
                else:
                    cells.append(fmt_spread(item["_triple"], TIME_UNITS))
                    if fastest is None or item["_triple"][0] < fastest:
                        fastest, fastest_lib = item["_triple"][0], lib
                    if cw_sum is not None and int(round(cw_sum)) == int(item["checksum"]):
                        same.append(lib)
            if scan is not None:
                scan_sum = r.value(f"cron/naive_scan/{name}", "checksum")
                if cw_sum is not None and scan_sum is not None and int(round(cw_sum)) == int(round(scan_sum)):
                    same.append("naive scan")
            rt = ratio(fastest, med(cw))
            if typical and rt is not None:
                typical_ratios.append((name, rt))
            if med(cw) is not None and (worst is None or med(cw) > worst[1]):
                worst = (name, med(cw))
            rows.append([f"`{text}`", dialect, zone, fmt_spread(cw, TIME_UNITS), fmt_spread(scan, TIME_UNITS) if scan else "—",
                         fmt_ratio(ratio(med(scan), med(cw))), cells[0], cells[1],
                         f"{fmt_ratio(rt)} ({fastest_lib})" if rt is not None else "—", ", ".join(same) or "—"])
        self.add(table(header, rows), "")
        self.add("Different answers are different policies, not errors: in Europe/Berlin cron-parser moves a 02:30 "
                 "that falls in the spring gap to 03:30 (Quartz's delta shift) where clockwork's default policy and "
                 "croner run it at 03:00; the naive scan skips it. For `0 0 0 29 2 MON` cron-parser ORs the day fields "
                 "(any Monday in February, or the 29th) and answers an easier question. It refuses `0 0 0 30 2 *` when "
                 "parsing; croner searches until it gives up.", "")
        self.load_line("cron", "cron-peers")
        if worst is not None:
            self.target("Cron: no expression slower than 10 µs per `next()`", f"slowest: {worst[0]} {fmt(worst[1], TIME_UNITS)}",
                        worst[1] <= 10e3)
        if typical_ratios:
            low = min(x for _, x in typical_ratios)
            self.target("Cron: ≥ 10× the fastest JS peer on typical expressions",
                        ", ".join(f"{n}: {fmt_ratio(x)}" for n, x in typical_ratios), low >= 10.0)
        elif cron_peer is None:
            self.target("Cron: ≥ 10× the fastest JS peer on typical expressions", "peers not run (no Node.js)", None)

    # -- assembly -----------------------------------------------------------------------------
    # -- 7. recurring jobs ---------------------------------------------------------------------
    def recurring(self):
        r = self.res
        if not r.has("recurring/minutely_cron_job_for_a_year"):
            return
        reps = self.run.get("repetitions", {}).get("recurring", "?")
        job = r.spread("recurring/minutely_cron_job_for_a_year", "real_time")
        floor = r.spread("recurring/floor_plain_delays", "real_time")
        job_rate = r.spread("recurring/minutely_cron_job_for_a_year", "runs_per_s")
        floor_rate = r.spread("recurring/floor_plain_delays", "runs_per_s")
        runs = r.value("recurring/minutely_cron_job_for_a_year", "runs")
        self.add(
            "## 7. A recurring job for a simulated year",
            "",
            "A `recurring_job` on `* * * * *` (a run every minute) for a simulated year on virtual time, against the "
            "floor: a loop of plain `delay`s with the same runs and no cron, no retry policy and no bookkeeping "
            f"(`bench/recurring_job_bench.cpp`). {reps} repetitions; wall time per simulated year.",
            "",
        )
        rows = [["recurring_job, `* * * * *`", fmt_spread(scale3(job, 1e6), TIME_UNITS), fmt_spread(job_rate, RATE_UNITS)],
                ["floor: plain delays", fmt_spread(scale3(floor, 1e6), TIME_UNITS), fmt_spread(floor_rate, RATE_UNITS)]]
        self.add(table(["contender", "wall time per simulated year", "runs per real second"], rows), "")
        self.add(f"{fmt_count(runs or 0)} runs a year; the job costs {fmt_ratio(ratio(med(job), med(floor)))} the floor: "
                 "each run also computes the next occurrence through the zone, keeps the run's record and arms its "
                 "timer through the retry policy.", "")
        self.load_line("recurring-job")
        self.target("Recurring job, a minutely cron for a simulated year (no numeric target: reported)",
                    f"{fmt(med(scale3(job, 1e6)), TIME_UNITS)} wall, {fmt_ratio(ratio(med(job), med(floor)))} the plain-delay floor",
                    "reported")

    # -- 8. exploration -------------------------------------------------------------------------
    EXPLORE_CASES = [
        ("daily_log_no_faults", "no fault injected (the floor)"),
        ("daily_log_faults", "faults on (DailyLog's chaos)"),
        ("daily_log_faults_two_threads", "faults on, on two threads (`explore_options::jobs = 2`, `--jobs 2`)"),
        ("daily_log_faults_debug_logs", "faults on, every debug line logged (`--log-level debug`)"),
        ("daily_log_faults_10pct_twice", "faults on, 10% of seeds run twice (the default)"),
        ("daily_log_faults_every_seed_twice", "faults on, every seed run twice"),
    ]

    def explore(self):
        r = self.res
        cases = [c for c in self.EXPLORE_CASES if r.has(f"explore/{c[0]}")]
        if not cases:
            return
        reps = self.run.get("repetitions", {}).get("explore", "?")
        self.add(
            "## 8. Exploration: seeds per second",
            "",
            "`clockwork::testing::explore` on the DailyLog service (100 users, 30 simulated days, a run every 6 hours: "
            "about 84,000 repository calls per seed, each a fault site) with no shrinking; one thread but where a "
            "row says two (each thread then explores as many seeds an iteration as one does alone). The CPU time is "
            "the whole process's (every thread's) per seed: it moves less than wall time on a shared machine. The scenario "
            "logs from info up, as production would (`scenario::log_level`); one row records every debug line too "
            f"(a line per log created). Each iteration explores 20 new seeds (`bench/explore_bench.cpp`). "
            f"{reps} repetitions.",
            "",
        )
        base = med(r.spread("explore/daily_log_no_faults", "seeds_per_s"))
        rows = []
        for name, label in cases:
            rate = r.spread(f"explore/{name}", "seeds_per_s")
            faults = r.value(f"explore/{name}", "faults_per_seed")
            cpu = r.value(f"explore/{name}", "cpu_ms_per_seed")
            rows.append([label, fmt_spread(rate, RATE_UNITS), fmt_ratio(ratio(med(rate), base)),
                         sig(faults) if faults is not None else "—",
                         fmt(cpu * 1e6, TIME_UNITS) if cpu is not None else "—"])
        self.add(table(["exploration", "seeds per second", "÷ no faults", "faults per seed", "CPU time per seed"],
                       rows), "")
        kept = r.value("explore/memory_per_seed", "trace_bytes_kept")
        growth = r.value("explore/memory_per_seed", "rss_growth_MiB")
        if kept is not None:
            self.add(f"Memory: a passing seed keeps {fmt(kept, BYTE_UNITS)} of trace; the resident set grew by "
                     f"{sig(growth or 0.0)} MiB over all the seeds of that benchmark (failing seeds keep their trace, "
                     "the first 20 of them: `explore_options::failing_runs_kept`).", "")
        self.load_line("explore")
        faults = med(r.spread("explore/daily_log_faults", "seeds_per_s"))
        if faults is not None:
            self.target("Exploration, DailyLog (30 days, 100 users) with faults on: ≥ 400 seeds/s on one core",
                        f"{fmt(faults, RATE_UNITS)}", faults >= 400)
        two = med(r.spread("explore/daily_log_faults_two_threads", "seeds_per_s"))
        if faults is not None and two is not None:
            self.target("Exploration on two threads (`--jobs 2`) on this 2-core machine: ≥ 1.8× one thread",
                        f"{fmt(two, RATE_UNITS)}, {fmt_ratio(ratio(two, faults))} one thread", two >= 1.8 * faults)
        twice = med(r.spread("explore/daily_log_faults_every_seed_twice", "seeds_per_s"))
        if faults is not None and twice is not None:
            self.target("Exploration: the cost of running every seed twice (no numeric target: reported)",
                        f"{fmt(twice, RATE_UNITS)}, {fmt_ratio(ratio(twice, faults))} of single runs", "reported")

    # -- 9. durable jobs -----------------------------------------------------------------------
    JOBS_FLOOR_TARGET = "Durable jobs, SQLite: enqueue → claim → complete ≥ 0.8× the bare SQL floor (1 and 4 workers)"
    JOBS_SAME_TARGET = "Durable jobs, SQLite: due → start p99 ≤ 10 ms, worker in the enqueueing process"
    JOBS_OTHER_TARGET = "Durable jobs, SQLite: due → start p99 ≤ 50 ms across processes"
    JOBS_SIM_TARGET = "Durable jobs, simulated store: jobs per second in virtual time (no numeric target: reported)"
    JOBS_MODES = [("", "default (`synchronous = NORMAL`)"), ("_flushed", "every commit flushed (`synchronous = FULL`)")]

    def jobs(self):
        r = self.res
        names = [n for n in r.rows if n.startswith("jobs_sqlite/") or n.startswith("jobs_simulated/")]
        reps = self.run.get("repetitions", {})
        self.add("## 9. Durable jobs", "")
        if not names:
            self.add("**Not measured**: `clockwork-bench-jobs-sqlite` and `clockwork-bench-jobs-simulated` have no "
                     "results in this run.", "")
            for text in (self.JOBS_FLOOR_TARGET, self.JOBS_SAME_TARGET, self.JOBS_OTHER_TARGET, self.JOBS_SIM_TARGET):
                self.target(text, "not measured", None)
            return
        self.add("The SQLite job store on the real clock, each repetition on a fresh file in the temporary folder "
                 f"(`bench/jobs_sqlite_bench.cpp`, {reps.get('jobs-sqlite', '?')} repetitions in random interleaved "
                 "order), and the simulated store in virtual time (`bench/jobs_simulated_bench.cpp`, "
                 f"{reps.get('jobs-simulated', '?')} repetitions).", "")

        cell = self.cell
        # Throughput against the floor.
        jobs = r.value("jobs_sqlite/store/workers:1", "jobs") or r.value("jobs_sqlite/floor/workers:1", "jobs")
        self.add("### SQLite: enqueue → claim → complete, against the same writes as bare SQL", "",
                 f"{fmt_count(jobs) if jobs else 'N'} jobs enqueued in batches of 100, then W workers, each with a "
                 "connection of its own, claim one job at a time and complete it until none is left. The store's "
                 "workers are store objects on one `real_runtime` (calls on its offload pool). The *floor* makes the "
                 "same writes as bare SQL on W threads (the same statements, history rows and totals, one `BEGIN "
                 "IMMEDIATE` transaction per enqueue batch, claim and completion) on the same schema and pragmas: "
                 "what the store adds over it is its machinery (coroutines, the offload pool, reading rows into "
                 "values). Jobs per second of the whole run.", "")
        rows = []
        ratios = []  # (label, ratio or None)
        for mode, label in self.JOBS_MODES:
            for w in (1, 4):
                floor_name, store_name = f"jobs_sqlite/floor{mode}/workers:{w}", f"jobs_sqlite/store{mode}/workers:{w}"
                rt = ratio(med(r.spread(store_name, "jobs_per_s")), med(r.spread(floor_name, "jobs_per_s")))
                if r.error(floor_name) or r.error(store_name):
                    rt = None
                ratios.append((f"{w} worker{'s' if w > 1 else ''}{', flushed' if mode else ''}", rt))
                rows.append([label, w, cell(floor_name, "jobs_per_s", RATE_UNITS), cell(store_name, "jobs_per_s", RATE_UNITS),
                             fmt_ratio(rt), status(None if rt is None else rt >= 0.8)])
        self.add(table(["durability", "workers", "floor: bare SQL", "clockwork store", "÷ floor", "≥ 0.8×"], rows), "")
        measured = [x for _, x in ratios if x is not None]
        ok = None
        if any(x < 0.8 for x in measured):
            ok = False
        elif measured and len(measured) == len(ratios):
            ok = True
        self.target(self.JOBS_FLOOR_TARGET, ", ".join(f"{label}: {fmt_ratio(x) if x is not None else 'not measured'}"
                                                      for label, x in ratios), ok)

        # Due → start.
        poll = r.value("jobs_sqlite/due_to_start/other_connection", "change_poll_ms") or 50.0
        self.add("### SQLite: from a job's due instant to its start", "",
                 "The delay from the instant a job is due (as the store recorded it) to the start of its function on "
                 "a hosted worker with its default options. *In the enqueueing process*: one store object enqueues "
                 "jobs due 5 ms apart; the worker arms a timer at the next due instant. *Across processes*: the jobs "
                 "come from a second store object with its own connection, runtime and thread, one every 7 ms, each "
                 "due the instant it is enqueued; the worker's store hears of them only as it would of another "
                 "process's commits, through `PRAGMA data_version`, which it reads every "
                 f"{poll:g} ms on a fixed phase (`sqlite_store_options::change_poll`). That is the worst case: a job enqueued further "
                 "ahead than the poll starts on its instant. p50, p99 and max of each repetition's jobs.", "")
        rows = []
        for key, label, limit in (("same_process", "in the enqueueing process", 10.0),
                                  ("other_connection", "across processes (own connection)", 50.0)):
            name = f"jobs_sqlite/due_to_start/{key}"
            p99 = med(r.spread(name, "p99_ms"))
            if r.error(name):
                p99 = None
            rows.append([label, cell(name, "p50_ms", TIME_UNITS, 1e6), cell(name, "p99_ms", TIME_UNITS, 1e6),
                         cell(name, "max_ms", TIME_UNITS, 1e6), f"p99 ≤ {limit:g} ms",
                         status(None if p99 is None else p99 <= limit)])
            text = self.JOBS_SAME_TARGET if key == "same_process" else self.JOBS_OTHER_TARGET
            self.target(text, "not measured" if p99 is None else
                        f"p99 {fmt(p99 * 1e6, TIME_UNITS)}, max {fmt((med(r.spread(name, 'max_ms')) or 0) * 1e6, TIME_UNITS)}",
                        None if p99 is None else p99 <= limit)
        self.add(table(["worker", "p50", "p99", "max", "target", "status"], rows), "")

        # The simulated store.
        self.add("### Simulated store, virtual time", "",
                 "Jobs per second of real time through the simulated store and a hosted worker (concurrency 16), "
                 "against the floor of the same store calls made from one coroutine (enqueue, claim 16, complete: no "
                 "worker, heartbeats, scope or trace).", "")
        floor = r.spread("jobs_simulated/floor_store_calls", "jobs_per_s")
        worker = r.spread("jobs_simulated/worker", "jobs_per_s")
        rows = [["floor: the store calls alone", cell("jobs_simulated/floor_store_calls", "jobs_per_s", RATE_UNITS), "1×"
                 if floor is not None else "—"],
                ["simulated store + worker", cell("jobs_simulated/worker", "jobs_per_s", RATE_UNITS),
                 fmt_ratio(ratio(med(worker), med(floor)))]]
        self.add(table(["contender", "jobs per second", "÷ floor"], rows), "")
        self.load_line("jobs-sqlite", "jobs-simulated")
        if worker is None or r.error("jobs_simulated/worker"):
            self.target(self.JOBS_SIM_TARGET, "not measured", None)
        else:
            self.target(self.JOBS_SIM_TARGET, f"{fmt(med(worker), RATE_UNITS)}, {fmt_ratio(ratio(med(worker), med(floor)))} "
                        "the bare store calls", "reported")

    # -- 9b. durable jobs on PostgreSQL ----------------------------------------------------------
    PG_FLOOR_TARGET = ("Durable jobs, PostgreSQL: enqueue → claim → complete ≥ 0.8× the floor (1, 4 and 16 concurrent "
                       "jobs, 4 processes)")
    PG_NOTIFY_TARGET = "Durable jobs, PostgreSQL: due → start p99 ≤ 10 ms woken by NOTIFY (loopback)"
    PG_SHAPES = [("jobs_postgres/{}/concurrency:1", "1 in one process"),
                 ("jobs_postgres/{}/concurrency:4", "4 in one process"),
                 ("jobs_postgres/{}/concurrency:16", "16 in one process"),
                 ("jobs_postgres/{}/processes:4", "4 processes, one each"),
                 ("jobs_postgres/through_pgbouncer/{}/concurrency:4", "4 in one process, through PgBouncer")]

    def jobs_postgres(self):
        r = self.res
        names = [n for n in r.rows if n.startswith("jobs_postgres/")]
        reps = self.run.get("repetitions", {})
        self.add("### PostgreSQL: enqueue → claim → complete, against the store's own statements", "")
        if not names:
            self.add("**Not measured**: `clockwork-bench-jobs-postgres` has no results in this run.", "")
            self.target(self.PG_FLOOR_TARGET, "not measured", None)
            self.target(self.PG_NOTIFY_TARGET, "not measured", None)
            return
        fsync = r.contexts.get("jobs-postgres", {}).get("clockwork.pg_fsync", "?")
        jobs = r.value("jobs_postgres/store/concurrency:1", "jobs") or r.value("jobs_postgres/floor/concurrency:1", "jobs")

        cell = self.cell
        self.add(f"A throwaway PostgreSQL 15 cluster on this machine (`tools/pg-cluster.sh`, fsync {fsync}; Unix "
                 "sockets), a fresh database per repetition (`bench/jobs_postgres_bench.cpp`, "
                 f"{reps.get('jobs-postgres', '?')} repetitions in random interleaved order). "
                 f"{fmt_count(jobs) if jobs else 'N'} jobs enqueued in batches of 100, then C workers, each with a "
                 "connection of its own, claim one job at a time and complete it until none is left. The store's "
                 "workers are store objects on one `real_runtime` (or one each in 4 processes); the *floor* calls "
                 "the store's own steps (`pg_tables`: the same statements in the same transactions, each after a "
                 "read of the database's clock) directly on C threads or processes: what the store adds over it is "
                 "its machinery (coroutines, the offload pool, the mutex). Jobs per second of the whole run.", "")
        rows = []
        ratios = []
        for pattern, label in self.PG_SHAPES:
            floor_name, store_name = pattern.format("floor"), pattern.format("store")
            if not r.has(floor_name) and not r.has(store_name):
                continue
            rt = ratio(med(r.spread(store_name, "jobs_per_s")), med(r.spread(floor_name, "jobs_per_s")))
            if r.error(floor_name) or r.error(store_name):
                rt = None
            if "pgbouncer" not in pattern:
                ratios.append((label, rt))
            rows.append([label, cell(floor_name, "jobs_per_s", RATE_UNITS), cell(store_name, "jobs_per_s", RATE_UNITS),
                         fmt_ratio(rt), status(None if rt is None else rt >= 0.8)])
        self.add(table(["concurrent jobs", "floor: the store's statements", "clockwork store", "÷ floor", "≥ 0.8×"], rows),
                 "")
        measured = [x for _, x in ratios if x is not None]
        ok = None
        if any(x < 0.8 for x in measured):
            ok = False
        elif measured and len(measured) == len(ratios):
            ok = True
        self.target(self.PG_FLOOR_TARGET, ", ".join(f"{label}: {fmt_ratio(x) if x is not None else 'not measured'}"
                                                    for label, x in ratios), ok)

        self.add("### PostgreSQL: from a job's due instant to its start", "",
                 "Jobs enqueued by another connection (a store object with its own runtime and thread), one every "
                 "7 ms, each due the instant it is enqueued; the worker's store hears of them by the notification "
                 "the schema's trigger sends at commit (*NOTIFY*, the default: measured once its listener's ping came "
                 "back), or only by its look at the newest history row every 25 ms (*polling*). p50, p99 and max of "
                 "each repetition's jobs.", "")
        rows = []
        for key, label in (("notify", "woken by NOTIFY"), ("polling", "polling only")):
            name = f"jobs_postgres/due_to_start/{key}"
            p99 = None if r.error(name) else med(r.spread(name, "p99_ms"))
            target = "p99 ≤ 10 ms" if key == "notify" else "reported"
            rows.append([label, cell(name, "p50_ms", TIME_UNITS, 1e6), cell(name, "p99_ms", TIME_UNITS, 1e6),
                         cell(name, "max_ms", TIME_UNITS, 1e6), target,
                         status(None if p99 is None else p99 <= 10.0) if key == "notify" else "—"])
            if key == "notify":
                self.target(self.PG_NOTIFY_TARGET, "not measured" if p99 is None else
                            f"p99 {fmt(p99 * 1e6, TIME_UNITS)}, max "
                            f"{fmt((med(r.spread(name, 'max_ms')) or 0) * 1e6, TIME_UNITS)}",
                            None if p99 is None else p99 <= 10.0)
        self.add(table(["worker", "p50", "p99", "max", "target", "status"], rows), "")
        self.add("Published figures of others, for scale (their own documents; other machines and setups): River "
                 "about 46,000 jobs/s burning down 1,000,000 no-op jobs with 2,000 workers on an 8-core laptop, "
                 "behind NOTIFY with a 1 s fallback poll; Graphile Worker about 15,600 jobs/s without batching and "
                 "about 184,000 with it (4 processes × 24 on an i9-14900K desktop), `add_job` to start 4.28 ms on "
                 "average (max 18.18 ms); db-scheduler 10,600–11,840 executions/s with lock-and-fetch from 4 "
                 "scheduler VMs, a 10 s poll for due work. Those batch claims and completions, run many workers "
                 "per core and delete finished jobs; the rows above claim one job at a time, keep every job with "
                 "its history and fence every write, on 2 cores shared with the database.", "")
        self.load_line("jobs-postgres")

    # -- 10. the dashboard ------------------------------------------------------------------------
    DASHBOARD_TARGET = "Dashboard: a page of jobs served in under 200 ms from a store of 100,000 (loopback HTTP)"
    DASHBOARD_PAGES = (
        ("jobs_first", "`/jobs?state=available`, the first page of 50", True),
        ("jobs_deep", "`/jobs?state=available&page=1000`", True),
        ("jobs_last", "`/jobs?page=1999`, the last page, any state", True),
        ("search", "`/jobs?search=ID`, by id or unique key", True),
        ("job", "`/jobs/ID`, a job and its history", True),
        ("api_jobs", "`/api/jobs?state=available&page=1000`", True),
        ("overview", "`/`, the overview (counts over every job)", False),
    )

    def dashboard(self):
        r = self.res
        self.add("## 10. The dashboard: pages over 100,000 jobs", "")
        if not any(n.startswith("dashboard/") for n in r.rows):
            self.add("**Not measured**: `clockwork-bench-dashboard` has no results in this run.", "")
            self.target(self.DASHBOARD_TARGET, "not measured", None)
            return
        jobs = r.contexts.get("dashboard", {}).get("clockwork.dashboard_jobs", "?")
        reps = self.run.get("repetitions", {}).get("dashboard", "?")
        self.add(f"A SQLite store of {fmt_count(float(jobs)) if jobs != '?' else 'N'} jobs (a tenth worked to "
                 "succeeded), the dashboard on a loopback port and a keep-alive client in the same process "
                 f"(`bench/dashboard_bench.cpp`, {reps} repetitions). *Page*: one GET — the request posted to the "
                 "runtime's loop, the store's answer, the page rendered and sent; *store calls*: the same calls made "
                 "on the loop and waited for the same way, without HTTP or rendering. Time per request.", "")
        rows = []
        worst = None
        for key, label, is_jobs_page in self.DASHBOARD_PAGES:
            page, floor = f"dashboard/page/{key}", f"dashboard/store/{key}"
            if not r.has(page):
                continue
            t = None if r.error(page) else med(r.spread(page, "real_time"))
            if is_jobs_page and t is not None:
                worst = t if worst is None else max(worst, t)
            rows.append([label, self.cell(floor, "real_time", TIME_UNITS, 1e6), self.cell(page, "real_time", TIME_UNITS, 1e6),
                         status(None if t is None else t < 200.0)])
        self.add(table(["request", "store calls", "page", "< 200 ms"], rows), "")
        self.target(self.DASHBOARD_TARGET, "not measured" if worst is None else
                    f"slowest page of jobs {fmt(worst * 1e6, TIME_UNITS)}", None if worst is None else worst < 200.0)
        separately = self.run.get("separately", {}).get("dashboard")
        if separately:
            self.add(f"Measured on its own, after the rest of this report: commit `{separately.get('commit', '?')}`, "
                     f"{separately.get('at', '?')}, load average {separately.get('load', '?')} when it started.", "")
        self.load_line("dashboard")

    def render(self, notes):
        f = self.facts
        # The commit tools/bench.sh read when the run started; HEAD now only for older results.
        commit = self.run.get("commit") or f.get("commit")
        ctx = next(iter(self.res.contexts.values()), {})
        head = [
            "# Benchmarks",
            "",
            "<!-- Generated by tools/bench.sh (tools/bench_report.py); edit those, not this file. -->",
            "",
            f"Measured {self.run.get('started_at', '?')} – {self.run.get('finished_at', '?')} by `tools/bench.sh`"
            + (f" at commit `{commit}`" if commit else "")
            + (" with uncommitted changes in the working tree" if self.run.get("dirty") else "") + ".",
            "",
            f"- Machine: {f.get('cores')} cores, {f.get('cpu')}, {f.get('memory', '?')} RAM; Linux {f.get('kernel')}; clocksource {f.get('clocksource', '?')}",
            f"- Build: {f.get('compiler')}, CMake preset `bench` ({f.get('build_type')}); Google Benchmark from Debian "
            f"(its own library reports build type \"{ctx.get('library_build_type', '?')}\": that is the harness, not the code measured)",
            f"- Load average (1/5/15 min) at start: {self.run.get('load_start', '?')}; at end: {self.run.get('load_end', '?')}",
        ]
        if self.peer:
            pc = self.peer.get("context", {})
            head.append(f"- Peer: @sinonjs/fake-timers {pc.get('fake_timers')} on Node.js {pc.get('node')}")
        else:
            head.append("- Peer: @sinonjs/fake-timers **not run** (Node.js/npm not found)")
        if self.cron_peer:
            cc = self.cron_peer.get("context", {})
            head.append(f"- Cron peers: cron-parser {cc.get('cron_parser')} and croner {cc.get('croner')} on Node.js {cc.get('node')}")
        elif self.res.has("cron/clockwork/every_5_minutes"):
            head.append("- Cron peers: cron-parser and croner **not run** (Node.js/npm not found)")
        if self.run.get("quick"):
            head.append("- **Quick run (smoke sizes): not representative.**")
        try:
            load1 = float(str(self.run.get("load_start", "0")).split()[0])
        except ValueError:
            load1 = 0.0
        if load1 > 1.0:
            head.append(f"- Note: the machine was not idle at the start (load {load1:.2f} on {f.get('cores')} cores); real-time figures include that contention.")
        head += [
            "",
            "Every figure is the **median of the repetitions** followed by the **[min–max]** across them; every ratio "
            "divides two medians measured in the same run. Baselines are in `bench/`, next to the code they are compared with.",
            "",
            "## Targets",
            "",
        ]
        rows = [[t, m, status(ok)] for t, m, ok, _ in self.targets]
        head.append(table(["target", "measured", "status"], rows))
        head.append("")
        if notes:
            head += ["### About the targets missed", ""] + notes + [""]
        if self.defects:
            head += ["### Defects the benchmarks ran into", ""]
            head += [f"- {d}" for d in self.defects]
            head += ["- Cause, as far as the benchmarks can tell: on real time a tick can fall due between "
                     "`tick_wait::await_ready` (not due yet) and `await_suspend`, which then completes the wait through "
                     "the ready queue without marking it fired; `await_resume` reads the still-pending state as a stop "
                     "that came before suspending and throws.", ""]
        return "\n".join(head + self.lines) + "\n"


def scale3(triple, factor):
    return None if triple is None else tuple(v * factor for v in triple)


def stop_before(r, n):
    """Stop → all exited (ms) of n throwing waiters as before the spawn wrapper settled and the wait's
    await_resume was inlined: today's figure plus what those two changes saved, measured as the
    difference of the two wrapper rows (the rethrowing one runs the old waiter, the settling one
    today's)."""
    now = med(r.spread(f"spawn_stop/clockwork_real/{n}", "stop_to_exit_ms"))
    rethrowing = med(r.spread(f"spawn_stop/clockwork_real_two_throws/{n}", "stop_to_exit_ms"))
    settling = med(r.spread(f"spawn_stop/clockwork_real_wrapped/{n}", "stop_to_exit_ms"))
    if now is None or rethrowing is None or settling is None:
        return None
    return now + max(rethrowing - settling, 0.0)


def notes_for(rep):
    """Why each missed target was missed and what would close it, from this run's own figures."""
    r = rep.res
    notes = []
    throw_ns = med(r.spread("reference/throw_catch", "ns_per_op"))
    rethrow_ns = med(r.spread("reference/rethrow_catch", "ns_per_op"))
    for text, measured, ok, _ in rep.targets:
        if ok is not False:
            continue
        if text.startswith("10k waiters") or text.startswith("100k coroutines"):
            n = 10000 if text.startswith("10k") else 100000
            stop = med(r.spread(f"spawn_stop/clockwork_real/{n}", "stop_to_exit_ms"))
            req = med(r.spread(f"spawn_stop/clockwork_real/{n}", "request_stop_ms"))
            asio = med(r.spread(f"spawn_stop/asio/{n}", "stop_to_exit_ms"))
            per = stop * 1e6 / n
            line = (f"- **{text}: {measured}.** Stop → all exited is {fmt(per, TIME_UNITS)} per waiter, "
                    f"{fmt(req * 1e6 / n, TIME_UNITS)} of it inside `request_stop()` (the one stop callback the "
                    "waits share, cancelling each). Most of the rest "
                    "is the one exception each cancelled waiter throws: the wait throws `operation_canceled`, the "
                    "coroutine's promise keeps it, and the spawn wrapper (`runtime::run_detached`) takes the "
                    "`exception_ptr` and classifies it without a rethrow.")
            if throw_ns:
                line += (f" On this machine one throw/catch costs {fmt(throw_ns, TIME_UNITS)} (reference rows below). "
                         "A waiter written with `try_delay`, which answers `false` on stop, pays none (its row).")
            if asio is not None:
                line += f" asio, which also reports the cancellation as an exception, took {fmt(asio * 1e6, TIME_UNITS)} for the same."
            notes.append(line)
        elif text.startswith("10k throwing waiters"):
            stop = med(r.spread("spawn_stop/clockwork_real/10000", "stop_to_exit_ms")) * 1e6 / 10000
            before = stop_before(r, 10000) * 1e6 / 10000
            line = (f"- **{text}: {measured}.** Per waiter {fmt(stop, TIME_UNITS)} now against {fmt(before, TIME_UNITS)} "
                    "with the second throw and the old throw path. A wait that reports a stop as an exception throws "
                    "once per waiter whatever the runtime does, so halving the time needs what was saved to cost as "
                    "much as the throw it keeps and everything else together")
            if throw_ns and rethrow_ns:
                rest = max(stop - throw_ns, 0.0)
                line += (f": here one throw/catch costs {fmt(throw_ns, TIME_UNITS)} and one rethrow/catch "
                         f"{fmt(rethrow_ns, TIME_UNITS)} (reference rows), so ≤ 0.5× leaves the rest of a waiter's stop "
                         f"at most {fmt(max(rethrow_ns - throw_ns, 0.0), TIME_UNITS)}; it is about "
                         f"{fmt(rest, TIME_UNITS)} (the `try_delay` row's whole path, plus keeping and dropping the "
                         "exception)")
            notes.append(line + ". The way to no exception at all is `try_delay` (next row).")
        elif text.startswith("10k `try_delay`"):
            quiet = med(r.spread("spawn_stop/clockwork_real_try_delay/10000", "stop_to_exit_ms")) * 1e6 / 10000
            req = med(r.spread("spawn_stop/clockwork_real_try_delay/10000", "request_stop_ms")) * 1e6 / 10000
            notes.append(
                f"- **{text}: {measured}.** No exception is left on this path: the {fmt(quiet, TIME_UNITS)} per waiter "
                f"are the cancellation ({fmt(req, TIME_UNITS)} inside `request_stop()`: the waits on the token share one "
                "`std::stop_callback`, which closes each wait's gate and queues it, newest first), the resume slice "
                "(with the one clock read a "
                "slice real_runtime makes to measure its slices for its distortion figures), the task's end (its "
                "record unlinked from the runtime's list of tasks and recycled) and two coroutine frames (the spawn "
                "wrapper's, recycled by the runtime; the waiter's, which a burst of 10k overflows the per-thread "
                "frame cache with and hands back to malloc — the largest single part left). *Before* is worked out "
                "from three rows of one shot each, so this ratio moves with the machine more than the others.")
        elif text.startswith("Real time: p99 lateness"):
            tfd = med(r.spread("lateness/timerfd", "p99_ns"))
            asio = med(r.spread("lateness/asio", "p99_ns"))
            base = r.spread("lateness/nanosleep_slack1", "p99_ns")
            notes.append(
                f"- **{text}: {measured}.** In the same run the bare timerfd loop had p99 {fmt(tfd, TIME_UNITS)} and asio "
                f"{fmt(asio, TIME_UNITS)}, and the floor's own p99 ranged over {fmt_spread(base, TIME_UNITS)} across its "
                "repetitions. A gap within that spread is the shared VM (see the load average), not the runtime: "
                "re-run on an idle machine before acting on it. real_runtime's own share is its kernel wait plus one "
                "loop turn (fire the timer, resume the coroutine), which the CPU-per-tick table prices.")
        elif text.startswith("Real time: zero-delay"):
            y = med(r.spread("zero_delay/clockwork_real_yield", "ns_per_op"))
            notes.append(f"- **{text}: {measured}.** `rt.yield()` took {fmt(y, TIME_UNITS)} in the same run; the difference "
                         "is what `delay(0)` adds (clock reads, the awaitable, the wait bookkeeping).")
        elif text.startswith("Virtual time, 1k") or text.startswith("Virtual time, 100k"):
            n = 1000 if "1k" in text else 100000
            floor = med(r.spread(f"virtual/floor/{n}", "events_per_s"))
            cw = med(r.spread(f"virtual/clockwork_delay/{n}", "events_per_s"))
            notes.append(
                f"- **{text}: {measured}.** The floor ran at {fmt(floor, RATE_UNITS)} in this run (ratio "
                f"{fmt_ratio(ratio(cw, floor))}); the instruction counts in section 1 repeat where times do not: "
                "compare them before acting on a time.")
        elif text == Report.FLOOR_TARGET:
            notes.append(
                f"- **{text}: {measured}.** On a virtual runtime the waits on one stop token share one "
                "`std::stop_callback` (no lock of the token's shared state per wait); what a token still costs a wait "
                "is its copy into the wait (two atomic counts) and joining and leaving the token's list, work the floor "
                "does not do and whose cost the instruction counts in section 1 show per event. Rows without a token "
                "below 0.8× at a size: compare their instruction counts with the floor's first (times on a shared "
                "machine move; counts do not).")
        elif text.startswith("Virtual time: faster than"):
            notes.append(f"- **{text}: {measured}.** See the table in section 1 for both rates per size.")
        elif text.startswith("Idle service"):
            heap = med(r.spread("memory/clockwork_real", "heap_bytes"))
            notes.append(f"- **{text}: {measured}.** Heap in use grew by {fmt(heap, BYTE_UNITS)} per service: the two "
                         "coroutine frames (service and spawn wrapper), the task record with its name, and the heap slot.")
        elif text.startswith("Real time: periodic_timer drift"):
            co = med(r.spread("drift/clockwork_periodic", "coalesced"))
            notes.append(f"- **{text}: {measured}.** {int(co or 0)} ticks were coalesced in the median run; drift is measured "
                         "against the grid point each tick stands for, so a growth here means late wake-ups grew.")
        elif text == Report.JOBS_FLOOR_TARGET:
            unresolved, apart = [], []
            for mode, _ in Report.JOBS_MODES:
                for w in (1, 4):
                    store = r.spread(f"jobs_sqlite/store{mode}/workers:{w}", "jobs_per_s")
                    floor = r.spread(f"jobs_sqlite/floor{mode}/workers:{w}", "jobs_per_s")
                    if store is None or floor is None or store[0] >= 0.8 * floor[0]:
                        continue
                    label = f"{w} worker{'s' if w > 1 else ''}{', flushed' if mode else ''}"
                    per_job = (1 / store[0] - 1 / floor[0]) * 1e9
                    row = f"{label} ({fmt(per_job, TIME_UNITS)} more per job)"
                    (unresolved if store[1] <= floor[2] and floor[1] <= store[2] else apart).append(row)
            line = f"- **{text}: {measured}.**"
            if unresolved:
                line += (f" Below 0.8× with the min–max ranges of store and floor overlapping: {', '.join(unresolved)}. Both "
                         "sides commit to a file on the machine's disk, shared with whatever else ran, and their "
                         "repetitions vary more than the gap: not resolved by this run; re-run on an idle machine "
                         "before acting on it.")
            if apart:
                line += (f" Below 0.8× with the ranges apart: {', '.join(apart)}. What the store adds to each call is its "
                         "machinery: a hop to the offload pool and back to the loop, the connection's mutex, and reading "
                         "the claimed rows into values.")
            notes.append(line)
        elif text == Report.JOBS_SAME_TARGET:
            p50 = med(r.spread("jobs_sqlite/due_to_start/same_process", "p50_ms"))
            notes.append(f"- **{text}: {measured}.** The median start was {fmt((p50 or 0) * 1e6, TIME_UNITS)} late: the "
                         "worker's timer is armed at the next due instant, and the tail is the claim (a `BEGIN IMMEDIATE` "
                         "transaction on the offload pool, which waits for the disk) and the loop's other work; see the "
                         "load average.")
        elif text.startswith(Report.JOBS_OTHER_TARGET):
            name = "jobs_sqlite/due_to_start/other_connection"
            poll = r.value(name, "change_poll_ms") or 50.0
            p50 = med(r.spread(name, "p50_ms"))
            notes.append(f"- **{text}: {measured}.** A worker hears of another connection's commit when it next reads "
                         f"`PRAGMA data_version` (every {poll:g} ms on a fixed phase, "
                         "`sqlite_store_options::change_poll`), and then claims in a transaction of its own: the longest "
                         "wait is one poll plus that read and the claim, which is why the poll is half the 50 ms budget "
                         f"(p50 {fmt((p50 or 0) * 1e6, TIME_UNITS)}: a commit lands at any phase of the reads).")
        elif text.startswith("Exploration on two threads"):
            one_cpu = med(r.spread("explore/daily_log_faults", "cpu_ms_per_seed"))
            two_cpu = med(r.spread("explore/daily_log_faults_two_threads", "cpu_ms_per_seed"))
            line = f"- **{text}: {measured}.**"
            if one_cpu and two_cpu:
                line += (f" A seed took {fmt(two_cpu * 1e6, TIME_UNITS)} of processor time on two threads against "
                         f"{fmt(one_cpu * 1e6, TIME_UNITS)} on one ({fmt_ratio(two_cpu / one_cpu)}): the same work cost "
                         "each thread more side by side than alone.")
            notes.append(line + " The threads share nothing while a seed runs (each runs its seeds on its own copy of "
                         "the scenario and its own virtual runtime; they meet under one lock only to take the next "
                         "seed number and hand in an outcome), so the gap is the two virtual cores being slower "
                         "together than one alone — the host's share of them, caches, memory — which moves from run "
                         "to run on this VM (other runs of the same program here measured 2.1× to 2.3×). Read the "
                         "CPU time per seed in section 8 before acting on one run.")
        elif text.startswith("Exploration, DailyLog"):
            seeds = med(r.spread("explore/daily_log_faults", "seeds_per_s"))
            floor = med(r.spread("explore/daily_log_no_faults", "seeds_per_s"))
            per_seed_ns = 1e9 / seeds
            twice = med(r.spread("explore/daily_log_faults_10pct_twice", "seeds_per_s"))
            line = (f"- **{text}: {measured}.** A seed costs {fmt(per_seed_ns, TIME_UNITS)}: about 84,000 "
                    f"repository calls, each a fault site, {fmt(per_seed_ns / 84000, TIME_UNITS)} a call "
                    "(everything a seed does, divided by its calls). Without any fault injected it runs at "
                    f"{fmt(floor, RATE_UNITS)}.")
            if twice is not None and twice > seeds:
                line += (f" Later in the same program the row that runs a tenth of its seeds twice — more work — "
                         f"measured {fmt(twice, RATE_UNITS)}: the machine, not the code, moved between the two.")
            notes.append(line + " This rate moves with the machine more than the others: the same program has "
                         "measured from about 240 to 425 seeds/s minutes apart on this 2-core VM, while its "
                         "instruction profile, in [explore.md](explore.md#speed), repeats. Read the CPU time per "
                         "seed in section 8 and the load average beside it before acting on one run.")
    return notes


# ---------------------------------------------------------------------------------------------
# The data document

PROGRAMS = ("virtual-throughput", "daily-log", "real-lateness", "drift", "overhead", "memory", "cron", "recurring", "explore",
            "jobs-simulated", "jobs-sqlite", "jobs-postgres", "dashboard")
DATA_FORMAT = 1


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def collect(results_dir, build_dir):
    """Everything the report is made of, read from a results directory of tools/bench.sh."""
    benchmarks = {}
    for key in PROGRAMS:
        path = os.path.join(results_dir, f"{key}.json")
        if os.path.exists(path):
            benchmarks[key] = kept(read_json(path))
        else:
            print(f"bench_report: {path} missing; its section is left out", file=sys.stderr)
    peers = {}
    for key in ("fake-timers", "cron-peers"):
        path = os.path.join(results_dir, f"{key}.json")
        if os.path.exists(path):
            peers[key] = read_json(path)
    run_path = os.path.join(results_dir, "run.json")
    run = read_json(run_path) if os.path.exists(run_path) else {}
    counts_path = os.path.join(results_dir, "virtual-counts.json")
    counts = read_json(counts_path) if os.path.exists(counts_path) else None

    # The figures' data, for the contenders the results have, condensed from the raw samples.
    res = Results()
    for key, doc in benchmarks.items():
        res.load(key, doc)
    samples = os.path.join(results_dir, "samples")
    charts = {}
    names = [n for n in LATENESS_ORDER if res.has(f"lateness/{n}")]
    lateness = bench_charts.lateness_chart(bench_charts.read_lateness(samples, names), names, 1e6)
    if lateness:
        charts["lateness"] = lateness
    names = [n for n in DRIFT_ORDER if res.has(f"drift/{n}")]
    if names:
        ticks = int(res.value(f"drift/{names[0]}", "ticks") or 0) or 10000
        drift = bench_charts.drift_chart(bench_charts.read_drift(samples, names), names, ticks, 200, 1e6)
        if drift:
            charts["drift"] = drift
    data = {"format": DATA_FORMAT, "run": run, "facts": machine_facts(build_dir), "benchmarks": benchmarks, "peers": peers,
            "charts": charts}
    if counts:
        data["counts"] = counts
    return data


def dump(value, indent=0):
    """JSON with one object member per line, and lists of numbers (a figure's points) kept on
    one line each, so that the document stays short and reads in a diff."""
    pad = " " * indent
    if isinstance(value, dict) and value:
        items = [f'{pad} {json.dumps(k, ensure_ascii=False)}: {dump(v, indent + 1).lstrip()}' for k, v in value.items()]
        return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value and any(isinstance(v, dict) for v in value):
        return pad + "[\n" + ",\n".join(dump(v, indent + 1) for v in value) + "\n" + pad + "]"
    return pad + json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def render(data, out, svg_dir):
    """Writes the report (when the document has results) and its figures; returns the Report or
    None."""
    os.makedirs(svg_dir, exist_ok=True)
    charts = data.get("charts", {})
    if not data.get("benchmarks"):
        drawn = [name for name, draw in (("lateness", bench_charts.draw_lateness), ("drift", bench_charts.draw_drift))
                 if charts.get(name) and draw(charts[name], os.path.join(svg_dir, f"bench-{name}.svg"))]
        print(f"bench_report: the data document has no benchmark results: drew {', '.join(drawn) or 'no figure'} "
              f"into {svg_dir}, left {out} as it is")
        return None
    res = Results()
    for key, doc in data["benchmarks"].items():
        res.load(key, doc)
    peers = data.get("peers", {})
    svg_rel = os.path.relpath(os.path.abspath(svg_dir), os.path.dirname(os.path.abspath(out))) or "."
    rep = Report(res, peers.get("fake-timers"), data.get("run", {}), data.get("facts", {}), svg_rel)
    rep.counts = data.get("counts")
    rep.virtual()
    rep.dailylog()
    rep.lateness(charts.get("lateness"), svg_dir)
    rep.drift(charts.get("drift"), svg_dir)
    rep.overhead()
    rep.cron(peers.get("cron-peers"))
    rep.recurring()
    rep.explore()
    rep.jobs()
    rep.jobs_postgres()
    rep.dashboard()
    text = rep.render(notes_for(rep))
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    return rep


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = ap.add_mutually_exclusive_group(required=True)
    source.add_argument("--results", help="a results directory of tools/bench.sh")
    source.add_argument("--from", dest="data_in", metavar="JSON", help="a data document saved by an earlier report")
    ap.add_argument("--build", default=None, help="the build directory of the benchmarks (compiler, build type)")
    ap.add_argument("--out", required=True, help="the report to write (Markdown)")
    ap.add_argument("--svg-dir", required=True, help="where the figures go")
    ap.add_argument("--data", default=None, help="with --results: where to save the data document (default: beside --out)")
    args = ap.parse_args()
    if not bench_charts.available():
        print("bench_report: matplotlib is missing: install Debian's python3-matplotlib (tools/deps.sh python3-matplotlib) "
              "and run this with Debian's python3", file=sys.stderr)
        sys.exit(2)

    if args.results:
        if not os.path.isdir(args.results):
            print(f"bench_report: {args.results} is not a directory", file=sys.stderr)
            sys.exit(2)
        data = collect(args.results, args.build)
        data_out = args.data or os.path.splitext(args.out)[0] + ".json"
        os.makedirs(os.path.dirname(os.path.abspath(data_out)), exist_ok=True)
        with open(data_out, "w", encoding="utf-8") as f:
            f.write(dump(data) + "\n")
        print(f"bench_report: saved the report's data in {data_out}")
    else:
        try:
            data = read_json(args.data_in)
        except (OSError, ValueError) as e:
            print(f"bench_report: cannot read {args.data_in}: {e}", file=sys.stderr)
            sys.exit(2)
        if data.get("format") != DATA_FORMAT:
            print(f"bench_report: {args.data_in} is not a data document of format {DATA_FORMAT}", file=sys.stderr)
            sys.exit(2)

    rep = render(data, args.out, args.svg_dir)
    if rep is None:
        return
    missed = sum(1 for t in rep.targets if t[2] is False)
    met = sum(1 for t in rep.targets if t[2] is True)
    reported = sum(1 for t in rep.targets if isinstance(t[2], str))
    print(f"bench_report: wrote {args.out}: {met} targets met, {missed} missed, {reported} reported without a target, "
          f"{len(rep.targets) - met - missed - reported} not measured")


if __name__ == "__main__":
    main()
