// A simulation may be destroyed in any state — scripted events still pending, services still
// running, loggers still held — without touching freed memory. Run under the asan preset, each
// of these fails on the first stray access.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "clockwork/diagnostics/logging.hpp"
#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/testing/simulation.hpp"
#include "clockwork/time/virtual_clock.hpp"
#include "clockwork/time/duration.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::task;
using clockwork::testing::simulation;

class waits_an_hour_at_a_time : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    for (;;) co_await rt().delay(1h, stopping);
  }
};

TEST(SimulationTeardown, DestroyedBeforeItsScriptedEventsFireWithoutStop) {
  auto fired = std::make_shared<int>(0);
  {
    simulation sim;
    sim.builder().add_hosted_service<waits_an_hour_at_a_time>("hourly");
    sim.start();
    sim.request_stop_at(sim.now() + 3h);
    sim.at(sim.now() + 2h, "count", [fired] { ++*fired; });
    sim.jump_wall_clock_at(sim.now() + 4h, 1h);
    sim.run_for(90min);
    // Destroyed here: three scripted events are still in the runtime's timer heap, and the
    // service's own wait sits next to them.
  }
  EXPECT_EQ(*fired, 0);
}

class says_goodbye : public clockwork::background_service {
 public:
  ~says_goodbye() override { log()->info("goodbye from the destructor"); }
  task<> execute(std::stop_token stopping) override { co_await rt().delay(clockwork::infinite, stopping); }
};

TEST(SimulationTeardown, AServiceThatLogsInItsDestructorDuringTeardownWritesNothingFreed) {
  simulation sim;
  sim.builder().add_hosted_service<says_goodbye>("polite");
  sim.start();
  sim.run_for(1h);
  // No stop(): the runtime unwinds the service's coroutine when the simulation goes, the last
  // reference to the service is dropped then, and its destructor logs into the trace sink.
}

// The trace sink itself may outlive its trace (a logger's clock must outlive the logger, as
// logging.hpp says; the trace is the part a teardown order can get wrong).
TEST(SimulationTeardown, ATraceSinkThatOutlivesItsTraceDropsItsRecords) {
  const clockwork::virtual_clock clk;
  std::shared_ptr<spdlog::logger> logger;
  {
    clockwork::trace tr{clk};
    logger = clockwork::make_logger("svc", clk, {clockwork::make_trace_sink(tr)});
    logger->info("while the trace exists");
    EXPECT_EQ(tr.count(clockwork::trace_kind::log, "svc"), 1u);
  }
  logger->info("after the trace is gone");  // reaches a detached sink: dropped, nothing freed is touched
}

}  // namespace
