// The virtual runtime's numbered rules (see virtual_runtime.hpp), one named test each, plus the
// edge cases the rules leave open and the misuse that must be refused.
#include "clockwork/runtime/virtual_runtime.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/runtime/async_event.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::steady_time;
using clockwork::task;
using clockwork::virtual_runtime;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using clockwork::test_support::t0;

struct event {
  std::string who;
  steady_time at;
  bool operator==(const event&) const = default;
};
void PrintTo(const event& e, std::ostream* os) {
  *os << e.who << "@" << e.at.time_since_epoch().count();
}

using log = std::vector<event>;

task<> sleeper(clockwork::runtime& rt, std::string who, std::chrono::nanoseconds d, log& out) {
  co_await rt.delay(d);
  out.push_back({std::move(who), rt.now()});
}

task<> recorder(clockwork::runtime& rt, std::string who, log& out) {
  out.push_back({std::move(who), rt.now()});
  co_return;
}

// ---- rule 1 ----------------------------------------------------------------------------------

TEST(VirtualRuntimeRule1, ReadyCoroutinesRunInFifoOrder) {
  virtual_runtime rt;
  log out;
  for (const char* who : {"a", "b", "c", "d"}) rt.spawn(recorder(rt, who, out), who);
  rt.run_until_idle();
  EXPECT_THAT(out, ElementsAre(event{"a", t0}, event{"b", t0}, event{"c", t0}, event{"d", t0}));
}

TEST(VirtualRuntimeRule1, TimersFireByDeadlineThenArmOrder) {
  virtual_runtime rt;
  log out;
  rt.spawn(sleeper(rt, "late", 3s, out), "late");
  rt.spawn(sleeper(rt, "tie-first", 2s, out), "tie-first");
  rt.spawn(sleeper(rt, "early", 1s, out), "early");
  rt.spawn(sleeper(rt, "tie-second", 2s, out), "tie-second");
  rt.run_for(10s);
  EXPECT_THAT(out, ElementsAre(event{"early", t0 + 1s}, event{"tie-first", t0 + 2s}, event{"tie-second", t0 + 2s},
                               event{"late", t0 + 3s}));
}

TEST(VirtualRuntimeRule1, TimeNeverMovesBackwards) {
  virtual_runtime rt;
  rt.advance_by(5s);
  EXPECT_THROW(rt.advance_to(t0 + 4s), std::invalid_argument);
  EXPECT_EQ(rt.now(), t0 + 5s);
  EXPECT_NO_THROW(rt.advance_to(t0 + 5s));  // standing still is fine
}

// ---- rule 2 ----------------------------------------------------------------------------------

TEST(VirtualRuntimeRule2, RunUntilIdleRunsReadyWorkWithoutMovingTime) {
  virtual_runtime rt;
  log out;
  rt.spawn(recorder(rt, "now", out), "now");
  rt.spawn(sleeper(rt, "later", 1s, out), "later");
  EXPECT_EQ(rt.run_until_idle(), 2u);
  EXPECT_EQ(rt.now(), t0);
  EXPECT_THAT(out, ElementsAre(event{"now", t0}));
  EXPECT_EQ(rt.pending_timers(), 1u);
}

// ---- rule 3 ----------------------------------------------------------------------------------

task<> chain_of_delays(clockwork::runtime& rt, log& out) {
  for (int i = 1; i <= 3; ++i) {
    co_await rt.delay(10ms);
    out.push_back({"step" + std::to_string(i), rt.now()});
  }
}

TEST(VirtualRuntimeRule3, AdvanceByStepsTimerByTimerAndEachSeesItsOwnDeadline) {
  virtual_runtime rt;
  log out;
  rt.spawn(chain_of_delays(rt, out), "chain");
  const std::size_t fired = rt.advance_by(1s);
  EXPECT_EQ(fired, 3u);
  EXPECT_THAT(out, ElementsAre(event{"step1", t0 + 10ms}, event{"step2", t0 + 20ms}, event{"step3", t0 + 30ms}));
  EXPECT_EQ(rt.now(), t0 + 1s);
}

task<> arms_follow_up(clockwork::runtime& rt, log& out) {
  co_await rt.delay(1s);
  out.push_back({"first", rt.now()});
  co_await rt.delay(0ns);  // same instant: through the ready queue
  out.push_back({"same-instant", rt.now()});
  co_await rt.delay(500ms);  // armed from inside a timer that is firing during advance_by
  out.push_back({"follow-up", rt.now()});
  co_await rt.delay(10s);  // beyond the target: must not fire in this call
  out.push_back({"beyond", rt.now()});
}

TEST(VirtualRuntimeRule3, TimerArmedWhileAdvancingFiresInTheSameCallIfWithinTarget) {
  virtual_runtime rt;
  log out;
  rt.spawn(arms_follow_up(rt, out), "follow");
  EXPECT_EQ(rt.advance_by(2s), 2u);
  EXPECT_THAT(out,
              ElementsAre(event{"first", t0 + 1s}, event{"same-instant", t0 + 1s}, event{"follow-up", t0 + 1500ms}));
  EXPECT_EQ(rt.pending_timers(), 1u);
  EXPECT_EQ(rt.next_deadline(), t0 + 11500ms);
}

TEST(VirtualRuntimeRule3, EverythingReadyAtAnInstantRunsBeforeTimeMoves) {
  virtual_runtime rt;
  log out;
  rt.spawn(sleeper(rt, "timer", 1s, out), "timer");
  rt.post([&] {
    out.push_back({"posted", rt.now()});
    rt.spawn(recorder(rt, "spawned-by-post", out), "spawned");
  });
  rt.advance_by(1s);
  EXPECT_THAT(out, ElementsAre(event{"posted", t0}, event{"spawned-by-post", t0}, event{"timer", t0 + 1s}));
}

// Modeled work carries the clock past a timer while the working task stays ready (it yields):
// the timer fires between batches of ready work, late by what the work blocked, instead of
// waiting until the loop stops yielding (it never would: a work-and-yield loop until a delay
// ends used to spin forever).
task<> works_and_yields_until(clockwork::runtime& rt, const bool& done, int& iterations) {
  while (!done && iterations < 100) {
    rt.work(1s);
    ++iterations;
    co_await rt.yield();
  }
}

task<> sets_after(clockwork::runtime& rt, std::chrono::nanoseconds d, bool& done, log& out) {
  co_await rt.delay(d);
  done = true;
  out.push_back({"delay ended", rt.now()});
}

TEST(VirtualRuntimeRule3, ATimerThatModeledWorkCarriedTheClockPastFiresBetweenBatches) {
  virtual_runtime rt;
  log out;
  bool done = false;
  int iterations = 0;
  rt.spawn(sets_after(rt, 2500ms, done, out), "sleeper");
  rt.spawn(works_and_yields_until(rt, done, iterations), "worker");
  rt.run_until_idle();
  // Due at +2.5 s, the delay ends as the third second of work finishes, and the loop sees it.
  EXPECT_THAT(out, ElementsAre(event{"delay ended", t0 + 3s}));
  EXPECT_EQ(iterations, 3);
}

TEST(VirtualRuntimeRule3, AdvanceByNegativeDurationIsRefused) {
  virtual_runtime rt;
  try {
    rt.advance_by(-1s);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("negative"));
  }
  EXPECT_EQ(rt.advance_by(1s), 0u);  // still usable
}

TEST(VirtualRuntimeRule3, StepFiresExactlyOneTimer) {
  virtual_runtime rt;
  log out;
  rt.spawn(chain_of_delays(rt, out), "chain");
  EXPECT_TRUE(rt.step());
  EXPECT_THAT(out, ElementsAre(event{"step1", t0 + 10ms}));
  EXPECT_TRUE(rt.step());
  EXPECT_TRUE(rt.step());
  EXPECT_FALSE(rt.step());
  EXPECT_EQ(out.size(), 3u);
}

// ---- rule 4 ----------------------------------------------------------------------------------

TEST(VirtualRuntimeRule4, RunForJumpsToTheNextTimerWhenNothingIsReady) {
  virtual_runtime rt;
  log out;
  rt.spawn(sleeper(rt, "a-year-later", 24h * 365, out), "sleeper");
  rt.run_for(24h * 366);
  EXPECT_THAT(out, ElementsAre(event{"a-year-later", t0 + 24h * 365}));
  EXPECT_EQ(rt.now(), t0 + 24h * 366);
}

TEST(VirtualRuntimeRule4, RunUntilStopsAtTheFirstInstantTheConditionHolds) {
  virtual_runtime rt;
  log out;
  rt.spawn(chain_of_delays(rt, out), "chain");
  EXPECT_TRUE(rt.run_until([&] { return out.size() == 2; }));
  EXPECT_EQ(rt.now(), t0 + 20ms);
  EXPECT_EQ(out.size(), 2u);
}

TEST(VirtualRuntimeRule4, RunUntilReturnsFalseAtTheLimit) {
  virtual_runtime rt;
  log out;
  rt.spawn(sleeper(rt, "late", 1h, out), "late");
  EXPECT_FALSE(rt.run_until([&] { return !out.empty(); }, 10min));
  EXPECT_EQ(rt.now(), t0 + 10min);
  EXPECT_TRUE(out.empty());
}

TEST(VirtualRuntimeRule4, BlockOnAutoAdvancesAndReturnsTheValue) {
  virtual_runtime rt;
  auto slow_answer = [](clockwork::runtime& r) -> task<int> {
    co_await r.delay(3h);
    co_return 42;
  };
  EXPECT_EQ(rt.block_on(slow_answer(rt)), 42);
  EXPECT_EQ(rt.now(), t0 + 3h);
}

// ---- rule 5 ----------------------------------------------------------------------------------

TEST(VirtualRuntimeRule5, WallClockMovesDoNotMoveTimers) {
  virtual_runtime rt;
  log out;
  rt.spawn(sleeper(rt, "timer", 1h, out), "timer");
  rt.run_until_idle();
  const auto utc_before = rt.clock().utc_now();
  rt.jump_wall_clock(-30min);
  rt.set_drift(100.0);
  rt.set_local_zone("Europe/Berlin");
  EXPECT_EQ(rt.run_until_idle(), 0u);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(rt.now(), t0);
  EXPECT_EQ(rt.clock().utc_now(), utc_before - 30min);
  rt.advance_by(1h);
  EXPECT_THAT(out, ElementsAre(event{"timer", t0 + 1h}));
  // 1 h at +100 ppm gains 360 ms on the wall clock.
  EXPECT_EQ(rt.clock().utc_now(), utc_before - 30min + 1h + 360ms);
  EXPECT_EQ(rt.clock().local_zone().name(), "Europe/Berlin");
}

TEST(VirtualRuntimeRule5, SetUtcBackwardsIsAClockStepNotAnError) {
  virtual_runtime rt;
  const auto start = rt.clock().utc_now();
  rt.set_utc(start - 24h);
  EXPECT_EQ(rt.clock().utc_now(), start - 24h);
  EXPECT_EQ(rt.now(), t0);
}

TEST(VirtualRuntimeRule5, AdvanceClockOnlyMovesTimeWithoutRunningAnything) {
  virtual_runtime rt;
  log out;
  rt.spawn(sleeper(rt, "timer", 1s, out), "timer");
  rt.run_until_idle();
  rt.advance_clock_only(5s);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(rt.now(), t0 + 5s);
  rt.run_until_idle();
  EXPECT_TRUE(out.empty());  // run_until_idle never fires timers
  rt.advance_by(0s);         // the overdue timer fires, late, at the current instant
  EXPECT_THAT(out, ElementsAre(event{"timer", t0 + 5s}));
}

// ---- rule 6 ----------------------------------------------------------------------------------

task<> waits_forever(clockwork::async_event& never_set) {
  co_await never_set.wait();
}

TEST(VirtualRuntimeRule6, DeadlockIsReportedWithEverySuspendedCoroutineAndWhatItAwaits) {
  virtual_runtime rt;
  clockwork::async_event config_loaded{rt, "config loaded"};
  clockwork::async_event never{rt, "shutdown acknowledged"};
  rt.spawn(waits_forever(config_loaded), "reader");
  rt.spawn(waits_forever(never), "stopper");
  try {
    rt.block_on(waits_forever(config_loaded));
    FAIL() << "expected a deadlock_error";
  } catch (const clockwork::deadlock_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'reader': waiting for event 'config loaded'"));
    EXPECT_THAT(e.what(), HasSubstr("'stopper': waiting for event 'shutdown acknowledged'"));
    EXPECT_THAT(e.what(), HasSubstr("'block_on': waiting for event 'config loaded'"));
  }
  ASSERT_FALSE(rt.findings().empty());
  EXPECT_EQ(rt.findings().back().kind, clockwork::finding_kind::deadlock);
  EXPECT_EQ(rt.live_tasks(), 2u);  // block_on cleaned up after itself; the runtime is usable
  config_loaded.set();
  rt.run_until_idle();
  EXPECT_EQ(rt.live_tasks(), 1u);
}

TEST(VirtualRuntimeRule6, NoDeadlockWhileATimerCanStillWakeSomething) {
  virtual_runtime rt;
  clockwork::async_event ready{rt, "ready"};
  rt.spawn(waits_forever(ready), "waiter");
  rt.post([] {});
  auto setter = [](clockwork::runtime& r, clockwork::async_event& e) -> task<> {
    co_await r.delay(1h);
    e.set();
  };
  rt.spawn(setter(rt, ready), "setter");
  EXPECT_TRUE(rt.run_until([&] { return rt.live_tasks() == 0; }));
  EXPECT_EQ(rt.now(), t0 + 1h);
}

// ---- rule 7 ----------------------------------------------------------------------------------

task<> spins_at_one_instant(clockwork::runtime& rt) {
  for (;;) co_await rt.delay(0ns);
}

TEST(VirtualRuntimeRule7, StepBudgetCatchesALivelock) {
  clockwork::virtual_runtime_options options;
  options.step_budget = 1000;
  virtual_runtime rt{options};
  rt.spawn(spins_at_one_instant(rt), "spinner");
  try {
    rt.run_for(1s);
    FAIL() << "expected a livelock_error";
  } catch (const clockwork::livelock_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("more than 1000 resumptions"));
    EXPECT_THAT(e.what(), HasSubstr("'spinner'"));
  }
  EXPECT_EQ(rt.now(), t0);
  EXPECT_EQ(rt.findings().back().kind, clockwork::finding_kind::livelock);
}

TEST(VirtualRuntimeRule7, ManyEventsSpreadOverTimeAreNotALivelock) {
  clockwork::virtual_runtime_options options;
  options.step_budget = 10;
  virtual_runtime rt{options};
  auto ticker = [](clockwork::runtime& r) -> task<> {
    for (int i = 0; i < 1000; ++i) co_await r.delay(1ms);
  };
  rt.spawn(ticker(rt), "ticker");
  EXPECT_NO_THROW(rt.run_for(2s));
  EXPECT_EQ(rt.live_tasks(), 0u);
}

// ---- rule 8 ----------------------------------------------------------------------------------

std::vector<std::string> same_instant_order(std::uint64_t seed, bool shuffle) {
  clockwork::virtual_runtime_options options;
  options.shuffle_same_instant = shuffle;
  options.seed = seed;
  virtual_runtime rt{options};
  log out;
  for (int i = 0; i < 8; ++i) {
    const std::string who = "t" + std::to_string(i);
    rt.spawn(sleeper(rt, who, 1s, out), who);
  }
  rt.run_for(2s);
  std::vector<std::string> order;
  for (const auto& e : out) order.push_back(e.who);
  return order;
}

TEST(VirtualRuntimeRule8, ShuffleExploresOtherOrdersReproduciblyFromTheSeed) {
  const auto plain = same_instant_order(0, false);
  EXPECT_THAT(plain, ElementsAre("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"));
  EXPECT_EQ(same_instant_order(7, true), same_instant_order(7, true));
  bool some_seed_differs = false;
  for (std::uint64_t seed = 1; seed <= 5 && !some_seed_differs; ++seed) {
    some_seed_differs = same_instant_order(seed, true) != plain;
  }
  EXPECT_TRUE(some_seed_differs);
  auto sorted = same_instant_order(3, true);
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, plain);  // a permutation: nothing lost, nothing doubled
}

TEST(VirtualRuntimeRule8, ShuffleNeverReordersAcrossInstants) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    clockwork::virtual_runtime_options options;
    options.shuffle_same_instant = true;
    options.seed = seed;
    virtual_runtime rt{options};
    log out;
    rt.spawn(sleeper(rt, "2s", 2s, out), "a");
    rt.spawn(sleeper(rt, "1s", 1s, out), "b");
    rt.run_for(3s);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].who, "1s") << "seed " << seed;
  }
}

// ---- rule 9 ----------------------------------------------------------------------------------

TEST(VirtualRuntimeRule9, TwoRuntimesInOneTestShareNothing) {
  virtual_runtime a;
  virtual_runtime b;
  log out_a;
  log out_b;
  a.spawn(sleeper(a, "a", 1s, out_a), "a");
  b.spawn(sleeper(b, "b", 5s, out_b), "b");
  a.run_for(10s);
  EXPECT_THAT(out_a, ElementsAre(event{"a", t0 + 1s}));
  EXPECT_TRUE(out_b.empty());
  EXPECT_EQ(b.now(), t0);
  EXPECT_EQ(b.live_tasks(), 1u);
  b.run_for(5s);
  EXPECT_THAT(out_b, ElementsAre(event{"b", t0 + 5s}));
}

// ---- rule 10 ---------------------------------------------------------------------------------

task<> spins_for_real(const clockwork::clock& real, std::chrono::milliseconds how_long) {
  // Deliberately breaks the one rule (reads a real clock and spins) so the watchdog sees it.
  const auto until = real.steady_now() + how_long;
  while (real.steady_now() < until) {
  }
  co_return;
}

TEST(VirtualRuntimeRule10, RealTimeWatchdogReportsABlockingSlice) {
  clockwork::virtual_runtime_options options;
  options.watchdog_budget = 20ms;
  virtual_runtime rt{options};
  clockwork::real_clock real;
  rt.spawn(spins_for_real(real, 60ms), "spinner");
  rt.run_until_idle();
  ASSERT_EQ(rt.findings().size(), 1u);
  EXPECT_EQ(rt.findings()[0].kind, clockwork::finding_kind::blocking_call);
  EXPECT_EQ(rt.findings()[0].source, "spinner");
  EXPECT_THAT(rt.findings()[0].message, HasSubstr("of real time"));
}

TEST(VirtualRuntimeRule10, WatchdogCanBeDisabled) {
  clockwork::virtual_runtime_options options;
  options.watchdog_budget = 0ns;
  virtual_runtime rt{options};
  clockwork::real_clock real;
  rt.spawn(spins_for_real(real, 30ms), "spinner");
  rt.run_until_idle();
  EXPECT_TRUE(rt.findings().empty());
}

// ---- rule 11 ---------------------------------------------------------------------------------

task<> heavy_worker(clockwork::runtime& rt, log& out) {
  out.push_back({"work-start", rt.now()});
  rt.work(2s);  // modeled blocking work: nothing else runs meanwhile
  out.push_back({"work-end", rt.now()});
  co_return;
}

TEST(VirtualRuntimeRule11, WorkTakesVirtualTimeWithoutYielding) {
  virtual_runtime rt;
  log out;
  rt.spawn(sleeper(rt, "timer-1s", 1s, out), "timer");  // armed at +0, due at +1 s
  rt.spawn(heavy_worker(rt, out), "heavy");
  rt.run_for(5s);
  // The timer due at +1 s could not run while the worker blocked the loop: it fires late.
  EXPECT_THAT(out, ElementsAre(event{"work-start", t0}, event{"work-end", t0 + 2s}, event{"timer-1s", t0 + 2s}));
  ASSERT_EQ(rt.findings().size(), 1u);
  EXPECT_EQ(rt.findings()[0].kind, clockwork::finding_kind::blocking_call);
  EXPECT_EQ(rt.findings()[0].source, "heavy");
  EXPECT_THAT(rt.findings()[0].message, HasSubstr("00:00:02.000"));
}

TEST(VirtualRuntimeRule11, ShortWorkWithinBudgetIsNotAFinding) {
  virtual_runtime rt;
  auto light = [](clockwork::runtime& r) -> task<> {
    r.work(10ms);
    co_return;
  };
  rt.spawn(light(rt), "light");
  rt.run_until_idle();
  EXPECT_EQ(rt.now(), t0 + 10ms);
  EXPECT_TRUE(rt.findings().empty());
}

// ---- stop requests and deadlines at the same instant ----------------------------------------

task<> stop_at(clockwork::runtime& rt, std::chrono::nanoseconds d, std::stop_source& source) {
  co_await rt.delay(d);
  source.request_stop();
}

task<> guarded_wait(clockwork::runtime& rt, std::chrono::nanoseconds d, std::stop_token token, std::string& outcome) {
  try {
    co_await rt.delay(d, token);
    outcome = "completed";
  } catch (const clockwork::operation_canceled&) {
    outcome = "canceled";
  }
}

TEST(VirtualRuntimeSameInstant, StopArmedFirstCancelsAWaitDueAtTheSameInstant) {
  virtual_runtime rt;
  std::stop_source source;
  std::string outcome;
  rt.spawn(stop_at(rt, 1s, source), "stopper");  // armed first
  rt.spawn(guarded_wait(rt, 1s, source.get_token(), outcome), "waiter");
  rt.run_for(2s);
  EXPECT_EQ(outcome, "canceled");
}

TEST(VirtualRuntimeSameInstant, WaitArmedFirstCompletesBeforeAStopAtTheSameInstant) {
  virtual_runtime rt;
  std::stop_source source;
  std::string outcome;
  rt.spawn(guarded_wait(rt, 1s, source.get_token(), outcome), "waiter");  // armed first
  rt.spawn(stop_at(rt, 1s, source), "stopper");
  rt.run_for(2s);
  EXPECT_EQ(outcome, "completed");
}

TEST(VirtualRuntimeSameInstant, AlreadyStoppedTokenThrowsWithoutSuspending) {
  virtual_runtime rt;
  std::stop_source source;
  source.request_stop();
  std::string outcome;
  rt.spawn(guarded_wait(rt, 1h, source.get_token(), outcome), "waiter");
  rt.run_until_idle();
  EXPECT_EQ(outcome, "canceled");
  EXPECT_EQ(rt.now(), t0);
  EXPECT_EQ(rt.pending_timers(), 0u);
}

TEST(VirtualRuntimeCancellation, StopFromTheTestBodyWakesTheWaitWithoutMovingTime) {
  virtual_runtime rt;
  std::stop_source source;
  std::string outcome;
  rt.spawn(guarded_wait(rt, 1h, source.get_token(), outcome), "waiter");
  rt.advance_by(10min);
  source.request_stop();
  EXPECT_TRUE(outcome.empty());  // never resumed inside request_stop
  rt.run_until_idle();
  EXPECT_EQ(outcome, "canceled");
  EXPECT_EQ(rt.now(), t0 + 10min);
  EXPECT_EQ(rt.pending_timers(), 0u);
}

task<> try_delay_loop(clockwork::runtime& rt, std::stop_token token, int& iterations, bool& ended) {
  for (;;) {
    const bool completed = co_await rt.try_delay(10min, token);
    if (!completed) break;
    ++iterations;
  }
  ended = true;
}

TEST(VirtualRuntimeCancellation, TryDelayAnswersFalseOnStopInsteadOfThrowing) {
  virtual_runtime rt;
  std::stop_source source;
  int iterations = 0;
  bool ended = false;
  rt.spawn(try_delay_loop(rt, source.get_token(), iterations, ended), "loop");
  rt.advance_by(1h);
  EXPECT_EQ(iterations, 6);
  source.request_stop();
  rt.run_until_idle();
  EXPECT_TRUE(ended);
  EXPECT_EQ(rt.now(), t0 + 1h);
  EXPECT_EQ(rt.live_tasks(), 0u);
  EXPECT_EQ(rt.pending_timers(), 0u);
}

// ---- detached work ---------------------------------------------------------------------------

task<> fails_after(clockwork::runtime& rt, std::chrono::nanoseconds d) {
  co_await rt.delay(d);
  throw std::runtime_error("disk full");
}

TEST(VirtualRuntimeSpawn, ExceptionInDetachedWorkIsNeverLost) {
  virtual_runtime rt;
  rt.spawn(fails_after(rt, 5s), "fire-and-forget");
  rt.run_for(10s);
  ASSERT_EQ(rt.unobserved_exceptions().size(), 1u);
  const auto& e = rt.unobserved_exceptions()[0];
  EXPECT_EQ(e.task_name, "fire-and-forget");
  EXPECT_EQ(e.what, "disk full");
  EXPECT_EQ(e.at, t0 + 5s);
  EXPECT_THROW(std::rethrow_exception(e.error), std::runtime_error);
  ASSERT_EQ(rt.findings().size(), 1u);
  EXPECT_EQ(rt.findings()[0].kind, clockwork::finding_kind::unobserved_exception);
}

TEST(VirtualRuntimeSpawn, CancellationEndingDetachedWorkIsNotAnError) {
  virtual_runtime rt;
  std::stop_source source;
  auto waits = [](clockwork::runtime& r, std::stop_token t) -> task<> { co_await r.delay(1h, t); };
  rt.spawn(waits(rt, source.get_token()), "waiter");
  rt.run_until_idle();
  source.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(rt.live_tasks(), 0u);
  EXPECT_TRUE(rt.unobserved_exceptions().empty());
}

TEST(VirtualRuntimeSpawn, SpawningAnEmptyTaskIsRefused) {
  virtual_runtime rt;
  task<> empty;
  EXPECT_THROW(rt.spawn(std::move(empty), "empty"), std::invalid_argument);
}

TEST(VirtualRuntimeSpawn, SpawningOnARuntimeThatIsShuttingDownDropsTheWorkAndSaysSo) {
  virtual_runtime rt;
  log out;
  rt.spawn(sleeper(rt, "never", 1h, out), "sleeper");
  rt.run_until_idle();
  rt.shutdown();
  EXPECT_EQ(rt.live_tasks(), 0u);
  EXPECT_EQ(rt.pending_timers(), 0u);  // the destroyed frame disarmed its timer
  rt.spawn(recorder(rt, "late", out), "latecomer");
  rt.run_until_idle();
  EXPECT_TRUE(out.empty());
  ASSERT_EQ(rt.findings().size(), 1u);
  EXPECT_EQ(rt.findings()[0].kind, clockwork::finding_kind::dropped_work);
  EXPECT_EQ(rt.findings()[0].source, "latecomer");
  EXPECT_THAT(rt.findings()[0].message, HasSubstr("shutting down"));
}

// A guard that spawns cleanup work from its destructor, as RAII helpers do.
struct spawns_on_destruction {
  clockwork::runtime* rt;
  log* out;
  ~spawns_on_destruction() { rt->spawn(recorder(*rt, "cleanup", *out), "cleanup"); }
};

task<> holds_a_spawning_guard(clockwork::runtime& rt, log& out) {
  spawns_on_destruction guard{&rt, &out};
  co_await rt.delay(1h);
}

TEST(VirtualRuntimeSpawn, ADestructorThatSpawnsDuringShutdownDoesNotEndTheProcess) {
  log out;
  {
    virtual_runtime rt;
    rt.spawn(holds_a_spawning_guard(rt, out), "holder");
    rt.run_until_idle();
  }  // the runtime destroys the suspended frame; its guard spawns; nothing throws
  EXPECT_TRUE(out.empty());
}

TEST(VirtualRuntimeSpawn, DescribePendingNamesDelays) {
  virtual_runtime rt;
  log out;
  rt.spawn(sleeper(rt, "x", 90s, out), "sleepy");
  rt.run_until_idle();
  EXPECT_THAT(rt.describe_pending(), HasSubstr("task #1 'sleepy': waiting for a delay until +00:01:30.000"));
}

TEST(VirtualRuntimeSpawn, DestroyingTheRuntimeDestroysSuspendedCoroutines) {
  auto holder = std::make_shared<int>(1);
  {
    virtual_runtime rt;
    auto keeps = [](clockwork::runtime& r, std::shared_ptr<int> keep) -> task<> {
      co_await r.delay(24h);
      (void)keep;
    };
    rt.spawn(keeps(rt, holder), "holder");
    rt.run_until_idle();
    EXPECT_EQ(holder.use_count(), 2);
  }
  EXPECT_EQ(holder.use_count(), 1);
}

TEST(VirtualRuntimeOffload, RunsTheFunctionAndResumesWithItsResult) {
  virtual_runtime rt;
  auto uses_offload = [](clockwork::runtime& r) -> task<int> {
    const int v = co_await r.offload([] { return 6 * 7; });
    co_return v;
  };
  EXPECT_EQ(rt.block_on(uses_offload(rt)), 42);
  auto throws = [](clockwork::runtime& r) -> task<> { co_await r.offload([] { throw std::runtime_error("io"); }); };
  EXPECT_THROW(rt.block_on(throws(rt)), std::runtime_error);
}

TEST(VirtualRuntimePost, ExceptionInAPostedCallbackIsRecorded) {
  virtual_runtime rt;
  rt.post([] { throw std::runtime_error("bad callback"); });
  rt.run_until_idle();
  ASSERT_EQ(rt.unobserved_exceptions().size(), 1u);
  EXPECT_EQ(rt.unobserved_exceptions()[0].what, "bad callback");
}

TEST(VirtualRuntimeOptions, UnknownZoneIsNamedInTheError) {
  clockwork::virtual_runtime_options options;
  options.clock.zone = "Mars/Olympus_Mons";
  try {
    virtual_runtime rt{options};
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("Mars/Olympus_Mons"));
  }
}

}  // namespace
