// A simulation may be destroyed in any state — scripted events still pending, services still
// running, loggers still held — without touching freed memory. Run under the asan preset, each
// of these fails on the first stray access.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "clockwork/testing/simulation.hpp"
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

TEST(SimulationTeardown, ALoggerThatOutlivesTheSimulationDropsItsRecords) {
  std::shared_ptr<spdlog::logger> kept;
  {
    simulation sim;
    sim.builder().add_hosted_service<waits_an_hour_at_a_time>("hourly");
    sim.start();
    kept = sim.app().logger();
    kept->info("while the trace exists");
    const auto host_logs = sim.trace().find(clockwork::trace_kind::log, "host");
    ASSERT_FALSE(host_logs.empty());
    EXPECT_EQ(*host_logs.back().field("message"), "while the trace exists");
    sim.stop();
  }
  kept->info("after the simulation is gone");  // reaches a detached trace sink: dropped
}

}  // namespace
