// Exploring the DailyLog scenario (100 users, 30 simulated days) under chaos: seeds per second
// with faults on, against the same seeds with no fault injected and the cost of the
// determinism double-run, measured in the same run; and the memory one seed's run leaves
// behind (a passing seed keeps no trace).
//
//   build/bench/bench/clockwork-bench-explore --benchmark_repetitions=5
#include <chrono>
#include <cstdint>

#include <spdlog/common.h>

#include "bench_common.hpp"
#include "clockwork/scenarios/explore_scenarios.hpp"
#include "clockwork/testing/explore.hpp"

namespace {

constexpr std::uint64_t seeds_per_iteration = 20;

std::uint32_t users() {
  return clockwork_bench::smoke() ? 5 : 100;
}
int days() {
  return clockwork_bench::smoke() ? 2 : 30;
}

// One iteration explores seeds_per_iteration seeds; each iteration starts where the last ended,
// so that every seed is a new one.
// The scenario logs from info up, as production does; log_level debug records the service's line
// per log created too (3,000 a seed), the price of exploring with every line kept.
// `threads`: explore_options::jobs. The CPU time of the whole process (every thread) per seed is
// reported beside the rate: on a shared machine it moves less than wall time does.
void explore_seeds(benchmark::State& state, clockwork::chaos_options chaos, double determinism_check,
                   std::uint64_t kind_probability_percent, spdlog::level::level_enum log_level = spdlog::level::info,
                   unsigned threads = 1) {
  chaos.kind_enabled = static_cast<double>(kind_probability_percent) / 100.0;
  const auto make = [log_level] {
    auto s = clockwork::scenarios::daily_log_explored(users(), days());
    s.log_level = log_level;
    return s;
  };
  const auto scenario = make();
  std::uint64_t next_seed = 1;
  std::uint64_t failed = 0;
  std::uint64_t faults = 0;
  const std::int64_t cpu_before = clockwork_bench::process_cpu_ns();
  for (auto _ : state) {
    clockwork::testing::explore_options o;
    o.seeds = seeds_per_iteration * threads;  // the same seeds per thread as on one
    o.first_seed = next_seed;
    o.chaos = chaos;
    o.determinism_check = determinism_check;
    o.shrink = false;
    o.jobs = threads;
    o.fresh_scenario = make;
    const auto found = clockwork::testing::explore(scenario, o);
    next_seed += o.seeds;
    failed += found.failed + found.not_deterministic;
    for (const auto& s : found.seeds) faults += s.faults;
  }
  const double cpu_ms = static_cast<double>(clockwork_bench::process_cpu_ns() - cpu_before) / 1e6;
  if (failed > 0) state.SkipWithError("a seed failed: the correct DailyLog must hold under chaos");
  const auto seeds = static_cast<double>(state.iterations() * seeds_per_iteration * threads);
  state.counters["seeds_per_s"] = benchmark::Counter(seeds, benchmark::Counter::kIsRate);
  state.counters["faults_per_seed"] = static_cast<double>(faults) / seeds;
  state.counters["cpu_ms_per_seed"] = cpu_ms / seeds;
}

void bm_no_faults(benchmark::State& state) {
  explore_seeds(state, clockwork::chaos_options{}, 0.0, 0);
}
void bm_faults(benchmark::State& state) {
  explore_seeds(state, clockwork::scenarios::daily_log_chaos(), 0.0, 50);
}
void bm_faults_two_threads(benchmark::State& state) {
  explore_seeds(state, clockwork::scenarios::daily_log_chaos(), 0.0, 50, spdlog::level::info, 2);
}
void bm_faults_debug_logs(benchmark::State& state) {
  explore_seeds(state, clockwork::scenarios::daily_log_chaos(), 0.0, 50, spdlog::level::debug);
}
void bm_faults_default_double_run(benchmark::State& state) {
  explore_seeds(state, clockwork::scenarios::daily_log_chaos(), 0.1, 50);
}
void bm_faults_every_seed_twice(benchmark::State& state) {
  explore_seeds(state, clockwork::scenarios::daily_log_chaos(), 1.0, 50);
}

// What one passing seed's outcome keeps: its record, no trace (bounded whatever the span).
void bm_memory_per_seed(benchmark::State& state) {
  const auto scenario = clockwork::scenarios::daily_log_explored(users(), days());
  std::uint64_t seed = 1;
  std::size_t kept = 0;
  const auto rss_before = clockwork_bench::rss_bytes();
  for (auto _ : state) {
    clockwork::testing::explore_options o;
    o.seeds = 1;
    o.first_seed = seed++;
    o.chaos = clockwork::scenarios::daily_log_chaos();
    o.determinism_check = 0.0;
    o.shrink = false;
    const auto found = clockwork::testing::explore(scenario, o);
    kept = found.seeds.front().run ? found.seeds.front().run->trace_text.size() : 0;
  }
  state.counters["trace_bytes_kept"] = static_cast<double>(kept);
  // Growth of the resident set over every seed of the benchmark: flat when nothing is kept.
  state.counters["rss_growth_MiB"] = static_cast<double>(clockwork_bench::rss_bytes() - rss_before) / (1024.0 * 1024.0);
}

void register_all() {
  benchmark::RegisterBenchmark("explore/daily_log_no_faults", bm_no_faults)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("explore/daily_log_faults", bm_faults)->UseRealTime()->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("explore/daily_log_faults_two_threads", bm_faults_two_threads)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("explore/daily_log_faults_debug_logs", bm_faults_debug_logs)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("explore/daily_log_faults_10pct_twice", bm_faults_default_double_run)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("explore/daily_log_faults_every_seed_twice", bm_faults_every_seed_twice)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("explore/memory_per_seed", bm_memory_per_seed)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  return clockwork_bench::run_main(argc, argv, register_all);
}
