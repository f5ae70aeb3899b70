// Durable jobs in virtual time: how many jobs per second the simulated store and a worker get
// through (what a test or an exploration of a jobs scenario pays), against the floor of the same
// store calls made directly from one coroutine (enqueue, claim, complete: no worker, no
// heartbeats, no scope, no trace), measured in the same run.
//
//   build/bench/bench/clockwork-bench-jobs-simulated --benchmark_repetitions=5
#include <chrono>
#include <cstdint>
#include <memory>

#include "bench_common.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/jobs/job_worker.hpp"
#include "clockwork/jobs/simulated_job_store.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/task.hpp"

namespace {

using namespace std::chrono_literals;

std::int64_t job_count() {
  return clockwork_bench::smoke() ? 200 : 20'000;
}

std::vector<clockwork::jobs::new_job> batch(std::int64_t n) {
  std::vector<clockwork::jobs::new_job> out(static_cast<std::size_t>(n));
  for (auto& j : out) j.kind = "bench.noop";
  return out;
}

clockwork::task<> direct(clockwork::jobs::simulated_job_store& store, std::int64_t n) {
  co_await store.enqueue(batch(n));
  clockwork::jobs::claim_request r;
  r.instance = "bench";
  r.queues = {"default"};
  r.kinds = {"bench.noop"};
  r.limit = 16;
  for (;;) {
    const auto claimed = co_await store.claim(r);
    if (claimed.empty()) break;
    for (const auto& j : claimed) co_await store.complete(j.fence());
  }
}

void bm_store_calls_floor(benchmark::State& state) {
  const auto n = job_count();
  for (auto _ : state) {
    clockwork::virtual_runtime rt;
    clockwork::jobs::simulated_job_store store{rt};
    rt.block_on(direct(store, n));
  }
  state.counters["jobs_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

clockwork::task<> run_until_done(clockwork::host& app, clockwork::virtual_runtime& rt,
                                 clockwork::jobs::simulated_job_store& store, std::int64_t n) {
  co_await store.enqueue(batch(n));
  co_await app.start();
  for (;;) {
    const auto stats = co_await store.stats();
    if (static_cast<std::int64_t>(stats.count(clockwork::jobs::job_state::succeeded)) == n) break;
    co_await rt.delay(1s);
  }
  co_await app.stop();
}

void bm_worker(benchmark::State& state) {
  const auto n = job_count();
  for (auto _ : state) {
    clockwork::virtual_runtime rt;
    auto store = std::make_shared<clockwork::jobs::simulated_job_store>(rt);
    clockwork::host_builder builder{rt};
    clockwork::jobs::job_registry registry;
    registry.add("bench.noop", [](clockwork::jobs::job_context&) -> clockwork::task<> { co_return; });
    clockwork::jobs::worker_options o;
    o.concurrency = 16;
    clockwork::jobs::add_job_worker(builder, store, registry, o);
    auto app = builder.build();
    rt.block_on(run_until_done(app, rt, *store, n));
  }
  state.counters["jobs_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

void register_all() {
  // min and max next to the median: the report quotes the median with the spread of the repetitions.
  clockwork_bench::with_spread(benchmark::RegisterBenchmark("jobs_simulated/floor_store_calls", bm_store_calls_floor)
                                   ->UseRealTime()
                                   ->Unit(benchmark::kMillisecond));
  clockwork_bench::with_spread(
      benchmark::RegisterBenchmark("jobs_simulated/worker", bm_worker)->UseRealTime()->Unit(benchmark::kMillisecond));
}

}  // namespace

int main(int argc, char** argv) {
  return clockwork_bench::run_main(argc, argv, register_all);
}
