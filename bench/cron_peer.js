// Peers for the cron benchmark: the npm libraries cron-parser and croner answering the
// questions of cron_bench.cpp — next occurrence after each of the same 1024 start instants
// (cron_workload.hpp: same xorshift32 sequence, same expressions and zones). Each library
// parses once per expression and is then asked for next() from every start in turn, as
// clockwork is. Nanoseconds per next(), one figure per repetition, and a checksum of the
// answers computed exactly as the C++ one (equal checksums: equal answers).
//
// Semantics are the libraries' own and are reported, not adjusted: croner is run with
// domAndDow (day of month AND day of week, as Cronos and clockwork's cronos dialects);
// cron-parser always ORs them, so for "0 0 0 29 2 MON" it answers a different question (any
// Monday in February, or the 29th), and it refuses "0 0 0 30 2 *" at parse time.
//
// Usage: node bench/cron_peer.js [--smoke] [--repetitions N] [--out results.json]
"use strict";

const { CronExpressionParser } = require("cron-parser");
const { Cron } = require("croner");

const args = process.argv.slice(2);
const smoke = args.includes("--smoke") || (process.env.CLOCKWORK_BENCH_SMOKE || "0") !== "0";
const optionValue = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const repetitions = Number(optionValue("--repetitions", smoke ? "1" : "7"));
const outFile = optionValue("--out", null);

// cron_workload.hpp
const CASES = [
  { name: "every_5_minutes", expression: "*/5 * * * *", zone: "UTC", typical: true },
  { name: "daily_midnight", expression: "0 0 * * *", zone: "UTC", typical: true },
  { name: "daily_0230_berlin", expression: "0 30 2 * * *", zone: "Europe/Berlin", typical: true },
  { name: "quartz_last_day", expression: "0 0 0 L * ?", zone: "UTC", typical: true },
  { name: "feb29_monday", expression: "0 0 0 29 2 MON", zone: "UTC", typical: false },
  { name: "impossible_feb30", expression: "0 0 0 30 2 *", zone: "UTC", typical: false },
];
const FROM_BASE = 1577836800;
const FROM_SPAN = 315619200;
function fromSeconds() {
  const out = new Array(1024);
  let x = 0x9e3779b9 >>> 0;
  for (let i = 0; i < out.length; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out[i] = FROM_BASE + (x % FROM_SPAN);
  }
  return out;
}
const checksumTerm = (seconds) => (seconds === null ? 0 : seconds % 1000003);

// A contender: make(expression, zone) -> next(fromDate) -> Date or null; throws when the library
// refuses the expression.
const CONTENDERS = {
  "cron-parser": (expression, zone) => {
    const parsed = CronExpressionParser.parse(expression, { tz: zone, currentDate: new Date(0) });
    return (from) => {
      parsed.reset(from);
      try {
        return parsed.next().toDate();
      } catch (e) {
        return null;  // "Out of the time span range"
      }
    };
  },
  croner: (expression, zone) => {
    const job = new Cron(expression, { timezone: zone, paused: true, domAndDow: true });
    return (from) => job.nextRun(from);
  },
};

function measure(next, froms) {
  // Warm-up, and the checksum over one pass.
  let checksum = 0;
  let none = 0;
  for (const f of froms) {
    const r = next(f);
    if (r === null) none++;
    checksum += checksumTerm(r === null ? null : Math.floor(r.getTime() / 1000));
  }
  // Calls per repetition: about 0.3 s each (at least one pass), measured once up front.
  const probeStart = process.hrtime.bigint();
  for (const f of froms) next(f);
  const perCall = Number(process.hrtime.bigint() - probeStart) / froms.length;
  const calls = smoke ? froms.length : Math.max(froms.length, Math.ceil(3e8 / Math.max(perCall, 1) / froms.length) * froms.length);
  const ns = [];
  for (let r = 0; r < repetitions; r++) {
    const start = process.hrtime.bigint();
    let sink = 0;
    for (let i = 0; i < calls; i++) {
      const d = next(froms[i & 1023]);
      if (d !== null) sink ^= d.getTime() & 1;
    }
    const elapsed = Number(process.hrtime.bigint() - start);
    if (sink === 2) console.log("unreachable");
    ns.push(elapsed / calls);
  }
  return { ns_per_next: ns, calls, checksum, none };
}

function main() {
  const froms = fromSeconds().map((s) => new Date(s * 1000));
  const results = [];
  for (const c of CASES) {
    for (const [lib, make] of Object.entries(CONTENDERS)) {
      const name = `cron/${lib}/${c.name}`;
      let next;
      try {
        next = make(c.expression, c.zone);
      } catch (e) {
        results.push({ name, refused: String(e.message || e) });
        console.log(`${name}: refused at parse time: ${e.message || e}`);
        continue;
      }
      const m = measure(next, froms);
      results.push({ name, ...m });
      const sorted = [...m.ns_per_next].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      console.log(`${name}: ${median.toFixed(1)} ns per next() (median of ${sorted.length}), checksum=${m.checksum} none=${m.none}`);
    }
  }
  const doc = {
    context: {
      node: process.version,
      cron_parser: require("cron-parser/package.json").version,
      croner: require("croner/package.json").version,
      smoke,
      repetitions,
    },
    results,
  };
  if (outFile) require("fs").writeFileSync(outFile, JSON.stringify(doc, null, 2) + "\n");
}

main();
