// Virtual-time throughput: timer events per second of real time when N coroutines sleep and
// re-arm on a virtual clock (N = 1k, 100k, 1M; periods from virtual_workload.hpp).
//
// Contenders, all on the same workload, same simulated slices, same warm-up:
//   floor                      baseline_floor.hpp: bare coroutine + std::priority_queue loop.
//   clockwork_delay            virtual_runtime, co_await rt.delay(period) — the full delay path
//                              (awaitable, intrusive heap, task records, watchdog, ready queue).
//   clockwork_delay_token      the same with a live stop token, as a service passes it: each
//                              wait also joins and leaves the stop callback its token's waits
//                              share (detail/stop_registrations.hpp).
//   clockwork_periodic_timer   periodic_timer::next_tick, which ticks on the same instants.
// The @sinonjs/fake-timers peer runs the same workload in fake_timers_peer.js.
//
// Fairness: the floor keeps clockwork's ordering contract (deadline, then arm order), so every
// contender fires the same events in the same order; the events counter proves it (equal
// counts for equal iterations). Setup (spawning, first arming) and two warm-up slices are
// outside the timed region; each timed iteration advances one simulated slice.
//
// Counts instead of times: `clockwork-bench-virtual-throughput --count CONTENDER TIMERS SLICES`
// sets a contender up as above, then runs SLICES slices inside counted_slices() and prints the
// events they fired. tools/bench.sh runs it under valgrind's callgrind, collecting inside
// counted_slices only (--toggle-collect), with its cache simulator: instructions and cache misses
// per event, which repeat run after run whatever else the machine does (wall time on a shared
// 2-core machine does not).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "baseline_floor.hpp"
#include "bench_common.hpp"
#include "clockwork/runtime/periodic_timer.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/task.hpp"
#include "virtual_workload.hpp"

namespace {

using namespace clockwork_bench;
using std::chrono::milliseconds;

constexpr int warmup_slices = 2;

// Timed iterations per repetition: about two million events whatever N is.
benchmark::IterationCount iterations_for(std::size_t timers) {
  if (smoke()) return 3;
  if (timers <= 1'000) return 100;
  if (timers <= 100'000) return 40;
  return 25;
}

void set_counters(benchmark::State& state, std::size_t timers, std::uint64_t events, std::int64_t checksum) {
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events"] = static_cast<double>(events);
  state.counters["timers"] = static_cast<double>(timers);
  state.counters["period_sum_ms"] = static_cast<double>(checksum);
}

// ---- floor -------------------------------------------------------------------------------

void bm_floor(benchmark::State& state) {
  const auto timers = static_cast<std::size_t>(state.range(0));
  const auto periods = workload_periods_ms(timers);
  const std::int64_t slice = std::chrono::nanoseconds(workload_slice(timers)).count();

  floor_loop::scheduler sched;
  std::vector<floor_loop::sleeper> sleepers;
  sleepers.reserve(timers);
  for (auto ms : periods) sleepers.push_back(floor_loop::sleep_forever(sched, ms * 1'000'000));
  for (int i = 0; i < warmup_slices; ++i) sched.advance_to(sched.now() + slice);

  std::uint64_t events = 0;
  for (auto _ : state) events += sched.advance_to(sched.now() + slice);

  set_counters(state, timers, events, period_sum_ms(periods));
  for (auto& s : sleepers) s.handle.destroy();
}

// ---- clockwork ---------------------------------------------------------------------------

clockwork::task<> delay_sleeper(clockwork::runtime& rt, std::chrono::nanoseconds period) {
  for (;;) co_await rt.delay(period);
}

clockwork::task<> delay_sleeper_token(clockwork::runtime& rt, std::chrono::nanoseconds period, std::stop_token token) {
  for (;;) co_await rt.delay(period, token);
}

clockwork::task<> tick_sleeper(clockwork::runtime& rt, std::chrono::nanoseconds period) {
  clockwork::periodic_timer timer{rt, period};
  for (;;) {
    const bool ticked = co_await timer.next_tick();
    if (!ticked) break;
  }
}

enum class variant { delay, delay_token, periodic_timer };

clockwork::virtual_runtime_options bench_options() {
  clockwork::virtual_runtime_options options;
  // Many sleepers share whole-millisecond deadlines: at 1M timers a few hundred thousand
  // events can fall on one instant. The livelock budget counts them; it costs the same at
  // any value, so it is raised rather than tripped.
  options.step_budget = std::numeric_limits<std::uint64_t>::max();
  return options;
}

template <variant V>
void bm_clockwork(benchmark::State& state) {
  const auto timers = static_cast<std::size_t>(state.range(0));
  const auto periods = workload_periods_ms(timers);
  const auto slice = workload_slice(timers);

  std::stop_source stop;  // never stopped; only makes the tokens live
  auto rt = std::make_unique<clockwork::virtual_runtime>(bench_options());
  for (auto ms : periods) {
    const milliseconds period{ms};
    if constexpr (V == variant::delay) {
      rt->spawn(delay_sleeper(*rt, period), "sleeper");
    } else if constexpr (V == variant::delay_token) {
      rt->spawn(delay_sleeper_token(*rt, period, stop.get_token()), "sleeper");
    } else {
      rt->spawn(tick_sleeper(*rt, period), "sleeper");
    }
  }
  rt->run_until_idle();  // every sleeper armed its first wait
  for (int i = 0; i < warmup_slices; ++i) rt->advance_by(slice);

  std::uint64_t events = 0;
  for (auto _ : state) events += rt->advance_by(slice);

  set_counters(state, timers, events, period_sum_ms(periods));
  // The runtime is destroyed after the timed loop ended: teardown is not measured.
}

// ---- counts (under callgrind) ----------------------------------------------------------------

// The region callgrind collects in (--toggle-collect=*counted_slices*): never inlined, so that it
// exists under its name.
[[gnu::noinline]] std::uint64_t counted_slices(int slices, const std::function<std::uint64_t()>& one_slice) {
  std::uint64_t events = 0;
  for (int i = 0; i < slices; ++i) events += one_slice();
  return events;
}

int count_main(const std::string& contender, std::size_t timers, int slices) {
  const auto periods = workload_periods_ms(timers);
  const auto slice = workload_slice(timers);
  std::uint64_t events = 0;
  if (contender == "floor") {
    floor_loop::scheduler sched;
    std::vector<floor_loop::sleeper> sleepers;
    sleepers.reserve(timers);
    for (auto ms : periods) sleepers.push_back(floor_loop::sleep_forever(sched, ms * 1'000'000));
    const std::int64_t ns = std::chrono::nanoseconds(slice).count();
    for (int i = 0; i < warmup_slices; ++i) sched.advance_to(sched.now() + ns);
    events = counted_slices(slices, [&] { return static_cast<std::uint64_t>(sched.advance_to(sched.now() + ns)); });
    for (auto& s : sleepers) s.handle.destroy();
  } else {
    std::stop_source stop;
    clockwork::virtual_runtime rt(bench_options());
    for (auto ms : periods) {
      const milliseconds period{ms};
      if (contender == "clockwork_delay") {
        rt.spawn(delay_sleeper(rt, period), "sleeper");
      } else if (contender == "clockwork_delay_token") {
        rt.spawn(delay_sleeper_token(rt, period, stop.get_token()), "sleeper");
      } else if (contender == "clockwork_periodic_timer") {
        rt.spawn(tick_sleeper(rt, period), "sleeper");
      } else {
        std::fprintf(stderr,
                     "--count: no contender named %s (floor, clockwork_delay, clockwork_delay_token, "
                     "clockwork_periodic_timer)\n",
                     contender.c_str());
        return 2;
      }
    }
    rt.run_until_idle();
    for (int i = 0; i < warmup_slices; ++i) rt.advance_by(slice);
    events = counted_slices(slices, [&] { return static_cast<std::uint64_t>(rt.advance_by(slice)); });
  }
  std::printf("{\"contender\": \"%s\", \"timers\": %zu, \"slices\": %d, \"events\": %llu}\n", contender.c_str(), timers,
              slices, static_cast<unsigned long long>(events));
  return 0;
}

void register_all() {
  const std::vector<std::int64_t> sizes =
      smoke() ? std::vector<std::int64_t>{1'000, 10'000} : std::vector<std::int64_t>{1'000, 100'000, 1'000'000};
  for (auto n : sizes) {
    const auto iters = iterations_for(static_cast<std::size_t>(n));
    auto add = [&](const char* name, void (*fn)(benchmark::State&)) {
      with_spread(benchmark::RegisterBenchmark(name, fn))
          ->Arg(n)
          ->Iterations(iters)
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    };
    add("virtual/floor", bm_floor);
    add("virtual/clockwork_delay", bm_clockwork<variant::delay>);
    add("virtual/clockwork_delay_token", bm_clockwork<variant::delay_token>);
    add("virtual/clockwork_periodic_timer", bm_clockwork<variant::periodic_timer>);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--count") == 0) {
    if (argc != 5) {
      std::fprintf(stderr, "usage: %s --count CONTENDER TIMERS SLICES\n", argv[0]);
      return 2;
    }
    return count_main(argv[2], std::strtoull(argv[3], nullptr, 10), std::atoi(argv[4]));
  }
  return clockwork_bench::run_main(argc, argv, register_all);
}
