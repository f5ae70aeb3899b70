// real_runtime runs on the OS clocks, so these tests assert order and counts only: never an exact
// time, never a sleep to wait for something. Whatever must happen "after X" is triggered by X
// itself (a posted callback, a coroutine, the job that started), so every run is the same run
// however loaded the machine is.
#include "clockwork/runtime/real_runtime.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "clockwork/runtime/callback_timer.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::finding_kind;
using clockwork::operation_canceled;
using clockwork::real_runtime;
using clockwork::real_runtime_options;
using clockwork::steady_time;
using clockwork::task;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::shared_ptr<spdlog::logger> capture_logger(std::ostringstream& out) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = std::make_shared<spdlog::logger>("real_runtime_test", std::move(sink));
  logger->set_level(spdlog::level::trace);
  return logger;
}

std::size_t count_findings(const clockwork::runtime& rt, finding_kind kind) {
  std::size_t n = 0;
  for (const auto& f : rt.findings()) n += f.kind == kind ? 1 : 0;
  return n;
}

// Runs every coroutine that is ready before it (and what they ready in turn) once, then ends.
task<> yield_once(real_runtime& rt) {
  auto y = rt.yield();
  co_await y;
}

// ---- timers ------------------------------------------------------------------------------------

struct order_probe {
  std::vector<int> order;
  std::size_t expected = 0;
  std::size_t armed = 0;  // timers pending once every wait had suspended
};

task<> record_at(real_runtime& rt, steady_time due, int rank, order_probe* probe) {
  auto wait = rt.delay_until(due);
  co_await wait;
  probe->order.push_back(rank);
  if (probe->order.size() == probe->expected) rt.request_stop();
}

task<> count_armed(real_runtime& rt, order_probe* probe) {
  probe->armed = rt.pending_timers();
  co_return;
}

// Arms five waits out of deadline order, with two sharing a deadline, and returns the order in
// which they completed. A wait whose deadline already passed when it suspended would go through
// the ready queue instead of the timer heap; on a machine loaded enough for that, the attempt
// is repeated with a wider margin, so the assertion is always about the timer path.
std::vector<int> completion_order(real_runtime& rt, std::chrono::nanoseconds unit) {
  for (int attempt = 0;; ++attempt) {
    order_probe probe;
    probe.expected = 5;
    const steady_time base = rt.now() + 20 * unit * (1 << attempt);
    rt.spawn(record_at(rt, base + 30 * unit, 4, &probe), "30");
    rt.spawn(record_at(rt, base + 10 * unit, 1, &probe), "10");
    rt.spawn(record_at(rt, base + 20 * unit, 2, &probe), "20 (armed first)");
    rt.spawn(record_at(rt, base + 20 * unit, 3, &probe), "20 (armed second)");
    rt.spawn(record_at(rt, base + 5 * unit, 0, &probe), "5");
    rt.spawn(count_armed(rt, &probe), "count");  // runs right after the five suspended
    rt.run();
    if (probe.armed == 5 || attempt == 8) return probe.order;
  }
}

TEST(RealRuntime, DelaysCompleteInDeadlineOrderAndEqualDeadlinesInArmOrder) {
  real_runtime rt;
  EXPECT_THAT(completion_order(rt, 1ms), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_EQ(rt.live_tasks(), 0u);
  EXPECT_EQ(rt.pending_timers(), 0u);
}

task<> zero_delay_then_log(real_runtime& rt, std::vector<std::string>* log) {
  auto wait = rt.delay(0ns);
  co_await wait;
  log->push_back("zero delay");
}

task<> log_and_count_timers(real_runtime& rt, std::vector<std::string>* log, std::size_t* timers) {
  log->push_back("already ready");
  *timers = rt.pending_timers();
  co_return;
}

TEST(RealRuntime, ZeroDelayYieldsThroughTheReadyQueueNotATimer) {
  real_runtime rt;
  std::vector<std::string> log;
  std::size_t timers_while_waiting = 99;
  rt.spawn(zero_delay_then_log(rt, &log), "zero");
  rt.spawn(log_and_count_timers(rt, &log, &timers_while_waiting), "ready");
  rt.block_on(yield_once(rt));
  // The zero delay went to the back of the ready queue: work that was already ready ran first,
  // and no timer was armed for it.
  EXPECT_THAT(log, ElementsAre("already ready", "zero delay"));
  EXPECT_EQ(timers_while_waiting, 0u);
}

task<int> many_zero_delays(real_runtime& rt, int n, std::size_t* max_timers) {
  int done = 0;
  for (int i = 0; i < n; ++i) {
    auto wait = rt.delay(i % 2 == 0 ? 0ns : -1ms);
    co_await wait;
    *max_timers = std::max(*max_timers, rt.pending_timers());
    ++done;
  }
  co_return done;
}

TEST(RealRuntime, TenThousandZeroDelaysFinishWithoutTouchingTheTimer) {
  real_runtime rt;
  std::size_t max_timers = 0;
  EXPECT_EQ(rt.block_on(many_zero_delays(rt, 10'000, &max_timers)), 10'000);
  EXPECT_EQ(max_timers, 0u);
}

task<bool> wait_long(real_runtime& rt, std::stop_token token) {
  try {
    auto wait = rt.delay(1h, std::move(token));
    co_await wait;
  } catch (const operation_canceled&) {
    co_return true;
  }
  co_return false;
}

task<> record_wait_long(real_runtime& rt, std::stop_token token, bool* canceled) {
  const bool result = co_await wait_long(rt, std::move(token));
  *canceled = result;
}

task<bool> short_delay_then_stop(real_runtime& rt, std::stop_source* source) {
  auto wait = rt.delay(5ms);
  co_await wait;
  source->request_stop();
  co_return true;
}

TEST(RealRuntime, AnEarlierTimerArmedAfterALongOneStillWakesTheLoop) {
  real_runtime rt;
  std::stop_source stop;
  bool canceled = false;
  rt.spawn(record_wait_long(rt, stop.get_token(), &canceled), "long");
  EXPECT_TRUE(rt.block_on(short_delay_then_stop(rt, &stop)));
  rt.block_on(yield_once(rt));
  EXPECT_TRUE(canceled);
  EXPECT_EQ(rt.live_tasks(), 0u);
}

// ---- cancellation -------------------------------------------------------------------------------

// Suspends on a one-hour delay; once it is suspended, a posted callback starts a thread that
// requests stop, so the stop callback runs on that thread and must hand the wake-up to the loop.
task<bool> canceled_from_another_thread(real_runtime& rt, std::stop_source* source, std::thread* canceller) {
  rt.post([source, canceller] { *canceller = std::thread([source] { source->request_stop(); }); });
  const bool canceled = co_await wait_long(rt, source->get_token());
  co_return canceled;
}

TEST(RealRuntime, StopFromAnotherThreadWakesALongDelayPromptly) {
  real_runtime rt;
  std::stop_source stop;
  std::thread canceller;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(rt.block_on(canceled_from_another_thread(rt, &stop, &canceller)));
  canceller.join();
  // Generous: the point is that the hour-long wait did not run its course.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1min);
  EXPECT_EQ(rt.pending_timers(), 0u);
}

task<bool> stop_on_loop(std::stop_source* source) {
  source->request_stop();
  co_return true;
}

TEST(RealRuntime, StopFromTheLoopThreadCancelsAnArmedDelay) {
  real_runtime rt;
  std::stop_source stop;
  bool canceled = false;
  rt.spawn(record_wait_long(rt, stop.get_token(), &canceled), "long");
  EXPECT_TRUE(rt.block_on(stop_on_loop(&stop)));  // runs after "long" suspended
  rt.block_on(yield_once(rt));
  EXPECT_TRUE(canceled);
  EXPECT_EQ(rt.pending_timers(), 0u);
}

TEST(RealRuntime, CancellationQueuedWhileTheLoopIsIdleIsDeliveredByTheNextRun) {
  real_runtime rt;
  std::stop_source stop;
  bool canceled = false;
  rt.spawn(record_wait_long(rt, stop.get_token(), &canceled), "long");
  rt.block_on(yield_once(rt));
  ASSERT_EQ(rt.pending_timers(), 1u);
  std::thread([&stop] { stop.request_stop(); }).join();  // queued: no loop is running
  EXPECT_FALSE(canceled);
  EXPECT_EQ(rt.pending_timers(), 1u);  // only the loop touches the timer heap
  rt.block_on(yield_once(rt));         // the next run takes the inbox in first
  EXPECT_TRUE(canceled);
  EXPECT_EQ(rt.live_tasks(), 0u);
  EXPECT_EQ(rt.pending_timers(), 0u);
}

// Waits on one token share one stop callback (detail/stop_registrations.hpp); a stop cancels
// them newest first, as their own callbacks would have run, on whichever thread it comes from.
task<> record_stop_order(real_runtime& rt, std::stop_token token, int index, std::vector<int>* order) {
  auto wait = rt.try_delay(1h, std::move(token));
  if (!co_await wait) order->push_back(index);
}

TEST(RealRuntime, StopFromAnotherThreadCancelsEveryWaitOnTheTokenNewestFirst) {
  real_runtime rt;
  std::stop_source stop;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) rt.spawn(record_stop_order(rt, stop.get_token(), i, &order), "waiter");
  std::thread canceller;
  EXPECT_TRUE(rt.block_on(canceled_from_another_thread(rt, &stop, &canceller)));
  canceller.join();
  rt.block_on(yield_once(rt));
  // The controller's own wait joined last: it was cancelled first, before these.
  EXPECT_EQ(order, (std::vector<int>{4, 3, 2, 1, 0}));
  EXPECT_EQ(rt.live_tasks(), 0u);
  EXPECT_EQ(rt.pending_timers(), 0u);
}

TEST(RealRuntime, StopFromTheLoopThreadCancelsEveryWaitOnTheTokenNewestFirst) {
  real_runtime rt;
  std::stop_source stop;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) rt.spawn(record_stop_order(rt, stop.get_token(), i, &order), "waiter");
  EXPECT_TRUE(rt.block_on(stop_on_loop(&stop)));  // runs after every waiter suspended
  rt.block_on(yield_once(rt));
  EXPECT_EQ(order, (std::vector<int>{4, 3, 2, 1, 0}));
  EXPECT_EQ(rt.pending_timers(), 0u);
}

TEST(RealRuntime, WaitsOnManyTokensAreEachCancelledByTheirOwnStopOnly) {
  // More tokens than the shared table has slots (8): the later ones register callbacks of their
  // own, and a stop reaches exactly its token's waits either way.
  constexpr int tokens = 12;
  real_runtime rt;
  std::vector<std::stop_source> stops(tokens);
  std::vector<int> order;
  for (int i = 0; i < tokens; ++i) rt.spawn(record_stop_order(rt, stops[i].get_token(), i, &order), "waiter");
  rt.block_on(yield_once(rt));
  for (int i = 1; i < tokens; i += 2) {
    std::thread([&stops, i] { stops[i].request_stop(); }).join();
  }
  rt.block_on(yield_once(rt));
  EXPECT_EQ(order, (std::vector<int>{1, 3, 5, 7, 9, 11}));
  EXPECT_EQ(rt.live_tasks(), static_cast<std::size_t>(tokens / 2));
  for (int i = 0; i < tokens; i += 2) stops[i].request_stop();  // this thread drives: queued too
  rt.block_on(yield_once(rt));
  EXPECT_EQ(order, (std::vector<int>{1, 3, 5, 7, 9, 11, 0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(rt.live_tasks(), 0u);
}

// Lets the waiter suspend, has another thread request stop (its callback only queues it for the
// loop), keeps the loop busy past the waiter's deadline, and yields: with something ready, the
// loop goes on to its timers without stopping to poll for events.
task<> stop_elsewhere_then_block(real_runtime& rt, std::stop_source* source) {
  co_await rt.yield();
  std::thread([source] { source->request_stop(); }).join();
  rt.work(20ms);
  co_await rt.yield();
}

task<bool> try_wait(real_runtime& rt, std::chrono::nanoseconds d, std::stop_token token) {
  auto wait = rt.try_delay(d, std::move(token));
  co_return co_await wait;
}

TEST(RealRuntime, AStopQueuedFromAnotherThreadWinsOverATimerThatCameDueBeforeTheLoopReadIt) {
  real_runtime rt;
  std::stop_source stop;
  rt.spawn(stop_elsewhere_then_block(rt, &stop), "blocker");
  // The stop was requested before the 1 ms deadline passed; the loop, busy until after it, reads
  // its inbox before it fires timers, so the wait is cancelled rather than completed.
  EXPECT_FALSE(rt.block_on(try_wait(rt, 1ms, stop.get_token())));
  EXPECT_EQ(rt.pending_timers(), 0u);
}

// ---- post -------------------------------------------------------------------------------------

TEST(RealRuntime, PostFromManyThreadsRunsEachExactlyOnceOnTheLoopInPerThreadOrder) {
  constexpr int producers = 8;
  constexpr int per_producer = 2'000;
  real_runtime rt;
  const std::thread::id loop_thread = std::this_thread::get_id();
  // Touched only by posted callbacks, i.e. only on the loop thread.
  int total = 0;
  int off_loop = 0;
  int out_of_order = 0;
  std::vector<int> last(producers, -1);

  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < per_producer; ++i) {
        rt.post([&, p, i] {
          if (std::this_thread::get_id() != loop_thread) ++off_loop;
          if (i != last[p] + 1) ++out_of_order;
          last[p] = i;
          if (++total == producers * per_producer) rt.request_stop();
        });
      }
    });
  }
  rt.run();
  for (auto& t : threads) t.join();
  EXPECT_EQ(total, producers * per_producer);
  EXPECT_EQ(off_loop, 0);
  EXPECT_EQ(out_of_order, 0);
  EXPECT_THAT(last, ::testing::Each(per_producer - 1));
}

task<> post_then_log(real_runtime& rt, std::vector<std::string>* log) {
  rt.post([log] { log->push_back("posted"); });
  log->push_back("poster");
  co_return;
}

task<> log_entry(std::vector<std::string>* log, std::string entry) {
  log->push_back(std::move(entry));
  co_return;
}

TEST(RealRuntime, PostFromTheLoopRunsAfterWhatIsAlreadyReady) {
  real_runtime rt;
  std::vector<std::string> log;
  rt.spawn(post_then_log(rt, &log), "poster");
  rt.spawn(log_entry(&log, "other"), "other");
  rt.block_on(yield_once(rt));
  EXPECT_THAT(log, ElementsAre("poster", "other", "posted"));
}

TEST(RealRuntime, RequestStopFromAnotherThreadEndsRun) {
  real_runtime rt;
  std::thread stopper([&rt] { rt.request_stop(); });
  rt.run();  // returns whether the request came before or during run()
  stopper.join();
  rt.request_stop();  // a request made while idle ends the next run() at once
  rt.run();
  SUCCEED();
}

// ---- offload --------------------------------------------------------------------------------

task<bool> offload_and_compare(real_runtime& rt) {
  const std::thread::id loop = std::this_thread::get_id();
  auto job = rt.offload([] { return std::this_thread::get_id(); });
  const std::thread::id worker = co_await job;
  co_return worker != loop&& std::this_thread::get_id() == loop;
}

TEST(RealRuntime, OffloadRunsOffTheLoopAndResumesOnIt) {
  real_runtime rt;
  EXPECT_TRUE(rt.block_on(offload_and_compare(rt)));
}

task<int> offload_throws(real_runtime& rt) {
  auto job = rt.offload([]() -> int { throw std::runtime_error("disk on fire"); });
  co_return co_await job;
}

TEST(RealRuntime, OffloadedExceptionReachesTheAwaiter) {
  real_runtime rt;
  EXPECT_THROW(rt.block_on(offload_throws(rt)), std::runtime_error);
}

task<> offload_square(real_runtime& rt, int x, long* sum, int* on_loop) {
  const std::thread::id loop = std::this_thread::get_id();
  auto job = rt.offload([x] { return static_cast<long>(x) * x; });
  const long sq = co_await job;
  *sum += sq;
  if (std::this_thread::get_id() == loop) ++*on_loop;
}

task<> until_count(real_runtime& rt, const int* count, int target) {
  while (*count < target) {
    auto y = rt.yield();
    co_await y;
  }
}

TEST(RealRuntime, ManyOffloadsOnASmallPoolAllComplete) {
  real_runtime_options options;
  options.offload_threads = 2;
  real_runtime rt(options);
  long sum = 0;
  int on_loop = 0;
  for (int i = 1; i <= 100; ++i) rt.spawn(offload_square(rt, i, &sum, &on_loop), "square");
  rt.block_on(until_count(rt, &on_loop, 100));
  EXPECT_EQ(sum, 338'350);  // 1² + ... + 100²
  EXPECT_EQ(on_loop, 100);
  EXPECT_EQ(rt.live_tasks(), 0u);
}

// ---- exceptions, findings, logging ---------------------------------------------------------------

task<> fails() {
  throw std::runtime_error("boom");
  co_return;
}

TEST(RealRuntime, ExceptionEscapingSpawnedWorkIsRecorded) {
  std::ostringstream log;
  real_runtime_options options;
  options.logger = capture_logger(log);
  real_runtime rt(options);
  rt.spawn(fails(), "doomed");
  rt.block_on(yield_once(rt));
  ASSERT_EQ(rt.unobserved_exceptions().size(), 1u);
  EXPECT_EQ(rt.unobserved_exceptions()[0].task_name, "doomed");
  EXPECT_EQ(rt.unobserved_exceptions()[0].what, "boom");
  EXPECT_EQ(count_findings(rt, finding_kind::unobserved_exception), 1u);
  EXPECT_THAT(log.str(), HasSubstr("doomed"));
}

task<> block_the_loop(real_runtime& rt, std::chrono::nanoseconds d) {
  rt.work(d);
  co_return;
}

TEST(RealRuntime, WatchdogReportsASliceThatBlockedTheLoop) {
  std::ostringstream log;
  real_runtime_options options;
  options.watchdog_budget = 50ms;
  options.blocking_budget = 24h;  // only the real-time watchdog may report here
  options.logger = capture_logger(log);
  real_runtime rt(options);
  rt.block_on(block_the_loop(rt, 200ms));
  ASSERT_EQ(count_findings(rt, finding_kind::blocking_call), 1u);
  EXPECT_EQ(rt.findings()[0].source, "block_on");
  EXPECT_THAT(rt.findings()[0].message, HasSubstr("real time"));
  EXPECT_THAT(log.str(), HasSubstr("blocking_call"));
}

// Quick slices around things that block the loop but are nobody's slice: a posted function
// (in the same batch as the slice after it) and a timer's callback (between two batches).
task<> quick_slices_around_blocking(real_runtime& rt) {
  // The next batch: a quick slice, the posted function, this coroutine again.
  rt.spawn(block_the_loop(rt, 0ms), "quick");
  rt.post([&rt] { rt.work(600ms); });
  co_await rt.yield();
  bool called = false;
  clockwork::callback_timer blocker{rt,
                                    [&] {
                                      rt.work(600ms);
                                      called = true;
                                    },
                                    0ns, 0ns, "blocker"};
  while (!called) co_await rt.yield();  // the first slice after the callback starts a batch
  co_await rt.yield();
}

TEST(RealRuntime, WatchdogBlamesNoSliceForTimeSpentBetweenSlices) {
  // A batch of slices reads the clock once per slice (each starts where the previous ended):
  // what the loop runs between slices must break that chain, or a quick slice would be blamed.
  real_runtime_options options;
  options.watchdog_budget = 200ms;  // far above a quick slice's time on a loaded machine
  options.blocking_budget = 24h;
  real_runtime rt(options);
  rt.block_on(quick_slices_around_blocking(rt));
  EXPECT_EQ(count_findings(rt, finding_kind::blocking_call), 0u)
      << (rt.findings().empty() ? "" : rt.findings()[0].message);
}

TEST(RealRuntime, WatchdogStillBlamesASlowSliceInABatch) {
  real_runtime_options options;
  options.watchdog_budget = 200ms;  // far above a quick slice's time on a loaded machine
  options.blocking_budget = 24h;
  real_runtime rt(options);
  rt.spawn(block_the_loop(rt, 0ms), "quick before");
  rt.spawn(block_the_loop(rt, 600ms), "slow");
  rt.spawn(block_the_loop(rt, 0ms), "quick after");
  rt.block_on(block_the_loop(rt, 0ms));
  ASSERT_EQ(count_findings(rt, finding_kind::blocking_call), 1u);
  EXPECT_EQ(rt.findings()[0].source, "slow");
}

TEST(RealRuntime, ModeledWorkOverBudgetIsABlockingCall) {
  real_runtime_options options;
  options.watchdog_budget = 0ns;  // off: only the modeled-work budget may report here
  options.blocking_budget = 20ms;
  real_runtime rt(options);
  rt.block_on(block_the_loop(rt, 10ms));
  EXPECT_EQ(count_findings(rt, finding_kind::blocking_call), 0u);
  rt.block_on(block_the_loop(rt, 30ms));
  ASSERT_EQ(count_findings(rt, finding_kind::blocking_call), 1u);
  EXPECT_THAT(rt.findings()[0].message, HasSubstr("blocking work"));
  EXPECT_THROW(rt.work(-1ms), std::invalid_argument);
}

// ---- block_on ---------------------------------------------------------------------------------

task<int> forty_two(real_runtime& rt) {
  auto wait = rt.delay(1ms);
  co_await wait;
  co_return 42;
}

task<std::unique_ptr<std::string>> boxed(std::string s) {
  co_return std::make_unique<std::string>(std::move(s));
}

task<> nothing() {
  co_return;
}

task<bool> nested_block_on(real_runtime& rt) {
  try {
    rt.block_on(nothing());
  } catch (const std::logic_error&) {
    co_return true;
  }
  co_return false;
}

TEST(RealRuntime, BlockOnReturnsValuesAndRethrows) {
  real_runtime rt;
  EXPECT_EQ(rt.block_on(forty_two(rt)), 42);
  auto p = rt.block_on(boxed("moved"));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, "moved");
  rt.block_on(nothing());
  EXPECT_THROW(rt.block_on(fails()), std::runtime_error);
  EXPECT_TRUE(rt.block_on(nested_block_on(rt)));  // loops never nest
  EXPECT_THROW(rt.block_on(task<int>{}), std::invalid_argument);
  EXPECT_EQ(rt.live_tasks(), 0u);
}

// ---- time scale ---------------------------------------------------------------------------------

struct elapsed_pair {
  std::chrono::nanoseconds steady;
  std::chrono::nanoseconds utc;
};

task<elapsed_pair> measure_delay(real_runtime& rt, std::chrono::nanoseconds d) {
  const steady_time s0 = rt.clock().steady_now();
  const clockwork::utc_time u0 = rt.clock().utc_now();
  auto wait = rt.delay(d);
  co_await wait;
  co_return elapsed_pair{rt.clock().steady_now() - s0, rt.clock().utc_now() - u0};
}

TEST(RealRuntime, TimeScaleRunsASimulatedHourInMilliseconds) {
  real_runtime_options options;
  options.time_scale = 360'000;                                               // one simulated hour per 10 ms
  options.start_utc = clockwork::utc_time{std::chrono::seconds(1767225600)};  // 2026-01-01T00:00:00Z
  real_runtime rt(options);
  EXPECT_EQ(rt.time_scale(), 360'000);
  EXPECT_GE(rt.clock().utc_now(), *options.start_utc);

  const auto real_start = std::chrono::steady_clock::now();
  const elapsed_pair e = rt.block_on(measure_delay(rt, 1h));
  EXPECT_GE(e.steady, 1h);
  EXPECT_GE(e.utc, 1h);
  EXPECT_GE(rt.clock().utc_now(), *options.start_utc + 1h);
  // Generous: unscaled, the delay would have taken an hour.
  EXPECT_LT(std::chrono::steady_clock::now() - real_start, 1min);

  EXPECT_THAT(completion_order(rt, 6min), ElementsAre(0, 1, 2, 3, 4));
}

TEST(RealRuntime, TimeScaleAlsoScalesModeledWork) {
  real_runtime_options options;
  options.time_scale = 360'000;
  options.watchdog_budget = 0ns;
  real_runtime rt(options);
  const auto real_start = std::chrono::steady_clock::now();
  const steady_time s0 = rt.now();
  rt.block_on(block_the_loop(rt, 2h));
  EXPECT_GE(rt.now() - s0, 2h);
  EXPECT_LT(std::chrono::steady_clock::now() - real_start, 1min);
  EXPECT_EQ(count_findings(rt, finding_kind::blocking_call), 1u);  // 2h of work is over the 50ms budget
}

// A scale so large that the scaled clock would reach the end of its int64 range within
// milliseconds (and every delay then never complete) is refused, with a short message.
TEST(RealRuntime, TimeScalesPastTheBoundAreRefusedAndTheLargestAllowedStillCompletesAnHour) {
  real_runtime_options huge;
  huge.time_scale = 1e13;
  try {
    real_runtime rt{huge};
    FAIL() << "time_scale 1e13 was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("time_scale must be in [1e-06, 1e+07], got 1e+13"));
  }
  huge.time_scale = std::numeric_limits<double>::max();
  try {
    real_runtime rt{huge};
    FAIL() << "time_scale DBL_MAX was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_LT(std::string(e.what()).size(), 120u);
  }
  real_runtime_options largest;
  largest.time_scale = real_runtime_options::max_time_scale;
  real_runtime rt{largest};
  const elapsed_pair e = rt.block_on(measure_delay(rt, 1h));  // 0.36 ms of real time
  EXPECT_GE(e.steady, 1h);
  EXPECT_LT(rt.now(), steady_time::max());  // far from the end of the scaled clock
}

TEST(RealRuntime, RejectsInvalidOptions) {
  real_runtime_options bad_scale;
  bad_scale.time_scale = 0;
  EXPECT_THROW(real_runtime{bad_scale}, std::invalid_argument);
  bad_scale.time_scale = -1;
  EXPECT_THROW(real_runtime{bad_scale}, std::invalid_argument);
  bad_scale.time_scale = std::numeric_limits<double>::infinity();
  EXPECT_THROW(real_runtime{bad_scale}, std::invalid_argument);
  bad_scale.time_scale = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(real_runtime{bad_scale}, std::invalid_argument);
  real_runtime_options no_workers;
  no_workers.offload_threads = 0;
  EXPECT_THROW(real_runtime{no_workers}, std::invalid_argument);
  real_runtime rt;
  EXPECT_THROW(rt.post({}), std::invalid_argument);
}

// ---- signals ----------------------------------------------------------------------------------

bool blocked_on_this_thread(int signo) {
  sigset_t current;
  ::pthread_sigmask(SIG_SETMASK, nullptr, &current);
  return ::sigismember(&current, signo) == 1;
}

// Suspends on a one-hour delay tied to the host's stop token; once it is suspended, a thread
// sends SIGTERM to the whole process.
task<bool> wait_for_sigterm(real_runtime& rt, std::stop_source* host_stop, std::thread* sender) {
  rt.post([sender] {
    // Created by the loop thread after stop_on_signals blocked SIGTERM there, so it inherits
    // the blocked mask (blocked again below to make that explicit): no thread of the process
    // can take the signal with its default action, and it stays pending until the loop's
    // signalfd reads it.
    *sender = std::thread([] {
      sigset_t term;
      ::sigemptyset(&term);
      ::sigaddset(&term, SIGTERM);
      ::pthread_sigmask(SIG_BLOCK, &term, nullptr);
      ::kill(::getpid(), SIGTERM);
    });
  });
  const bool canceled = co_await wait_long(rt, host_stop->get_token());
  co_return canceled;
}

TEST(RealRuntime, SigtermRequestsStopThroughTheSignalfd) {
  ASSERT_FALSE(blocked_on_this_thread(SIGTERM));
  std::ostringstream log;
  std::stop_source host_stop;
  {
    real_runtime_options options;
    options.logger = capture_logger(log);
    real_runtime rt(options);
    rt.stop_on_signals(host_stop);
    EXPECT_TRUE(blocked_on_this_thread(SIGTERM));
    EXPECT_TRUE(blocked_on_this_thread(SIGINT));
    EXPECT_THROW(rt.stop_on_signals(host_stop), std::logic_error);

    std::thread sender;
    EXPECT_TRUE(rt.block_on(wait_for_sigterm(rt, &host_stop, &sender)));
    sender.join();
  }
  EXPECT_TRUE(host_stop.stop_requested());
  EXPECT_THAT(log.str(), HasSubstr("received SIGTERM"));
  EXPECT_FALSE(blocked_on_this_thread(SIGTERM));  // restored on destruction
  EXPECT_FALSE(blocked_on_this_thread(SIGINT));
}

// ---- destruction --------------------------------------------------------------------------------

struct count_on_destroy {
  int* count;
  explicit count_on_destroy(int* c) : count(c) {}
  count_on_destroy(const count_on_destroy&) = delete;
  count_on_destroy& operator=(const count_on_destroy&) = delete;
  ~count_on_destroy() { ++*count; }
};

task<> sleep_forever(real_runtime& rt, std::stop_token token, int* destroyed) {
  count_on_destroy guard{destroyed};
  auto wait = rt.delay(24h, std::move(token));
  co_await wait;
}

// The job asks the loop to stop only once both offloads were submitted (go), then holds the
// only worker until released, so that at destruction one job may still be running and the
// other still queued.
task<> offload_and_hold(real_runtime& rt, std::latch* go, std::latch* release, int* destroyed) {
  count_on_destroy guard{destroyed};
  real_runtime* self = &rt;
  auto job = rt.offload([self, go, release] {
    go->wait();
    self->request_stop();
    release->wait();
    return 1;
  });
  co_await job;
}

task<> count_down(std::latch* latch) {
  latch->count_down();
  co_return;
}

task<> offload_queued(real_runtime& rt, int* destroyed) {
  count_on_destroy guard{destroyed};
  auto job = rt.offload([] { return 2; });
  co_await job;
}

TEST(RealRuntime, DestroyingWithSuspendedCoroutinesDestroysTheirFrames) {
  int destroyed = 0;
  {
    real_runtime rt;
    std::stop_source stop;
    rt.spawn(sleep_forever(rt, stop.get_token(), &destroyed), "sleeper");
    rt.spawn(sleep_forever(rt, {}, &destroyed), "sleeper without token");
    rt.block_on(yield_once(rt));
    EXPECT_EQ(rt.live_tasks(), 2u);
    EXPECT_EQ(rt.pending_timers(), 2u);
  }
  EXPECT_EQ(destroyed, 2);
}

TEST(RealRuntime, DestroyingDropsACancellationQueuedByAnotherThread) {
  int destroyed = 0;
  std::stop_source stop;
  {
    real_runtime rt;
    rt.spawn(sleep_forever(rt, stop.get_token(), &destroyed), "sleeper");
    rt.block_on(yield_once(rt));
    // The cancellation wins the race against the timer and is queued for a loop that will
    // never run again; destroying the frame must remove it, never leave it to be read.
    std::thread([&stop] { stop.request_stop(); }).join();
    EXPECT_EQ(rt.live_tasks(), 1u);
  }
  EXPECT_EQ(destroyed, 1);
}

TEST(RealRuntime, DestroyingWaitsForOffloadedWorkStillRunning) {
  int destroyed = 0;
  std::latch go(1);
  std::latch release(1);
  {
    real_runtime_options options;
    options.offload_threads = 1;  // the second job stays queued behind the first
    real_runtime rt(options);
    rt.spawn(offload_and_hold(rt, &go, &release, &destroyed), "holder");
    rt.spawn(offload_queued(rt, &destroyed), "queued");
    rt.spawn(count_down(&go), "go");  // runs after both suspended on their offloads
    rt.run();                         // returns once the first job is running on the worker
    EXPECT_EQ(rt.live_tasks(), 2u);
    release.count_down();  // from here the worker may finish, or still be running, at destruction
  }
  EXPECT_EQ(destroyed, 2);
}

struct spawn_on_destroy {
  real_runtime* rt;
  bool* refused;
  ~spawn_on_destroy() {
    rt->spawn(nothing(), "too late");  // must not throw out of a destructor
    for (const auto& f : rt->findings()) *refused |= f.kind == finding_kind::dropped_work && f.source == "too late";
  }
};

task<> spawns_when_destroyed(real_runtime& rt, bool* refused) {
  spawn_on_destroy guard{&rt, refused};
  auto wait = rt.delay(24h);
  co_await wait;
}

TEST(RealRuntime, SpawningWhileShuttingDownIsDroppedAndReported) {
  bool refused = false;
  {
    real_runtime rt;
    rt.spawn(spawns_when_destroyed(rt, &refused), "spawner");
    rt.block_on(yield_once(rt));
  }
  EXPECT_TRUE(refused);
}

}  // namespace

namespace {

task<clockwork::utc_time> waits_for_wall(real_runtime& rt, clockwork::utc_time target) {
  co_await rt.delay_until_utc(target);
  co_return rt.clock().utc_now();
}

TEST(RealRuntimeWallClock, AWallClockWaitEndsOnceTheWallClockReadsItsTarget) {
  real_runtime rt;  // the system clock
  const auto target = rt.clock().utc_now() + 30ms;
  const auto woke = rt.block_on(waits_for_wall(rt, target));
  EXPECT_GE(woke, target);  // never early; how late is the machine's business
}

TEST(RealRuntimeWallClock, OnAScaledClockTheWaitFollowsTheRuntimesOwnWallTime) {
  real_runtime_options options;
  options.time_scale = 3600;  // an hour a second
  options.start_utc = clockwork::utc_time{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}} + 23h + 59min;
  real_runtime rt{options};
  const auto midnight = clockwork::utc_time{std::chrono::sys_days{std::chrono::year{2026} / 1 / 2}};
  const auto woke = rt.block_on(waits_for_wall(rt, midnight));
  EXPECT_GE(woke, midnight);
  EXPECT_LT(woke, midnight + 1h) << "an hour of scaled time is a real second: generous";
}

TEST(RealRuntimeWallClock, AStepOfTheSystemClockIsNoticed) {
  // The runtime watches CLOCK_REALTIME with a timerfd (TFD_TIMER_CANCEL_ON_SET) and re-evaluates
  // its wall-clock waits when the kernel reports a step. Proving it means stepping the clock:
  // time namespaces virtualize CLOCK_MONOTONIC and CLOCK_BOOTTIME but not CLOCK_REALTIME, and a
  // test must never change the machine's clock.
  GTEST_SKIP() << "stepping CLOCK_REALTIME would change the machine's clock; no namespace isolates it";
}

}  // namespace
