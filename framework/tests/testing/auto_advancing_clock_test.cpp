// auto_advancing_clock: .NET's FakeTimeProvider.AutoAdvanceAmount in clockwork.
#include "clockwork/testing/auto_advancing_clock.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "clockwork/runtime/callback_timer.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::task;
using clockwork::virtual_runtime;
using clockwork::testing::auto_advancing_clock;

TEST(AutoAdvancingClock, EveryReadReturnsTheTimeThenMovesItByTheAmount) {
  virtual_runtime rt;
  auto_advancing_clock clk{rt, 1s};
  const auto t0 = rt.now();
  EXPECT_EQ(clk.steady_now(), t0);
  EXPECT_EQ(clk.steady_now(), t0 + 1s);
  const auto u = clk.utc_now();
  EXPECT_EQ(clk.utc_now(), u + 1s);
  EXPECT_EQ(rt.now(), t0 + 4s);
  // The runtime's own clock (traces, logs, waits) does not move when read.
  EXPECT_EQ(rt.clock().steady_now(), rt.clock().steady_now());
}

TEST(AutoAdvancingClock, ReadsFromTheTestThreadFireTimersAtTheirOwnInstants) {
  virtual_runtime rt;
  auto_advancing_clock clk{rt, 10s};
  std::vector<std::chrono::nanoseconds> fired;
  clockwork::callback_timer timer{rt, [&] { fired.push_back(rt.elapsed()); }, 15s, 0s};
  const auto deadline = clk.steady_now() + 30s;
  while (clk.steady_now() < deadline) {
  }
  EXPECT_EQ(fired, std::vector<std::chrono::nanoseconds>{15s});
}

task<> polls_until(const clockwork::clock& clk, clockwork::steady_time deadline, int& reads) {
  while (clk.steady_now() < deadline) ++reads;  // a polling loop inside one slice
  co_return;
}

TEST(AutoAdvancingClock, APollingLoopInsideACoroutineEnds) {
  virtual_runtime rt;
  auto_advancing_clock clk{rt, 1min};
  int reads = 0;
  rt.spawn(polls_until(clk, rt.now() + 1h, reads), "poller");
  rt.run_until_idle();
  EXPECT_EQ(reads, 60);
  EXPECT_EQ(rt.elapsed(), 61min);
}

TEST(AutoAdvancingClock, ANegativeAmountIsRefused) {
  virtual_runtime rt;
  EXPECT_THROW(auto_advancing_clock(rt, -1ns), std::invalid_argument);
  auto_advancing_clock clk{rt, 0s};
  EXPECT_THROW(clk.set_amount(-1s), std::invalid_argument);
  EXPECT_EQ(clk.steady_now(), clk.steady_now());  // zero: reads move nothing
}

}  // namespace
