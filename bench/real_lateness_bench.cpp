// Real wake-up lateness for 1 ms periods: how long after its absolute deadline each contender
// of real_contenders.hpp runs again, as p50 / p99 / max over thousands of ticks.
//
// Every contender sleeps to the same phase-aligned deadlines (origin + k·1 ms) and reads the
// wake-up instant with the same steady_clock call, so the figure is wake-up lateness alone:
// kernel timer, scheduler, and whatever the contender runs between the kernel's wake-up and
// the resumed code. The raw clock_nanosleep with 1 ns slack is the floor real_runtime is
// quoted against (target: p99 ≤ 1.2× the floor's p99 in the same run). A warm-up run of 200
// ticks precedes every measured run (1,500 ticks) and is discarded.
//
// The raw samples of every repetition go to <CLOCKWORK_BENCH_DUMP_DIR>/lateness_<name>.txt
// for the distribution chart.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "real_contenders.hpp"

namespace {

using namespace clockwork_bench;

using run_fn = tick_log (*)(const tick_plan&);

tick_plan plan_for(int ticks) {
  tick_plan plan;
  plan.period = std::chrono::milliseconds(1);
  plan.ticks = ticks;
  plan.absolute = true;
  return plan;
}

void bm_lateness(benchmark::State& state, std::string name, run_fn run) {
  // Many short repetitions rather than a few long ones: interleaved at random, a burst of
  // outside load then spreads over every contender instead of spoiling one repetition's p99.
  const int ticks = smoke() ? 50 : 1500;
  const int warmup = smoke() ? 10 : 200;
  std::vector<double> late;
  std::int64_t canceled = 0;
  for (auto _ : state) {
    state.PauseTiming();
    (void)run(plan_for(warmup));
    state.ResumeTiming();
    const tick_log log = run(plan_for(ticks));
    late = log.lateness();
    canceled = log.canceled_without_stop;
  }
  dump_values("lateness_" + name + ".txt", late);
  std::sort(late.begin(), late.end());
  double sum = 0;
  for (double v : late) sum += v;
  state.counters["p50_ns"] = percentile(late, 50);
  state.counters["p90_ns"] = percentile(late, 90);
  state.counters["p99_ns"] = percentile(late, 99);
  state.counters["max_ns"] = late.empty() ? 0.0 : late.back();
  state.counters["mean_ns"] = late.empty() ? 0.0 : sum / static_cast<double>(late.size());
  state.counters["ticks"] = static_cast<double>(late.size());
  state.counters["canceled_without_stop"] = static_cast<double>(canceled);
}

void register_all() {
  auto add = [](const std::string& name, run_fn run) {
    with_spread(benchmark::RegisterBenchmark(("lateness/" + name).c_str(), bm_lateness, name, run))
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  };
  add("nanosleep_slack1", run_nanosleep_slack1);
  add("nanosleep_default", run_nanosleep_default);
  add("timerfd", run_timerfd);
  add("asio", run_asio);
  add("clockwork_delay", run_clockwork_delay);
  add("clockwork_periodic", run_clockwork_periodic);
}

}  // namespace

int main(int argc, char** argv) {
  return clockwork_bench::run_main(argc, argv, register_all);
}
