// callback_timer (.NET's ITimer) in virtual time, and advancing time from inside the stepping.
#include "clockwork/runtime/callback_timer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::callback_timer;
using clockwork::task;
using clockwork::virtual_runtime;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using clockwork::test_support::at;

TEST(CallbackTimer, CallsAtTheDueTimeThenEveryPeriodEachAtItsOwnInstant) {
  virtual_runtime rt;
  std::vector<std::string> calls;
  callback_timer timer{rt, [&] { calls.push_back(at(rt)); }, 10s, 1min, "flush"};
  EXPECT_TRUE(calls.empty()) << "never inside the constructor";
  rt.advance_by(3min);  // one big advance: each call still reads its own instant
  EXPECT_THAT(calls, ElementsAre("+00:00:10.000", "+00:01:10.000", "+00:02:10.000"));
  EXPECT_EQ(timer.calls(), 3u);
  EXPECT_EQ(timer.next_due(), rt.start_time() + 3min + 10s);
}

TEST(CallbackTimer, ZeroOrInfinitePeriodIsOneShotAndInfiniteDueTimeNeverStarts) {
  virtual_runtime rt;
  int once = 0;
  int once_more = 0;
  int never = 0;
  callback_timer a{rt, [&] { ++once; }, 1s, 0s};
  callback_timer b{rt, [&] { ++once_more; }, 1s, clockwork::infinite};
  callback_timer c{rt, [&] { ++never; }, clockwork::infinite, 1s};
  rt.advance_by(1h);
  EXPECT_EQ(once, 1);
  EXPECT_EQ(once_more, 1);
  EXPECT_EQ(never, 0);
  EXPECT_EQ(rt.pending_timers(), 0u);
}

TEST(CallbackTimer, ChangeReArmsFromNowAndDisposeStopsForGood) {
  virtual_runtime rt;
  std::vector<std::string> calls;
  callback_timer timer{rt, [&] { calls.push_back(at(rt)); }, 1min, 1min};
  rt.advance_by(90s);
  EXPECT_TRUE(timer.change(5s, 10s));
  rt.advance_by(30s);
  timer.dispose();
  EXPECT_FALSE(timer.change(1s, 1s));  // ITimer.Change after Dispose returns false
  rt.advance_by(1h);
  EXPECT_THAT(calls, ElementsAre("+00:01:00.000", "+00:01:35.000", "+00:01:45.000", "+00:01:55.000"));
}

TEST(CallbackTimer, SameInstantCallbacksAndWaitsRunInArmOrder) {
  virtual_runtime rt;
  std::vector<std::string> order;
  callback_timer first{rt, [&] { order.push_back("timer 1"); }, 1s, 0s};
  rt.spawn(
      [](virtual_runtime& r, std::vector<std::string>& o) -> task<> {
        co_await r.delay(1s);
        o.push_back("delay");
      }(rt, order),
      "waiter");
  rt.run_until_idle();  // the delay is armed after timer 1
  callback_timer third{rt, [&] { order.push_back("timer 3"); }, 1s, 0s};
  rt.advance_by(1s);
  EXPECT_THAT(order, ElementsAre("timer 1", "delay", "timer 3"));
}

TEST(CallbackTimer, TheCallbackMayChangeOrDisposeItsOwnTimer) {
  virtual_runtime rt;
  std::vector<std::string> calls;
  callback_timer* self = nullptr;
  callback_timer timer{rt,
                       [&] {
                         calls.push_back(at(rt));
                         if (calls.size() == 2) self->change(1h, 0s);  // slower, one-shot
                         if (calls.size() == 3) self->dispose();
                       },
                       1s, 1s};
  self = &timer;
  rt.advance_by(3h);
  EXPECT_THAT(calls, ElementsAre("+00:00:01.000", "+00:00:02.000", "+01:00:02.000"));
  EXPECT_TRUE(timer.disposed());
}

TEST(CallbackTimer, AnExceptionFromTheCallbackIsRecordedAndTheScheduleGoesOn) {
  virtual_runtime rt;
  int calls = 0;
  callback_timer timer{rt,
                       [&] {
                         ++calls;
                         throw std::runtime_error("sink unavailable");
                       },
                       1s, 1s, "exporter"};
  rt.advance_by(3s);
  EXPECT_EQ(calls, 3);
  ASSERT_EQ(rt.unobserved_exceptions().size(), 3u);
  EXPECT_EQ(rt.unobserved_exceptions()[0].task_name, "callback_timer 'exporter'");
  EXPECT_EQ(rt.findings()[0].kind, clockwork::finding_kind::unobserved_exception);
}

TEST(CallbackTimer, NegativeDurationsAndAnEmptyCallbackAreRefused) {
  virtual_runtime rt;
  EXPECT_THROW(callback_timer(
                   rt, [] {}, -1s, 1s),
               std::invalid_argument);
  EXPECT_THROW(callback_timer(
                   rt, [] {}, 1s, -1ns),
               std::invalid_argument);
  EXPECT_THROW(callback_timer(rt, {}, 1s, 1s), std::invalid_argument);
  callback_timer ok{rt, [] {}, 1s, 1s};
  EXPECT_THROW(ok.change(-1s, 1s), std::invalid_argument);
}

// ---- advancing time from inside the stepping -----------------------------------------------------

TEST(CallbackTimer, AdvancingFromInsideACallbackExtendsTheAdvanceWithoutRecursion) {
  virtual_runtime rt;
  std::vector<std::string> calls;
  callback_timer other{rt, [&] { calls.push_back("other at " + at(rt)); }, 30min, 0s};
  callback_timer later{rt, [&] { calls.push_back("later at " + at(rt)); }, 90min, 0s};
  callback_timer pusher{rt,
                        [&] {
                          calls.push_back("pusher at " + at(rt));
                          EXPECT_EQ(rt.advance_by(1h), 0u);  // returns at once...
                          calls.push_back("pusher returns at " + at(rt));
                        },
                        1min, 0s};
  EXPECT_EQ(rt.advance_by(2min), 2u);  // ... and the outer advance goes on to +01:01, timer by timer
  EXPECT_THAT(calls,
              ElementsAre("pusher at +00:01:00.000", "pusher returns at +00:01:00.000", "other at +00:30:00.000"));
  EXPECT_EQ(rt.now(), rt.start_time() + 1h + 1min) << "nested advance: +1 h from the callback's instant";
}

// .NET's FakeTimeProviderTests.Advance_TimeInCallback_PreventsInfiniteLoop, ported: a timer whose
// callback advances the clock by the timer's own period runs once; its next call is one period
// after the instant the callback advanced to.
TEST(CallbackTimer, ACallbackThatAdvancesTimeByItsPeriodRunsOnceAndIsRePhased) {
  virtual_runtime rt;
  std::vector<std::string> calls;
  callback_timer timer{rt,
                       [&] {
                         calls.push_back(at(rt));
                         // The bound only keeps a failure from hanging the test.
                         if (calls.size() < 100) rt.advance_by(1s);
                       },
                       0s, 1s};
  rt.advance_by(0s);  // due now: the first call (.NET makes it from CreateTimer)
  EXPECT_THAT(calls, ElementsAre("+00:00:00.000"));
  EXPECT_EQ(rt.now(), rt.start_time() + 1s);
  EXPECT_EQ(timer.next_due(), rt.start_time() + 2s);
  rt.advance_by(1s);  // its next call, at +2 s, advances to +3 s
  EXPECT_THAT(calls, ElementsAre("+00:00:00.000", "+00:00:02.000"));
  EXPECT_EQ(rt.now(), rt.start_time() + 3s);
  EXPECT_EQ(timer.next_due(), rt.start_time() + 4s);
}

TEST(CallbackTimer, ACallbackIsRePhasedOnlyWhenItMovesTimePastItsOwnInstant) {
  virtual_runtime rt;
  std::vector<std::string> calls;
  callback_timer still{rt, [&] { rt.advance_by(0s); }, 1s, 1s, "still"};
  callback_timer shorter{rt,
                         [&] {
                           calls.push_back(at(rt));
                           rt.advance_by(2s);  // less than its period
                         },
                         3s, 5s, "shorter"};
  rt.advance_by(3s);
  EXPECT_EQ(rt.now(), rt.start_time() + 5s) << "extended by the callback at +3 s";
  EXPECT_EQ(shorter.next_due(), rt.start_time() + 10s);
  rt.advance_by(5s);
  EXPECT_EQ(rt.now(), rt.start_time() + 12s);
  EXPECT_THAT(calls, ElementsAre("+00:00:03.000", "+00:00:10.000"));
  EXPECT_EQ(shorter.next_due(), rt.start_time() + 17s);
  EXPECT_EQ(still.calls(), 12u) << "a zero advance moves nothing: every second, in phase";
  EXPECT_EQ(still.next_due(), rt.start_time() + 13s);
}

task<> advances_from_a_coroutine(virtual_runtime& rt, std::vector<std::string>& log) {
  log.push_back("before at " + at(rt));
  rt.advance_by(1h);
  co_await rt.delay(1s);
  log.push_back("after at " + at(rt));
}

TEST(CallbackTimer, AdvancingFromACoroutineIsReachedBeforeTheOutermostCallReturns) {
  virtual_runtime rt;
  std::vector<std::string> log;
  rt.spawn(advances_from_a_coroutine(rt, log), "stepper");
  rt.run_until_idle();
  EXPECT_EQ(rt.now(), rt.start_time() + 1h);
  EXPECT_THAT(log, ElementsAre("before at +00:00:00.000", "after at +00:00:01.000"));
}

task<> blocks_on_its_own_runtime(virtual_runtime& rt, std::string& refused) {
  try {
    rt.run_until_idle();
  } catch (const std::logic_error& e) {
    refused = e.what();
  }
  co_return;
}

TEST(CallbackTimer, SteppingCallsOtherThanAdvanceAreRefusedFromInsideTheStepping) {
  virtual_runtime rt;
  std::string refused;
  rt.spawn(blocks_on_its_own_runtime(rt, refused), "nested");
  rt.run_until_idle();
  EXPECT_THAT(refused, HasSubstr("run_until_idle: called from inside the runtime's own stepping"));
}

}  // namespace
