// Peer for the virtual-time throughput benchmark: @sinonjs/fake-timers (the fake clock behind
// Jest's and Sinon's fake timers) on the workload of virtual_throughput_bench.cpp.
//
// Same workload: N sleepers with the periods of virtual_workload.hpp (same xorshift32
// sequence, so period_sum_ms matches the C++ checksum), each re-arming a setTimeout from its
// own callback, exactly as a `for (;;) co_await rt.delay(period)` loop re-arms its wait. Same
// simulated slice per iteration, same two warm-up slices, same iteration count (cut short
// only when one repetition would exceed its time budget; the events counter says how much was
// run). Events per second of real time, one figure per repetition.
//
// Usage: node bench/fake_timers_peer.js [--smoke] [--repetitions N] [--out results.json]
"use strict";

const FakeTimers = require("@sinonjs/fake-timers");

const args = process.argv.slice(2);
const smoke = args.includes("--smoke") || (process.env.CLOCKWORK_BENCH_SMOKE || "0") !== "0";
const optionValue = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const repetitions = Number(optionValue("--repetitions", smoke ? "1" : "5"));
const outFile = optionValue("--out", null);

// virtual_workload.hpp: workload_periods_ms.
const WORKLOAD_SEED = 0x9e3779b9;
const MAX_PERIOD_MS = 60000;
function workloadPeriodsMs(n) {
  const out = new Array(n);
  let x = WORKLOAD_SEED >>> 0;
  const logMax = Math.log(MAX_PERIOD_MS);
  for (let i = 0; i < n; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    const u = x / 4294967296;
    const ms = Math.floor(Math.exp(u * logMax));
    out[i] = ms < 1 ? 1 : ms;
  }
  return out;
}

// virtual_workload.hpp: workload_slice; virtual_throughput_bench.cpp: iterations_for.
function sliceMs(n) {
  if (n <= 1000) return 200;
  if (n <= 10000) return 20;
  if (n <= 100000) return 5;
  return 1;
}
function iterationsFor(n) {
  if (smoke) return 3;
  if (n <= 1000) return 100;
  if (n <= 100000) return 40;
  return 25;
}
const WARMUP_SLICES = 2;
const BUDGET_NS = smoke ? 2e9 : 6e9;

function runOnce(periods) {
  const clock = FakeTimers.createClock(0);
  const counter = { n: 0 };
  for (const period of periods) {
    const fire = () => {
      counter.n++;
      clock.setTimeout(fire, period);
    };
    clock.setTimeout(fire, period);
  }
  const slice = sliceMs(periods.length);
  for (let i = 0; i < WARMUP_SLICES; i++) clock.tick(slice);

  const wanted = iterationsFor(periods.length);
  const before = counter.n;
  const start = process.hrtime.bigint();
  let iterations = 0;
  let elapsed = 0n;
  while (iterations < wanted) {
    clock.tick(slice);
    iterations++;
    elapsed = process.hrtime.bigint() - start;
    if (Number(elapsed) > BUDGET_NS) break;
  }
  const events = counter.n - before;
  return { events, iterations, seconds: Number(elapsed) / 1e9 };
}

function main() {
  const sizes = smoke ? [1000, 10000] : [1000, 100000, 1000000];
  const results = [];
  for (const n of sizes) {
    const periods = workloadPeriodsMs(n);
    const periodSum = periods.reduce((a, b) => a + b, 0);
    const runs = [];
    for (let r = 0; r < repetitions; r++) {
      const run = runOnce(periods);
      runs.push(run);
      if (global.gc) global.gc();
    }
    const rates = runs.map((r) => r.events / r.seconds);
    results.push({
      name: "virtual/fake_timers",
      timers: n,
      period_sum_ms: periodSum,
      events_per_s: rates,
      events: runs.map((r) => r.events),
      iterations: runs.map((r) => r.iterations),
      wanted_iterations: iterationsFor(n),
    });
    const sorted = [...rates].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `virtual/fake_timers/${n}: ${(median / 1e6).toFixed(3)} M events/s (median of ${rates.length}), ` +
        `events=${runs[0].events} iterations=${runs[0].iterations}/${iterationsFor(n)} period_sum_ms=${periodSum}`,
    );
  }
  const fakeTimersVersion = require("@sinonjs/fake-timers/package.json").version;
  const doc = {
    context: { node: process.version, fake_timers: fakeTimersVersion, smoke, repetitions },
    results,
  };
  if (outFile) require("fs").writeFileSync(outFile, JSON.stringify(doc, null, 2) + "\n");
}

main();
