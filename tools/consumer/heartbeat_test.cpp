// The consumer's tests: its service for a simulated hour, with clockwork's GoogleTest fixture
// (simulation_test) and its GoogleMock trace matchers.
#include <clockwork/testing/simulation_test.hpp>
#include <clockwork/testing/trace_matchers.hpp>

#include <chrono>

#include "heartbeat.hpp"

using clockwork::testing::simulation_test;  // TEST_F needs an unqualified name

TEST_F(simulation_test, BeatsEveryFiveMinutes) {
  sim.builder().add_hosted_service<consumer::heartbeat>("heartbeat");
  sim.start();
  sim.run_for(std::chrono::hours(1));
  EXPECT_EQ(sim.trace().count(clockwork::trace_kind::tick, "heartbeat"), 12u);
  sim.stop();
  EXPECT_TRUE(sim.result().ok());
  EXPECT_THAT(sim.trace().records(), clockwork::testing::has_record("service_stopped", "heartbeat"));
}
