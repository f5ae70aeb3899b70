// A year of a minutely cron job in virtual time: a recurring_job on "* * * * *" (525,601 runs:
// the start instant is an occurrence too; each waited for on the wall clock, with its trace
// events and schedule bookkeeping) against
// the floor of the same number of plain one-minute delays in one coroutine, measured in the
// same run.
//
//   build/bench/bench/clockwork-bench-recurring-job --benchmark_repetitions=5
#include <chrono>
#include <cstdint>

#include "bench_common.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/schedule/recurring_job.hpp"
#include "clockwork/task.hpp"

namespace {

using namespace std::chrono_literals;

std::chrono::hours span() {
  return clockwork_bench::smoke() ? std::chrono::hours(24) : std::chrono::hours(24 * 365);
}

clockwork::task<> minutely_delays(clockwork::runtime& rt, std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) co_await rt.delay(1min);
}

void bm_plain_delays(benchmark::State& state) {
  const auto runs = std::chrono::duration_cast<std::chrono::minutes>(span()).count();
  for (auto _ : state) {
    clockwork::virtual_runtime rt;
    rt.block_on(minutely_delays(rt, runs));
  }
  state.counters["runs"] = static_cast<double>(runs);
  state.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsIterationInvariantRate);
}

clockwork::task<> run_host_for(clockwork::host& app, clockwork::virtual_runtime& rt, std::chrono::nanoseconds d) {
  co_await app.start();
  co_await rt.delay(d);
  co_await app.stop();
}

void bm_recurring_job(benchmark::State& state) {
  std::uint64_t runs = 0;
  for (auto _ : state) {
    clockwork::virtual_runtime rt;
    clockwork::host_builder builder{rt};
    clockwork::recurring_job_options o;
    o.schedule = clockwork::job_schedule::cron("* * * * *", clockwork::cron::dialect::cronos5, "UTC");
    std::uint64_t done = 0;
    clockwork::add_recurring_job(builder, "minutely", o, [&done](clockwork::job_run&) -> clockwork::task<> {
      ++done;
      co_return;
    });
    auto app = builder.build();
    rt.block_on(run_host_for(app, rt, span() + 30s));
    runs = done;
  }
  state.counters["runs"] = static_cast<double>(runs);
  state.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsIterationInvariantRate);
}

void register_all() {
  benchmark::RegisterBenchmark("recurring/floor_plain_delays", bm_plain_delays)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("recurring/minutely_cron_job_for_a_year", bm_recurring_job)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  return clockwork_bench::run_main(argc, argv, register_all);
}
