// Overheads of clockwork's real runtime, each next to what a Boost.Asio-style program (standalone
// asio, C++20 coroutines, one io_context with concurrency hint 1) pays for the same thing:
//
//   zero_delay     co_await rt.delay(0ns) — must complete through the ready queue, never an OS
//                  timer (target < 1 µs). asio_timer: steady_timer with a zero expiry, awaited
//                  (asio schedules it through its timer queue and timerfd). References: asio's
//                  own yield (co_await asio::post), clockwork's rt.yield(), and the same delay
//                  on virtual_runtime.
//   cpu_per_tick   process CPU time (CLOCK_PROCESS_CPUTIME_ID, every thread) per 1 ms tick,
//                  for each contender of real_contenders.hpp over the same 2,000 ticks.
//   spawn_stop     spawn N coroutines that wait on a stop token (rt.delay with no deadline and
//                  a token — .NET's Task.Delay(Infinite, token)), run until all are parked,
//                  request stop on the loop thread, run until every one has exited. Reported:
//                  the whole (target < 1 s for 100k) and stop-to-all-exited (target < 10 ms for
//                  10k). Every waiter ends by letting operation_canceled propagate, as a
//                  service written with delay does; the clockwork_real_try_delay row writes the
//                  same waiter with try_delay, which answers false instead of throwing; the
//                  clockwork_real_two_throws row prices the path before the spawn wrapper
//                  settled (the wrapper awaited the child, whose awaiter rethrew): each waiter
//                  sits under a coroutine that awaits it and catches the rethrown exception,
//                  two throw/catch cycles per waiter (and one frame more), and throws its own
//                  exception as it did before (from an out-of-line await_resume, one frame
//                  more to unwind); clockwork_real_wrapped is the same shape with a wrapper that
//                  settles and today's waiter, so two_throws - wrapped is what the spawn wrapper
//                  and the wait no longer pay, and the clockwork_real row plus that difference
//                  is the code before. asio's idiom for "wait until
//                  stopped" is one never-expiring steady_timer that every waiter awaits and stop cancels; its waiters
//                  also end by letting the exception (operation_aborted) propagate to co_spawn's completion handler.
//   reference      one throw/catch of operation_canceled and one std::rethrow_exception/catch,
//                  to read the spawn_stop figures by (cancellation reaches waiters that way).
// Memory per idle service is in memory_bench.cpp (its own process, so that the RSS it reads
// is not muddied by these).
#include <benchmark/benchmark.h>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <stop_token>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "bench_common.hpp"
#include "clockwork/errors.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/task.hpp"
#include "real_contenders.hpp"

#include "clockwork/runtime/real_runtime.hpp"

namespace {

using namespace clockwork_bench;
using std::chrono::nanoseconds;

// ---- zero-delay wait ---------------------------------------------------------------------

void set_per_op(benchmark::State& state, std::int64_t elapsed_ns, std::int64_t ops) {
  state.counters["ns_per_op"] = ops > 0 ? static_cast<double>(elapsed_ns) / static_cast<double>(ops) : 0.0;
  state.counters["ops"] = static_cast<double>(ops);
}

clockwork::task<> zero_delays(clockwork::runtime& rt, int count) {
  for (int i = 0; i < count; ++i) co_await rt.delay(nanoseconds(0));
}

clockwork::task<> yields(clockwork::runtime& rt, int count) {
  for (int i = 0; i < count; ++i) co_await rt.yield();
}

template <class Runtime>
std::unique_ptr<Runtime> make_runtime() {
  if constexpr (std::is_same_v<Runtime, clockwork::virtual_runtime>) {
    // Zero delays never move virtual time: millions of them at one instant is exactly what the
    // livelock budget is there to catch, so this reference row lifts it.
    clockwork::virtual_runtime_options options;
    options.step_budget = std::numeric_limits<std::uint64_t>::max();
    return std::make_unique<Runtime>(options);
  } else {
    return std::make_unique<Runtime>();
  }
}

template <class Runtime, bool Yield>
void bm_zero_delay_clockwork(benchmark::State& state) {
  const int batch = smoke() ? 1'000 : 100'000;
  auto owner = make_runtime<Runtime>();
  Runtime& rt = *owner;
  rt.block_on(zero_delays(rt, batch));  // warm-up: first allocations, first page faults
  std::int64_t ops = 0;
  const std::int64_t start = mono_ns();
  for (auto _ : state) {
    if constexpr (Yield) {
      rt.block_on(yields(rt, batch));
    } else {
      rt.block_on(zero_delays(rt, batch));
    }
    ops += batch;
  }
  set_per_op(state, mono_ns() - start, ops);
}

asio::awaitable<void> asio_zero_timers(asio::steady_timer& timer, int count) {
  for (int i = 0; i < count; ++i) {
    timer.expires_after(nanoseconds(0));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<void> asio_posts(asio::io_context& io, int count) {
  for (int i = 0; i < count; ++i) co_await asio::post(io, asio::use_awaitable);
}

template <bool Post>
void bm_zero_delay_asio(benchmark::State& state) {
  const int batch = smoke() ? 100 : (Post ? 100'000 : 5'000);
  asio::io_context io{1};
  asio::steady_timer timer{io};
  auto run_batch = [&io, &timer, batch] {
    io.restart();
    if constexpr (Post) {
      asio::co_spawn(io, asio_posts(io, batch), asio::detached);
    } else {
      asio::co_spawn(io, asio_zero_timers(timer, batch), asio::detached);
    }
    io.run();
  };
  run_batch();  // warm-up
  std::int64_t ops = 0;
  const std::int64_t start = mono_ns();
  for (auto _ : state) {
    run_batch();
    ops += batch;
  }
  set_per_op(state, mono_ns() - start, ops);
}

// ---- CPU per tick ------------------------------------------------------------------------

using run_fn = tick_log (*)(const tick_plan&);

void bm_cpu_per_tick(benchmark::State& state, run_fn run) {
  tick_plan plan;
  plan.period = std::chrono::milliseconds(1);
  plan.ticks = smoke() ? 50 : 2'000;
  plan.absolute = true;
  tick_plan warmup = plan;
  warmup.ticks = smoke() ? 10 : 100;
  std::int64_t cpu = 0;
  std::size_t ticks = 0;
  std::int64_t canceled = 0;
  for (auto _ : state) {
    state.PauseTiming();
    (void)run(warmup);
    state.ResumeTiming();
    const std::int64_t before = process_cpu_ns();
    const tick_log log = run(plan);
    cpu = process_cpu_ns() - before;
    ticks = log.wake.size();
    canceled = log.canceled_without_stop;
  }
  state.counters["cpu_ns_per_tick"] = ticks > 0 ? static_cast<double>(cpu) / static_cast<double>(ticks) : 0.0;
  state.counters["ticks"] = static_cast<double>(ticks);
  state.counters["canceled_without_stop"] = static_cast<double>(canceled);
}

// ---- spawn + stop ------------------------------------------------------------------------

struct stop_timings {
  std::int64_t start = 0;      // before the first spawn
  std::int64_t parked = 0;     // every waiter suspended
  std::int64_t stop = 0;       // just before request_stop
  std::int64_t requested = 0;  // request_stop returned (stop callbacks ran)
  std::int64_t exited = 0;     // every waiter exited
  std::size_t left = 0;        // waiters still alive at the end (must be 0)
};

void set_stop_counters(benchmark::State& state, const stop_timings& t, std::int64_t n) {
  state.counters["waiters"] = static_cast<double>(n);
  state.counters["total_ms"] = static_cast<double>(t.exited - t.start) / 1e6;
  state.counters["spawn_park_ms"] = static_cast<double>(t.parked - t.start) / 1e6;
  state.counters["stop_to_exit_ms"] = static_cast<double>(t.exited - t.stop) / 1e6;
  state.counters["request_stop_ms"] = static_cast<double>(t.requested - t.stop) / 1e6;
  state.counters["ns_per_waiter"] = static_cast<double>(t.exited - t.start) / static_cast<double>(n);
  if (t.left != 0) state.SkipWithError("some waiters did not exit");
}

clockwork::task<> stop_waiter(clockwork::runtime& rt, std::stop_token token) {
  // No deadline: only the token ends this wait (it arms no timer).
  co_await rt.delay(nanoseconds::max(), token);
}

// The same waiter written with try_delay: a stop ends it with `false`, no exception.
clockwork::task<> stop_waiter_no_throw(clockwork::runtime& rt, std::stop_token token) {
  const bool waited = co_await rt.try_delay(nanoseconds::max(), token);
  (void)waited;
}

// The wait as it was before its await_resume was forced inline: the stop's exception thrown from
// a frame of its own between the throw and the coroutine's handler, as GCC compiled it then (the
// unwinder passes that frame twice, once to find the handler and once to run it).
class delay_as_before {
 public:
  explicit delay_as_before(clockwork::delay_awaitable wait) : wait_(std::move(wait)) {}
  bool await_ready() const noexcept { return wait_.await_ready(); }
  void await_suspend(std::coroutine_handle<> h) { wait_.await_suspend(h); }
  [[gnu::noinline]] void await_resume() const { wait_.await_resume(); }

 private:
  clockwork::delay_awaitable wait_;
};

// The waiter as it was before: the same wait, its exception thrown the way it was then.
clockwork::task<> stop_waiter_as_before(clockwork::runtime& rt, std::stop_token token) {
  co_await delay_as_before(rt.delay(nanoseconds::max(), token));
}

// The spawn wrapper as it was before it settled: it awaited the child task, whose awaiter
// rethrew the child's exception, and caught it — a second throw per cancelled waiter.
clockwork::task<> rethrowing_wrapper(clockwork::task<> child) {
  try {
    co_await std::move(child);
  } catch (const clockwork::operation_canceled&) {
  }
}

// The same wrapper shape with today's settle(): what the rethrow alone costs is the difference
// between the two_throws row and this one (the extra frame and resume cancel out).
clockwork::task<> settling_wrapper(clockwork::task<> child) {
  const std::exception_ptr error = co_await std::move(child).settle();
  (void)error;
}

enum class waiter_style { delay, try_delay, two_throws, wrapped };

clockwork::task<> make_waiter(clockwork::runtime& rt, std::stop_token token, waiter_style style) {
  switch (style) {
    case waiter_style::try_delay: return stop_waiter_no_throw(rt, std::move(token));
    case waiter_style::two_throws: return rethrowing_wrapper(stop_waiter_as_before(rt, std::move(token)));
    case waiter_style::wrapped: return settling_wrapper(stop_waiter(rt, std::move(token)));
    case waiter_style::delay: break;
  }
  return stop_waiter(rt, std::move(token));
}

// Spawned after the waiters, so it first runs once every waiter has parked (FIFO).
clockwork::task<> stop_controller(clockwork::runtime& rt, std::stop_source* stop, stop_timings* t) {
  t->parked = mono_ns();
  t->stop = mono_ns();
  stop->request_stop();
  t->requested = mono_ns();
  // Cancelled waits resume through the ready queue, ahead of this coroutine's yield.
  while (rt.live_tasks() > 1) co_await rt.yield();
  t->exited = mono_ns();
}

template <class Runtime, waiter_style Style = waiter_style::delay>
void bm_spawn_stop_clockwork(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  stop_timings t;
  for (auto _ : state) {
    auto rt = std::make_unique<Runtime>();
    std::stop_source stop;
    t = {};
    t.start = mono_ns();
    for (std::int64_t i = 0; i < n; ++i) {
      rt->spawn(make_waiter(*rt, stop.get_token(), Style), "waiter");
    }
    rt->block_on(stop_controller(*rt, &stop, &t));
    t.left = rt->live_tasks();
    state.PauseTiming();  // the runtime's destructor is not part of stop
    rt.reset();
    state.ResumeTiming();
  }
  set_stop_counters(state, t, n);
}

asio::awaitable<void> asio_stop_waiter(asio::steady_timer& stop_timer) {
  co_await stop_timer.async_wait(asio::use_awaitable);
}

asio::awaitable<void> asio_stop_controller(asio::io_context& io, asio::steady_timer& stop_timer,
                                           const std::int64_t& exited, std::int64_t n, stop_timings& t) {
  t.parked = mono_ns();
  t.stop = mono_ns();
  stop_timer.cancel();
  t.requested = mono_ns();
  while (exited < n) co_await asio::post(io, asio::use_awaitable);
  t.exited = mono_ns();
}

void bm_spawn_stop_asio(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  stop_timings t;
  for (auto _ : state) {
    auto io = std::make_unique<asio::io_context>(1);
    auto stop_timer = std::make_unique<asio::steady_timer>(*io, asio::steady_timer::time_point::max());
    std::int64_t exited = 0;
    t = {};
    t.start = mono_ns();
    for (std::int64_t i = 0; i < n; ++i) {
      asio::co_spawn(*io, asio_stop_waiter(*stop_timer), [&exited](const std::exception_ptr&) { ++exited; });
    }
    asio::co_spawn(*io, asio_stop_controller(*io, *stop_timer, exited, n, t), asio::detached);
    io->run();
    t.left = static_cast<std::size_t>(n - exited);
    state.PauseTiming();  // teardown is not part of stop
    stop_timer.reset();
    io.reset();
    state.ResumeTiming();
  }
  set_stop_counters(state, t, n);
}

// ---- reference: the price of one exception --------------------------------------------------
// Cancellation reaches a waiter as operation_canceled; these two rows price one throw/catch
// and one std::rethrow_exception/catch on this machine, to read the spawn_stop figures by.

void bm_throw_catch(benchmark::State& state) {
  std::int64_t ops = 0;
  const std::int64_t start = mono_ns();
  for (auto _ : state) {
    try {
      throw clockwork::operation_canceled{};
    } catch (const clockwork::operation_canceled& e) {
      benchmark::DoNotOptimize(&e);
    }
    ++ops;
  }
  set_per_op(state, mono_ns() - start, ops);
}

void bm_rethrow_catch(benchmark::State& state) {
  const std::exception_ptr error = std::make_exception_ptr(clockwork::operation_canceled{});
  std::int64_t ops = 0;
  const std::int64_t start = mono_ns();
  for (auto _ : state) {
    try {
      std::rethrow_exception(error);
    } catch (const clockwork::operation_canceled& e) {
      benchmark::DoNotOptimize(&e);
    }
    ++ops;
  }
  set_per_op(state, mono_ns() - start, ops);
}

void register_all() {
  auto zero = [](const char* name, void (*fn)(benchmark::State&)) {
    auto* b = with_spread(benchmark::RegisterBenchmark(name, fn))->UseRealTime()->Unit(benchmark::kMicrosecond);
    if (smoke()) b->Iterations(2);
  };
  zero("zero_delay/clockwork_real", bm_zero_delay_clockwork<clockwork::real_runtime, false>);
  zero("zero_delay/clockwork_real_yield", bm_zero_delay_clockwork<clockwork::real_runtime, true>);
  zero("zero_delay/clockwork_virtual", bm_zero_delay_clockwork<clockwork::virtual_runtime, false>);
  zero("zero_delay/asio_timer", bm_zero_delay_asio<false>);
  zero("zero_delay/asio_post", bm_zero_delay_asio<true>);

  auto cpu = [](const std::string& name, run_fn run) {
    with_spread(benchmark::RegisterBenchmark(("cpu_per_tick/" + name).c_str(), bm_cpu_per_tick, run))
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  };
  cpu("nanosleep_slack1", run_nanosleep_slack1);
  cpu("timerfd", run_timerfd);
  cpu("asio", run_asio);
  cpu("clockwork_delay", run_clockwork_delay);
  cpu("clockwork_periodic", run_clockwork_periodic);

  zero("reference/throw_catch", bm_throw_catch);
  zero("reference/rethrow_catch", bm_rethrow_catch);

  const std::vector<std::int64_t> sizes =
      smoke() ? std::vector<std::int64_t>{1'000} : std::vector<std::int64_t>{10'000, 100'000};
  for (auto n : sizes) {
    auto stop = [n](const char* name, void (*fn)(benchmark::State&)) {
      with_spread(benchmark::RegisterBenchmark(name, fn))
          ->Arg(n)
          ->Iterations(1)
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    };
    stop("spawn_stop/clockwork_real", bm_spawn_stop_clockwork<clockwork::real_runtime>);
    stop("spawn_stop/clockwork_real_try_delay",
         bm_spawn_stop_clockwork<clockwork::real_runtime, waiter_style::try_delay>);
    stop("spawn_stop/clockwork_real_two_throws",
         bm_spawn_stop_clockwork<clockwork::real_runtime, waiter_style::two_throws>);
    stop("spawn_stop/clockwork_real_wrapped", bm_spawn_stop_clockwork<clockwork::real_runtime, waiter_style::wrapped>);
    stop("spawn_stop/clockwork_virtual", bm_spawn_stop_clockwork<clockwork::virtual_runtime>);
    stop("spawn_stop/asio", bm_spawn_stop_asio);
  }
}

}  // namespace

int main(int argc, char** argv) {
  return clockwork_bench::run_main(argc, argv, register_all);
}
