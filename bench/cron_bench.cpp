// cron: the cost of one next() from an arbitrary instant, for typical and pathological
// expressions, against a naive second-by-second scan (the floor every bitmask search must
// beat) and, in bench/cron_peer.js, the npm libraries cron-parser and croner on the same
// expressions and the same 1024 start instants (cron_workload.hpp).
//
// Each iteration is one next() call; the start instant cycles through the 1024. Counters:
// seconds_per_next (the figure quoted, in seconds), checksum (see cron_checksum_term; equal checksums mean equal
// answers), none (answers that were "no occurrence").
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "bench_common.hpp"
#include "clockwork/schedule/cron_schedule.hpp"
#include "clockwork/time/clock.hpp"
#include "cron_workload.hpp"

namespace {

using clockwork_bench::cron_case;
using clockwork_bench::cron_cases;
namespace cron = clockwork::cron;

std::int64_t seconds_of(clockwork::utc_time t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

void set_counters(benchmark::State& state, std::int64_t checksum, std::int64_t none) {
  state.counters["seconds_per_next"] =
      benchmark::Counter(static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::OneK::kIs1000);
  state.counters["checksum"] = static_cast<double>(checksum);
  state.counters["none"] = static_cast<double>(none);
}

void bm_clockwork(benchmark::State& state, const cron_case& c) {
  const cron::schedule s{cron::expression{c.expression, c.dialect}, clockwork::find_zone(c.zone)};
  const auto froms = clockwork_bench::cron_from_seconds();
  std::vector<clockwork::utc_time> from;
  for (auto f : froms) from.emplace_back(std::chrono::seconds{f});
  // The checksum covers one pass over all 1024 starts, outside the timed loop.
  std::int64_t checksum = 0, none = 0;
  for (const auto& f : from) {
    const auto r = s.next(f);
    checksum += clockwork_bench::cron_checksum_term(r ? std::optional<std::int64_t>(seconds_of(*r)) : std::nullopt);
    none += r ? 0 : 1;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = s.next(from[i]);
    benchmark::DoNotOptimize(r);
    i = (i + 1) & 1023;
  }
  set_counters(state, checksum, none);
}

// The floor reference: try every second after `from` until one matches (the wall time read
// through the zone, its period looked up once per period). Stops after `limit` seconds.
std::optional<std::int64_t> naive_next(const cron::expression& e, const date::time_zone& z, std::int64_t from,
                                       std::int64_t limit) {
  date::sys_info info = z.get_info(date::sys_seconds{std::chrono::seconds{from + 1}});
  for (std::int64_t u = from + 1; u <= from + limit; ++u) {
    if (u >= info.end.time_since_epoch().count()) info = z.get_info(date::sys_seconds{std::chrono::seconds{u}});
    if (e.matches(date::local_seconds{std::chrono::seconds{u + info.offset.count()}})) return u;
  }
  return std::nullopt;
}

void bm_naive(benchmark::State& state, const cron_case& c) {
  const cron::expression e{c.expression, c.dialect};
  const date::time_zone& z = clockwork::find_zone(c.zone);
  const auto from = clockwork_bench::cron_from_seconds();
  constexpr std::int64_t limit = 40LL * 86400;  // enough for every typical case
  std::size_t i = 0;
  std::int64_t checksum = 0, none = 0;
  for (auto _ : state) {
    const auto r = naive_next(e, z, from[i], limit);
    benchmark::DoNotOptimize(r);
    i = (i + 1) & 1023;
  }
  // The checksum of the scan, over the same pass as the others (outside the timed loop).
  if (!clockwork_bench::smoke()) {
    for (auto f : from) {
      const auto r = naive_next(e, z, f, limit);
      checksum += clockwork_bench::cron_checksum_term(r);
      none += r ? 0 : 1;
    }
  }
  set_counters(state, checksum, none);
}

void register_all() {
  for (const cron_case& c : cron_cases) {
    auto* b = benchmark::RegisterBenchmark((std::string("cron/clockwork/") + c.name).c_str(),
                                           [&c](benchmark::State& st) { bm_clockwork(st, c); });
    clockwork_bench::with_spread(b)->Unit(benchmark::kNanosecond);
    if (clockwork_bench::smoke()) b->Iterations(2000);
    // The scan only where it ends within a month or so; for the pathological cases it would
    // run for decades (Feb 29 on a Monday) or forever.
    if (c.typical) {
      auto* n = benchmark::RegisterBenchmark((std::string("cron/naive_scan/") + c.name).c_str(),
                                             [&c](benchmark::State& st) { bm_naive(st, c); });
      clockwork_bench::with_spread(n)->Unit(benchmark::kMicrosecond)->Iterations(clockwork_bench::smoke() ? 2 : 300);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  return clockwork_bench::run_main(argc, argv, register_all);
}
