// Cancellation helpers and async_event, in virtual time.
#include "clockwork/runtime/cancellation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::steady_time;
using clockwork::task;
using clockwork::virtual_runtime;
using ::testing::HasSubstr;

using clockwork::test_support::t0;

TEST(Linked, StopsWhenEitherSourceStops) {
  std::stop_source a;
  std::stop_source b;
  auto link = clockwork::linked(a.get_token(), b.get_token());
  EXPECT_FALSE(link.stop_requested());
  b.request_stop();
  EXPECT_TRUE(link.token().stop_requested());
  EXPECT_FALSE(a.stop_requested());
}

TEST(Linked, StoppingTheLinkLeavesItsParentsAlone) {
  std::stop_source a;
  std::stop_source b;
  auto link = clockwork::linked(a.get_token(), b.get_token());
  link.request_stop();
  EXPECT_TRUE(link.stop_requested());
  EXPECT_FALSE(a.stop_requested());
  EXPECT_FALSE(b.stop_requested());
}

TEST(Linked, AnAlreadyStoppedParentStopsTheLinkAtOnce) {
  std::stop_source a;
  a.request_stop();
  auto link = clockwork::linked(a.get_token(), std::stop_token{});
  EXPECT_TRUE(link.stop_requested());
}

TEST(CancelAfter, RequestsStopAfterTheDurationOnTheInjectedClock) {
  virtual_runtime rt;
  std::stop_source source;
  clockwork::cancel_after guard{rt, source, 30s};
  rt.advance_by(29s);
  EXPECT_FALSE(source.stop_requested());
  rt.advance_by(1s);
  EXPECT_TRUE(source.stop_requested());
  EXPECT_TRUE(guard.fired());
}

TEST(CancelAfter, DestroyingTheGuardFirstLeavesTheSourceAlone) {
  virtual_runtime rt;
  std::stop_source source;
  {
    clockwork::cancel_after guard{rt, source, 30s};
    rt.advance_by(10s);
  }
  EXPECT_EQ(rt.pending_timers(), 0u);
  rt.advance_by(1min);
  EXPECT_FALSE(source.stop_requested());
}

TEST(CancelAfter, ZeroDurationStopsImmediately) {
  virtual_runtime rt;
  std::stop_source source;
  clockwork::cancel_after guard{rt, source, 0s};
  EXPECT_TRUE(source.stop_requested());
}

task<int> slow_value(clockwork::runtime& rt, std::chrono::nanoseconds d, int value) {
  co_await rt.delay(d);
  co_return value;
}

TEST(WithTimeout, ReturnsTheValueWhenTheWorkIsFastEnough) {
  virtual_runtime rt;
  EXPECT_EQ(rt.block_on(clockwork::with_timeout(rt, slow_value(rt, 5s, 7), 10s)), 7);
  EXPECT_EQ(rt.now(), t0 + 5s);
}

TEST(WithTimeout, ThrowsTimeoutErrorAtExactlyTheTimeoutAndTheWorkRunsOnDetached) {
  virtual_runtime rt;
  try {
    rt.block_on(clockwork::with_timeout(rt, slow_value(rt, 1min, 7), 10s));
    FAIL() << "expected timeout_error";
  } catch (const clockwork::timeout_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("00:00:10.000"));
  }
  EXPECT_EQ(rt.now(), t0 + 10s);
  EXPECT_EQ(rt.live_tasks(), 1u);  // abandoned, like .NET's WaitAsync
  rt.run_for(1min);
  EXPECT_EQ(rt.live_tasks(), 0u);
  EXPECT_TRUE(rt.unobserved_exceptions().empty());
}

task<int> fails_later(clockwork::runtime& rt) {
  co_await rt.delay(1min);
  throw std::runtime_error("late failure");
}

TEST(WithTimeout, AnAbandonedWorksLaterExceptionIsRecordedAsUnobserved) {
  virtual_runtime rt;
  EXPECT_THROW(rt.block_on(clockwork::with_timeout(rt, fails_later(rt), 10s)), clockwork::timeout_error);
  rt.run_for(1min);
  ASSERT_EQ(rt.unobserved_exceptions().size(), 1u);
  EXPECT_EQ(rt.unobserved_exceptions()[0].what, "late failure");
}

TEST(WithTimeout, TheWorksOwnExceptionPropagates) {
  virtual_runtime rt;
  EXPECT_THROW(rt.block_on(clockwork::with_timeout(rt, fails_later(rt), 1h)), std::runtime_error);
}

TEST(WithTimeout, StopTokenWinsOverTheTimeoutWithOperationCanceled) {
  virtual_runtime rt;
  std::stop_source stop;
  clockwork::cancel_after stop_at_5s{rt, stop, 5s};
  EXPECT_THROW(rt.block_on(clockwork::with_timeout(rt, slow_value(rt, 1min, 7), 10s, stop.get_token())),
               clockwork::operation_canceled);
  EXPECT_EQ(rt.now(), t0 + 5s);
}

task<int> cooperative(clockwork::runtime& rt, std::stop_token token) {
  co_await rt.delay(1min, token);
  co_return 1;
}

TEST(WithDeadline, CancelsTheWorkThroughItsTokenAndReportsATimeout) {
  virtual_runtime rt;
  auto run = [](clockwork::runtime& r) -> task<int> {
    co_return co_await clockwork::with_deadline(r, 10s, {}, [&r](std::stop_token t) { return cooperative(r, t); });
  };
  EXPECT_THROW(rt.block_on(run(rt)), clockwork::timeout_error);
  EXPECT_EQ(rt.now(), t0 + 10s);
  EXPECT_EQ(rt.live_tasks(), 0u);  // structured: nothing left running
}

TEST(WithDeadline, OuterStopIsACancellationNotATimeout) {
  virtual_runtime rt;
  std::stop_source stop;
  clockwork::cancel_after stop_at_3s{rt, stop, 3s};
  auto run = [](clockwork::runtime& r, std::stop_token outer) -> task<int> {
    co_return co_await clockwork::with_deadline(r, 10s, outer, [&r](std::stop_token t) { return cooperative(r, t); });
  };
  EXPECT_THROW(rt.block_on(run(rt, stop.get_token())), clockwork::operation_canceled);
  EXPECT_EQ(rt.now(), t0 + 3s);
}

// ---- async_event ------------------------------------------------------------------------------

task<> wait_and_record(clockwork::async_event& e, std::string who, std::vector<std::string>& out) {
  co_await e.wait();
  out.push_back(std::move(who));
}

TEST(AsyncEvent, SetWakesEveryWaiterInWaitOrderThroughTheReadyQueue) {
  virtual_runtime rt;
  clockwork::async_event e{rt, "go"};
  std::vector<std::string> out;
  rt.spawn(wait_and_record(e, "first", out), "first");
  rt.spawn(wait_and_record(e, "second", out), "second");
  rt.run_until_idle();
  e.set();
  EXPECT_TRUE(out.empty());  // never resumed inside set()
  rt.run_until_idle();
  EXPECT_EQ(out, (std::vector<std::string>{"first", "second"}));
}

TEST(AsyncEvent, WaitOnASetEventCompletesAtOnceUntilReset) {
  virtual_runtime rt;
  clockwork::async_event e{rt};
  e.set();
  std::vector<std::string> out;
  rt.spawn(wait_and_record(e, "immediate", out), "w");
  rt.run_until_idle();
  EXPECT_EQ(out.size(), 1u);
  e.reset();
  rt.spawn(wait_and_record(e, "blocked", out), "w2");
  rt.run_until_idle();
  EXPECT_EQ(out.size(), 1u);
}

task<> wait_for_and_record(clockwork::runtime& rt, clockwork::async_event& e, std::chrono::nanoseconds d,
                           std::vector<std::string>& out) {
  const bool set = co_await e.wait_for(d);
  out.push_back((set ? "set at " : "timeout at ") + clockwork::format_offset(rt.now(), t0));
}

TEST(AsyncEvent, WaitForReturnsFalseAtTheDeadline) {
  virtual_runtime rt;
  clockwork::async_event e{rt};
  std::vector<std::string> out;
  rt.spawn(wait_for_and_record(rt, e, 5s, out), "w");
  rt.run_for(10s);
  EXPECT_EQ(out, (std::vector<std::string>{"timeout at +00:00:05.000"}));
}

TEST(AsyncEvent, WaitForReturnsTrueWhenSetBeforeTheDeadline) {
  virtual_runtime rt;
  clockwork::async_event e{rt};
  std::vector<std::string> out;
  rt.spawn(wait_for_and_record(rt, e, 5s, out), "w");
  rt.advance_by(2s);
  e.set();
  rt.run_for(10s);
  EXPECT_EQ(out, (std::vector<std::string>{"set at +00:00:02.000"}));
  EXPECT_EQ(rt.pending_timers(), 0u);
}

TEST(AsyncEvent, StopTokenCancelsTheWait) {
  virtual_runtime rt;
  clockwork::async_event e{rt};
  std::stop_source stop;
  std::string outcome;
  auto waiter = [](clockwork::async_event& ev, std::stop_token t, std::string& o) -> task<> {
    try {
      co_await ev.wait(t);
      o = "set";
    } catch (const clockwork::operation_canceled&) {
      o = "canceled";
    }
  };
  rt.spawn(waiter(e, stop.get_token(), outcome), "w");
  rt.run_until_idle();
  stop.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(outcome, "canceled");
  e.set();  // the cancelled waiter left the list
  rt.run_until_idle();
  EXPECT_EQ(outcome, "canceled");
}

// ---- infinite and negative durations (.NET's argument rules where they are stricter for a reason) ----

task<int> answers_after(clockwork::runtime& rt, std::chrono::nanoseconds d) {
  co_await rt.delay(d);
  co_return 5;
}

TEST(InfiniteAndNegative, WithTimeoutInfiniteWaitsForTheWorkAndArmsNoTimer) {
  virtual_runtime rt;
  EXPECT_EQ(rt.block_on(clockwork::with_timeout(rt, answers_after(rt, 365 * 24h), clockwork::infinite)), 5);
  EXPECT_EQ(rt.elapsed(), 365 * 24h);
}

task<> waits_for(clockwork::async_event& ev) {
  co_await ev.wait();
}

TEST(InfiniteAndNegative, WithTimeoutInfiniteAroundWorkNothingCompletesIsADeadlockNotATimeout) {
  virtual_runtime rt;
  clockwork::async_event never{rt, "never set"};
  try {
    rt.block_on(clockwork::with_timeout(rt, waits_for(never), clockwork::infinite));
    FAIL() << "expected a deadlock";
  } catch (const clockwork::deadlock_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("event 'never set'"));
  }
  EXPECT_EQ(rt.elapsed(), 0ns);
}

TEST(InfiniteAndNegative, NegativeTimeoutsAreRefusedAtOnceNegativeDelaysYield) {
  virtual_runtime rt;
  std::stop_source source;
  EXPECT_THROW(clockwork::cancel_after(rt, source, -1s), std::invalid_argument);
  EXPECT_THROW((void)clockwork::with_timeout(rt, answers_after(rt, 1s), -1ms), std::invalid_argument);
  EXPECT_THROW((void)clockwork::with_deadline(rt, -1ns, {}, [&rt](std::stop_token) { return answers_after(rt, 1s); }),
               std::invalid_argument);
  clockwork::async_event ev{rt, "e"};
  EXPECT_THROW((void)ev.wait_for(-1s), std::invalid_argument);
  // A delay computed as "deadline - now" after the deadline passed: due now, not an error.
  EXPECT_EQ(rt.block_on(answers_after(rt, -5s)), 5);
  EXPECT_EQ(rt.elapsed(), 0ns);
}

}  // namespace
