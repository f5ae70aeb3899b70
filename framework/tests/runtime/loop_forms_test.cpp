// Waiting in a loop the way the docs recommend it: the await is a statement of its own that
// stores its result in a local, and the loop tests the local (docs/scenarios.md, "Await into a
// local, never in a condition"):
//
//   for (;;) {
//     const bool ticked = co_await timer.next_tick(stopping);
//     if (!ticked) break;  // the timer was disposed
//     ...
//   }
//
// GCC 12 miscompiles a coroutine whose if/while/for condition is itself an await, depending on
// the temporaries of that condition — not on the kind of coroutine nor on the optimisation
// level. So every test here puts exactly those temporaries (a duration converted for the call,
// a default stop token, a timer held by reference) into the recommended form, in every kind of
// coroutine: a free function, a member function, a lambda, a hosted service's execute(). The
// same file is built twice, as loop_forms_test (-O2) and loop_forms_O0_test (-O0); the ci preset
// builds it with GCC, the clang preset with Clang. Nothing here depends on reproducing the
// miscompile itself.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stop_token>
#include <vector>

#include "clockwork/hosting/background_service.hpp"
#include "clockwork/runtime/periodic_timer.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/testing/simulation.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::periodic_timer;
using clockwork::steady_time;
using clockwork::task;
using clockwork::virtual_runtime;

// What a loop saw: the instant of every iteration, and whether the loop ended by itself.
struct loop_record {
  std::vector<steady_time> iterations;
  bool ended = false;
};

// Every five minutes for an hour, from a runtime that started at steady time zero.
std::vector<steady_time> every_five_minutes_for_an_hour() {
  std::vector<steady_time> instants;
  for (int k = 1; k <= 12; ++k) instants.push_back(steady_time{} + k * 5min);
  return instants;
}

// ---- free functions ----------------------------------------------------------------------------

// The timer held by reference and a default stop token: both temporaries of the call.
task<> ticks_of_a_timer_held_by_reference(clockwork::runtime& rt, periodic_timer& timer, loop_record& out) {
  for (;;) {
    const bool ticked = co_await timer.next_tick();
    if (!ticked) break;
    out.iterations.push_back(rt.now());
  }
  out.ended = true;
}

// A duration converted from minutes to nanoseconds for the call, and the caller's token.
task<> delays_until_stopped(clockwork::runtime& rt, std::stop_token stopping, loop_record& out) {
  for (;;) {
    const bool waited = co_await rt.try_delay(5min, stopping);
    if (!waited) break;
    out.iterations.push_back(rt.now());
  }
  out.ended = true;
}

TEST(LoopForms, FreeFunctionTicksOfATimerHeldByReferenceEndWhenItIsDisposed) {
  virtual_runtime rt;
  periodic_timer timer{rt, 5min, "timer"};
  loop_record record;
  rt.spawn(ticks_of_a_timer_held_by_reference(rt, timer, record), "loop");
  rt.run_for(1h + 1min);
  timer.dispose();
  rt.run_for(1min);
  EXPECT_EQ(record.iterations, every_five_minutes_for_an_hour());
  EXPECT_TRUE(record.ended);
}

TEST(LoopForms, FreeFunctionTryDelayEndsWhenStopped) {
  virtual_runtime rt;
  std::stop_source stop;
  loop_record record;
  rt.spawn(delays_until_stopped(rt, stop.get_token(), record), "loop");
  rt.run_for(1h + 1min);
  stop.request_stop();
  rt.run_for(1min);
  EXPECT_EQ(record.iterations, every_five_minutes_for_an_hour());
  EXPECT_TRUE(record.ended);
}

// ---- member functions --------------------------------------------------------------------------

class poller {
 public:
  explicit poller(clockwork::runtime& rt) : rt_(rt) {}

  task<> tick(periodic_timer& timer, std::stop_token stopping) {
    for (;;) {
      const bool ticked = co_await timer.next_tick(stopping);
      if (!ticked) break;
      record.iterations.push_back(rt_.now());
    }
    record.ended = true;
  }

  task<> delay(std::stop_token stopping) {
    for (;;) {
      const bool waited = co_await rt_.try_delay(5min, stopping);
      if (!waited) break;
      record.iterations.push_back(rt_.now());
    }
    record.ended = true;
  }

  loop_record record;

 private:
  clockwork::runtime& rt_;
};

TEST(LoopForms, MemberFunctionTicksEndWhenTheTimerIsDisposed) {
  virtual_runtime rt;
  periodic_timer timer{rt, 5min, "timer"};
  poller p{rt};
  rt.spawn(p.tick(timer, {}), "loop");
  rt.run_for(1h + 1min);
  timer.dispose();
  rt.run_for(1min);
  EXPECT_EQ(p.record.iterations, every_five_minutes_for_an_hour());
  EXPECT_TRUE(p.record.ended);
}

TEST(LoopForms, MemberFunctionTryDelayEndsWhenStopped) {
  virtual_runtime rt;
  std::stop_source stop;
  poller p{rt};
  rt.spawn(p.delay(stop.get_token()), "loop");
  rt.run_for(1h + 1min);
  stop.request_stop();
  rt.run_for(1min);
  EXPECT_EQ(p.record.iterations, every_five_minutes_for_an_hour());
  EXPECT_TRUE(p.record.ended);
}

// ---- lambdas -----------------------------------------------------------------------------------

TEST(LoopForms, LambdaTicksAndTryDelayEndAsTold) {
  virtual_runtime rt;
  periodic_timer timer{rt, 5min, "timer"};
  std::stop_source stop;
  loop_record ticks;
  loop_record delays;
  // The captures live in the test's frame, which outlives both coroutines.
  auto tick = [&]() -> task<> {
    for (;;) {
      const bool ticked = co_await timer.next_tick();
      if (!ticked) break;
      ticks.iterations.push_back(rt.now());
    }
    ticks.ended = true;
  };
  auto delay = [&]() -> task<> {
    for (;;) {
      const bool waited = co_await rt.try_delay(5min, stop.get_token());
      if (!waited) break;
      delays.iterations.push_back(rt.now());
    }
    delays.ended = true;
  };
  rt.spawn(tick(), "ticks");
  rt.spawn(delay(), "delays");
  rt.run_for(1h + 1min);
  timer.dispose();
  stop.request_stop();
  rt.run_for(1min);
  EXPECT_EQ(ticks.iterations, every_five_minutes_for_an_hour());
  EXPECT_TRUE(ticks.ended);
  EXPECT_EQ(delays.iterations, every_five_minutes_for_an_hour());
  EXPECT_TRUE(delays.ended);
}

// ---- a hosted service's execute() --------------------------------------------------------------

class ticking_service : public clockwork::background_service {
 public:
  explicit ticking_service(loop_record& out) : out_(out) {}

  task<> execute(std::stop_token stopping) override {
    periodic_timer timer{rt(), 5min, "ticking"};
    for (;;) {
      const bool ticked = co_await timer.next_tick(stopping);  // throws operation_canceled on stop
      if (!ticked) break;
      out_.iterations.push_back(rt().now());
    }
  }

 private:
  loop_record& out_;
};

class delaying_service : public clockwork::background_service {
 public:
  explicit delaying_service(loop_record& out) : out_(out) {}

  task<> execute(std::stop_token stopping) override {
    for (;;) {
      const bool waited = co_await rt().try_delay(5min, stopping);
      if (!waited) break;
      out_.iterations.push_back(rt().now());
    }
    out_.ended = true;
  }

 private:
  loop_record& out_;
};

TEST(LoopForms, HostedServicesTickAndDelayUntilTheHostStops) {
  clockwork::testing::simulation sim;
  loop_record ticks;
  loop_record delays;
  sim.builder().add_hosted_service<ticking_service>(
      "ticking", [&](clockwork::service_provider&) { return std::make_shared<ticking_service>(ticks); });
  sim.builder().add_hosted_service<delaying_service>(
      "delaying", [&](clockwork::service_provider&) { return std::make_shared<delaying_service>(delays); });
  sim.start();
  sim.run_for(1h + 1min);
  sim.stop();
  EXPECT_TRUE(sim.result().ok());
  EXPECT_EQ(ticks.iterations, every_five_minutes_for_an_hour());
  EXPECT_EQ(delays.iterations, every_five_minutes_for_an_hour());
  EXPECT_TRUE(delays.ended);
}

}  // namespace
