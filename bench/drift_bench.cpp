// Drift: 10,000 ticks at 1 ms with 200 µs of busy work per tick. Drift of tick k is its wake-up
// instant minus the ideal origin + k·1 ms; the question is whether it grows with k.
//
// Contenders (real_contenders.hpp), each doing the same busy_for(200 µs) after every tick:
//   clockwork_periodic  periodic_timer::next_tick — phase-aligned, must not grow.
//   clockwork_delay     while { work; co_await rt.delay(1 ms) } — each tick starts a fresh
//                       1 ms after the work, so it drifts by work + lateness per tick (by
//                       design of the loop, not a defect of the runtime).
//   asio_relative       asio's equivalent of that loop: expires_after(1 ms) + async_wait.
//   asio_absolute       asio written carefully: expires_at(origin + k·1 ms), drift-free.
// Drift is measured against the grid point a tick stands for (real_contenders.hpp, tick_log::
// drift): a periodic timer that coalesced missed ticks reports them in `coalesced`, not as
// drift. Counters: drift at ticks 1k, 5k, 10k; growth = median drift of the last 1,000 ticks minus
// that of the first 1,000; least-squares slope in ns per tick. Every tenth tick's drift goes to
// <CLOCKWORK_BENCH_DUMP_DIR>/drift_<name>.txt ("tick drift_ns" per line) for the chart. A
// warm-up run of 200 ticks precedes every measured run and is discarded.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "real_contenders.hpp"

namespace {

using namespace clockwork_bench;

using run_fn = tick_log (*)(const tick_plan&);

tick_plan plan_for(int ticks, bool absolute) {
  tick_plan plan;
  plan.period = std::chrono::milliseconds(1);
  plan.ticks = ticks;
  plan.absolute = absolute;
  plan.work = std::chrono::microseconds(200);
  return plan;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return percentile(v, 50);
}

// Least-squares slope of drift against tick number.
double slope(const std::vector<double>& drift) {
  const auto n = static_cast<double>(drift.size());
  if (drift.size() < 2) return 0.0;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < drift.size(); ++i) {
    const auto x = static_cast<double>(i + 1);
    sx += x;
    sy += drift[i];
    sxx += x * x;
    sxy += x * drift[i];
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

void bm_drift(benchmark::State& state, std::string name, run_fn run, bool absolute) {
  const int ticks = smoke() ? 200 : 10'000;
  std::vector<double> drift;
  std::int64_t coalesced = 0;
  std::int64_t canceled = 0;
  for (auto _ : state) {
    state.PauseTiming();
    (void)run(plan_for(smoke() ? 20 : 200, absolute));
    state.ResumeTiming();
    const tick_log log = run(plan_for(ticks, absolute));
    drift = log.drift(std::chrono::milliseconds(1), absolute);
    coalesced = absolute ? log.coalesced(std::chrono::milliseconds(1)) : 0;
    canceled = log.canceled_without_stop;
  }
  const auto at = [&drift](std::size_t tick) { return tick <= drift.size() ? drift[tick - 1] : drift.back(); };
  const std::size_t window = std::min<std::size_t>(1'000, drift.size() / 2);
  const double early = median_of({drift.begin(), drift.begin() + static_cast<std::ptrdiff_t>(window)});
  const double late = median_of({drift.end() - static_cast<std::ptrdiff_t>(window), drift.end()});
  state.counters["drift_1k_ns"] = at(smoke() ? 20 : 1'000);
  state.counters["drift_5k_ns"] = at(smoke() ? 100 : 5'000);
  state.counters["drift_10k_ns"] = at(static_cast<std::size_t>(ticks));
  state.counters["growth_ns"] = late - early;
  state.counters["slope_ns_per_tick"] = slope(drift);
  state.counters["ticks"] = static_cast<double>(drift.size());
  state.counters["coalesced"] = static_cast<double>(coalesced);
  state.counters["canceled_without_stop"] = static_cast<double>(canceled);

  std::vector<std::string> lines;
  for (std::size_t i = 9; i < drift.size(); i += 10) {
    lines.push_back(std::to_string(i + 1) + " " + std::to_string(static_cast<long long>(drift[i])));
  }
  dump_values("drift_" + name + ".txt", lines);
}

void register_all() {
  auto add = [](const std::string& name, run_fn run, bool absolute) {
    with_spread(benchmark::RegisterBenchmark(("drift/" + name).c_str(), bm_drift, name, run, absolute))
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  };
  add("clockwork_periodic", run_clockwork_periodic, true);
  add("clockwork_delay", run_clockwork_delay, false);
  add("asio_relative", run_asio, false);
  add("asio_absolute", run_asio, true);
}

}  // namespace

int main(int argc, char** argv) {
  return clockwork_bench::run_main(argc, argv, register_all);
}
