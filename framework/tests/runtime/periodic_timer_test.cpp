// periodic_timer: each point of its .NET PeriodicTimer semantics is a named test, in virtual
// time with exact instants.
#include "clockwork/runtime/periodic_timer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "clockwork/runtime/virtual_runtime.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::periodic_timer;
using clockwork::steady_time;
using clockwork::task;
using clockwork::virtual_runtime;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using clockwork::test_support::t0;

// Waits for `count` ticks, doing `work_per_tick` of modeled work after each; records instants.
task<> consume(clockwork::runtime& rt, periodic_timer& timer, int count, std::chrono::nanoseconds work_per_tick,
               std::vector<steady_time>& ticks) {
  for (int i = 0; i < count; ++i) {
    const bool ticked = co_await timer.next_tick();
    if (!ticked) co_return;
    ticks.push_back(rt.now());
    rt.work(work_per_tick);
  }
}

TEST(PeriodicTimer, TicksArePhaseAlignedToStartPlusKPeriods) {
  clockwork::virtual_runtime_options options;
  options.blocking_budget = 1h;  // the modeled work here is the point, not a finding
  virtual_runtime rt{options};
  periodic_timer timer{rt, 10s};
  std::vector<steady_time> ticks;
  rt.spawn(consume(rt, timer, 5, 3s, ticks), "consumer");
  rt.run_for(1min);
  // 3 s of work after every tick does not push the schedule: no drift.
  EXPECT_THAT(ticks, ElementsAre(t0 + 10s, t0 + 20s, t0 + 30s, t0 + 40s, t0 + 50s));
  EXPECT_EQ(timer.missed_ticks(), 0u);
}

task<> overrun_once(clockwork::runtime& rt, periodic_timer& timer, std::vector<steady_time>& ticks) {
  for (int i = 0; i < 4; ++i) {
    const bool ticked = co_await timer.next_tick();
    if (!ticked) co_return;
    ticks.push_back(rt.now());
    if (i == 0) rt.work(timer.period() * 7 / 2);  // the first run overruns 3.5 periods
  }
}

TEST(PeriodicTimer, WorkOverrunningThreeAndAHalfPeriodsGetsOneImmediateTickThenTheOriginalPhase) {
  clockwork::virtual_runtime_options options;
  options.blocking_budget = 1h;
  virtual_runtime rt{options};
  periodic_timer timer{rt, 1min};
  std::vector<steady_time> ticks;
  rt.spawn(overrun_once(rt, timer, ticks), "consumer");
  rt.run_for(10min);
  // Tick at 1:00, work until 4:30 (ticks due at 2:00, 3:00, 4:00 missed) -> one immediate
  // tick at 4:30 -> back on phase at 5:00, 6:00.
  EXPECT_THAT(ticks, ElementsAre(t0 + 1min, t0 + 4min + 30s, t0 + 5min, t0 + 6min));
  EXPECT_EQ(timer.missed_ticks(), 2u);  // 2:00 delivered late at 4:30; 3:00 and 4:00 folded
}

TEST(PeriodicTimer, MissedTicksCoalesceIntoOnePendingTick) {
  virtual_runtime rt;
  periodic_timer timer{rt, 1s};
  rt.advance_by(10s + 500ms);  // ten ticks fall due with nobody waiting
  std::vector<steady_time> ticks;
  rt.spawn(consume(rt, timer, 2, 0ns, ticks), "late consumer");
  rt.run_for(1s);
  EXPECT_THAT(ticks, ElementsAre(t0 + 10s + 500ms, t0 + 11s));
  EXPECT_EQ(timer.missed_ticks(), 9u);
  EXPECT_EQ(timer.ticks(), 2u);
}

TEST(PeriodicTimer, ASecondConcurrentWaiterIsAnError) {
  virtual_runtime rt;
  periodic_timer timer{rt, 1s, "heartbeat"};
  std::vector<steady_time> ticks;
  rt.spawn(consume(rt, timer, 1, 0ns, ticks), "first");
  rt.run_until_idle();
  auto second = [](periodic_timer& t) -> task<bool> { co_return co_await t.next_tick(); };
  try {
    rt.block_on(second(timer));
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'heartbeat'"));
    EXPECT_THAT(e.what(), HasSubstr("one waiter at a time"));
  }
  rt.run_for(1s);  // the first waiter is unaffected
  EXPECT_THAT(ticks, ElementsAre(t0 + 1s));
}

task<> cancellable_wait(periodic_timer& timer, std::stop_token token, std::string& outcome) {
  try {
    const bool ticked = co_await timer.next_tick(token);
    outcome = ticked ? "tick" : "disposed";
  } catch (const clockwork::operation_canceled&) {
    outcome = "canceled";
  }
}

TEST(PeriodicTimer, CancellingAWaitAffectsOnlyThatWait) {
  virtual_runtime rt;
  periodic_timer timer{rt, 10s};
  std::stop_source stop;
  std::string first;
  rt.spawn(cancellable_wait(timer, stop.get_token(), first), "cancelled");
  rt.advance_by(3s);
  stop.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(first, "canceled");
  std::vector<steady_time> ticks;
  rt.spawn(consume(rt, timer, 2, 0ns, ticks), "next");
  rt.run_for(30s);
  EXPECT_THAT(ticks, ElementsAre(t0 + 10s, t0 + 20s));  // phase kept
}

TEST(PeriodicTimer, SetPeriodRestartsTheScheduleAndReArmsAPendingWait) {
  virtual_runtime rt;
  periodic_timer timer{rt, 1h};
  std::vector<steady_time> ticks;
  rt.spawn(consume(rt, timer, 3, 0ns, ticks), "consumer");
  rt.advance_by(10min);
  timer.set_period(5min);
  rt.run_for(1h);
  EXPECT_THAT(ticks, ElementsAre(t0 + 15min, t0 + 20min, t0 + 25min));
}

TEST(PeriodicTimer, DisposeEndsThePendingWaitAndEveryLaterOneWithFalse) {
  virtual_runtime rt;
  periodic_timer timer{rt, 1min};
  std::string outcome;
  rt.spawn(cancellable_wait(timer, {}, outcome), "waiter");
  rt.advance_by(30s);
  timer.dispose();
  rt.run_until_idle();
  EXPECT_EQ(outcome, "disposed");
  EXPECT_EQ(rt.now(), t0 + 30s);
  std::string later;
  rt.spawn(cancellable_wait(timer, {}, later), "later");
  rt.run_until_idle();
  EXPECT_EQ(later, "disposed");
  EXPECT_EQ(rt.pending_timers(), 0u);
}

TEST(PeriodicTimer, ZeroOrNegativePeriodIsRefused) {
  virtual_runtime rt;
  EXPECT_THROW(periodic_timer(rt, 0s), std::invalid_argument);
  EXPECT_THROW(periodic_timer(rt, -1s), std::invalid_argument);
  periodic_timer timer{rt, 1s, "sync"};
  try {
    timer.set_period(0s);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("'sync'"));
    EXPECT_THAT(e.what(), HasSubstr("positive"));
  }
  EXPECT_EQ(timer.period(), 1s);  // unchanged
}

TEST(PeriodicTimer, StepMovesOneTickAtATimeSoABigAdvanceHidesNothing) {
  virtual_runtime rt;
  periodic_timer timer{rt, 1h};
  std::vector<steady_time> ticks;
  rt.spawn(consume(rt, timer, 100, 0ns, ticks), "consumer");
  rt.run_until_idle();
  for (int i = 1; i <= 24; ++i) {
    ASSERT_TRUE(rt.step());
    ASSERT_EQ(ticks.size(), static_cast<std::size_t>(i));
    EXPECT_EQ(ticks.back(), t0 + std::chrono::hours(i));
  }
}

TEST(PeriodicTimer, AlreadyStoppedTokenThrowsWithoutConsumingATick) {
  virtual_runtime rt;
  periodic_timer timer{rt, 1s};
  rt.advance_by(2s);
  std::stop_source stop;
  stop.request_stop();
  std::string outcome;
  rt.spawn(cancellable_wait(timer, stop.get_token(), outcome), "waiter");
  rt.run_until_idle();
  EXPECT_EQ(outcome, "canceled");
  EXPECT_EQ(timer.ticks(), 0u);
}

// Wraps a tick wait and moves time between await_ready and await_suspend, as real time does
// when a tick falls due in that window.
struct tick_due_while_suspending {
  clockwork::tick_wait inner;
  virtual_runtime* rt;
  std::chrono::nanoseconds gap;
  bool await_ready() {
    const bool ready = inner.await_ready();
    if (!ready) rt->advance_clock_only(gap);
    return ready;
  }
  void await_suspend(std::coroutine_handle<> h) { inner.await_suspend(h); }
  bool await_resume() { return inner.await_resume(); }
};

task<> wait_across_the_due_instant(virtual_runtime& rt, periodic_timer& timer, std::string& outcome) {
  try {
    tick_due_while_suspending wait{timer.next_tick(), &rt, 2s};
    outcome = co_await wait ? "tick" : "disposed";
  } catch (const clockwork::operation_canceled&) {
    outcome = "canceled";
  }
}

TEST(PeriodicTimer, ATickFallingDueWhileTheWaitSuspendsIsATickNotACancellation) {
  virtual_runtime rt;
  periodic_timer timer{rt, 1s};
  std::string outcome;
  rt.spawn(wait_across_the_due_instant(rt, timer, outcome), "waiter");
  rt.run_until_idle();
  EXPECT_EQ(outcome, "tick");
  EXPECT_EQ(timer.ticks(), 1u);
  EXPECT_EQ(timer.missed_ticks(), 1u);  // due at 1 s and 2 s; delivered once at 2 s
}

}  // namespace
