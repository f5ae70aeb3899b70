// Memory per idle service: 100k coroutines parked on a 24 h delay, each with the host's stop
// token, as an idle background service sits between two runs. Reported per coroutine:
//   rss_bytes   resident-set growth (/proc/self/statm) from before the first spawn to when
//               every coroutine is parked, divided by N — the figure the target (≤ 1 KiB)
//               is about;
//   heap_bytes  growth of the bytes malloc has in use (mallinfo2: every arena, operator new
//               and aligned_alloc alike), divided by N — the same thing without page
//               granularity, as a cross-check.
// Contenders, each holding its own timer per coroutine:
//   floor              baseline_floor.hpp: bare coroutine frame + a std::priority_queue entry.
//   clockwork_virtual  virtual_runtime, co_await rt.delay(24h, token).
//   clockwork_real     real_runtime, the same service.
//   asio               co_spawn'd asio::awaitable with its own steady_timer(24h), awaited.
// The runtimes themselves are created before the first reading: a per-process cost is not a
// per-service cost. Freed memory of the previous contender goes back to the kernel
// (malloc_trim) before each reading, so no contender grows into another's leftovers. This is a
// separate program so that nothing else ran in its heap.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <vector>

#include "baseline_floor.hpp"
#include "bench_common.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/task.hpp"

#include "clockwork/runtime/real_runtime.hpp"

namespace {

// Bytes malloc has handed out and not taken back, all arenas, mmap'd blocks included. It sees
// every allocation — operator new, and the aligned_alloc that asio's recycling allocator uses.
std::int64_t malloc_in_use() {
  const struct mallinfo2 info = ::mallinfo2();
  return static_cast<std::int64_t>(info.uordblks + info.hblkhd);
}

}  // namespace

namespace {

using namespace clockwork_bench;
using std::chrono::hours;

struct reading {
  std::int64_t rss = 0;
  std::int64_t heap = 0;
  static reading now() { return {rss_bytes(), malloc_in_use()}; }
};

reading clean_baseline() {
  ::malloc_trim(0);
  return reading::now();
}

void set_memory_counters(benchmark::State& state, reading before, reading after, std::int64_t n) {
  state.counters["services"] = static_cast<double>(n);
  state.counters["rss_bytes"] = static_cast<double>(after.rss - before.rss) / static_cast<double>(n);
  state.counters["heap_bytes"] = static_cast<double>(after.heap - before.heap) / static_cast<double>(n);
}

std::int64_t services() {
  return smoke() ? 1'000 : 100'000;
}

// ---- floor -------------------------------------------------------------------------------

void bm_floor(benchmark::State& state) {
  const std::int64_t n = services();
  reading before, after;
  for (auto _ : state) {
    auto sched = std::make_unique<floor_loop::scheduler>();
    std::vector<floor_loop::sleeper> parked;
    parked.reserve(static_cast<std::size_t>(n));  // the handles are the benchmark's, not the floor's
    before = clean_baseline();
    for (std::int64_t i = 0; i < n; ++i) {
      parked.push_back(floor_loop::sleep_forever(*sched, std::chrono::nanoseconds(hours(24)).count()));
    }
    after = reading::now();
    state.PauseTiming();
    for (auto& p : parked) p.handle.destroy();
    parked.clear();
    sched.reset();
    state.ResumeTiming();
  }
  set_memory_counters(state, before, after, n);
}

// ---- clockwork ---------------------------------------------------------------------------

clockwork::task<> idle_service(clockwork::runtime& rt, std::stop_token stopping) {
  co_await rt.delay(hours(24), stopping);
}

clockwork::task<> probe(reading* out) {
  *out = reading::now();
  co_return;
}

template <class Runtime>
void bm_clockwork(benchmark::State& state) {
  const std::int64_t n = services();
  reading before, after;
  for (auto _ : state) {
    auto rt = std::make_unique<Runtime>();
    std::stop_source stop;
    before = clean_baseline();
    for (std::int64_t i = 0; i < n; ++i) rt->spawn(idle_service(*rt, stop.get_token()), "idle");
    // The probe runs after every service parked (FIFO); the block_on task that carries it is
    // not counted, because the reading is taken inside it, before it finishes.
    rt->block_on(probe(&after));
    state.PauseTiming();
    rt.reset();
    state.ResumeTiming();
  }
  set_memory_counters(state, before, after, n);
}

// ---- asio --------------------------------------------------------------------------------

asio::awaitable<void> asio_idle_service(asio::io_context& io) {
  asio::steady_timer timer{io, hours(24)};
  co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<void> asio_probe(asio::io_context& io, reading* out) {
  *out = reading::now();
  io.stop();
  co_return;
}

void bm_asio(benchmark::State& state) {
  const std::int64_t n = services();
  reading before, after;
  for (auto _ : state) {
    auto io = std::make_unique<asio::io_context>(1);
    before = clean_baseline();
    for (std::int64_t i = 0; i < n; ++i) asio::co_spawn(*io, asio_idle_service(*io), asio::detached);
    asio::co_spawn(*io, asio_probe(*io, &after), asio::detached);
    io->run();
    state.PauseTiming();
    io.reset();
    state.ResumeTiming();
  }
  set_memory_counters(state, before, after, n);
}

void register_all() {
  auto add = [](const char* name, void (*fn)(benchmark::State&)) {
    with_spread(benchmark::RegisterBenchmark(name, fn))->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
  };
  add("memory/floor", bm_floor);
  add("memory/clockwork_virtual", bm_clockwork<clockwork::virtual_runtime>);
  add("memory/clockwork_real", bm_clockwork<clockwork::real_runtime>);
  add("memory/asio", bm_asio);
}

}  // namespace

int main(int argc, char** argv) {
  return clockwork_bench::run_main(argc, argv, register_all);
}
